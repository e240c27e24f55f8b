"""Page and API latency on the brief's data, in process (Django's test client, SQLite).

    python bench/pages.py [--runs 50]

Measures the framework plus our code, without a network or a server process; the load tests
with gunicorn and a load generator belong to the performance work.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import record, setup_django, summary, timed  # noqa: E402

PAGES = [
    "/",
    "/institutions/",
    "/institutions/?q=INSA",
    "/institutions/insa/",
    "/collaboration/",
    "/courses/",
    "/figures/",
    "/sources/",
    "/api/institutions",
    "/api/institutions/insa",
    "/api/collaboration-claims",
    "/api/citations?limit=500",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("load_brief", verbosity=0)
    client = Client()
    rows = []
    print(f"in-process latency, brief data, {args.runs} runs each")
    for url in PAGES:

        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        stats = summary(timed(get, args.runs))
        print(f"  {url:32s} median {stats['median_ms']:6.1f} ms   p95 {stats['p95_ms']:6.1f} ms")
        rows.append(
            (f"GET {url}", f"median {stats['median_ms']:.1f} ms, p95 {stats['p95_ms']:.1f} ms")
        )
    record("pages", rows)


if __name__ == "__main__":
    main()
