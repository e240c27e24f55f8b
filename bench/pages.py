"""Page and API latency in process (Django's test client): the brief's data, or a generated
registry.

    python bench/pages.py [--runs 50]
    python bench/pages.py --database sqlite:////tmp/nscap-readbench/100k/nscap.sqlite3 \\
        [--page /gaps/]

Measures the framework plus our code, without a network or a server process, as a visitor. With
``--database`` it reads a registry filled by ``bench/dataset.py`` and adds that data's lists and
details; ``--page`` adds any other path (the gap page, when it lands). The load tests with
gunicorn and wrk are ``bench/read_api.py``.
"""

from __future__ import annotations

import argparse
import os
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


def dataset_pages() -> list[str]:
    """What a generated registry (bench/dataset.py) adds: its lists and a visible record each."""
    from django.contrib.auth.models import AnonymousUser

    from nscap.activities.models import TrainingEvent
    from nscap.institutions.models import Institution

    visitor = AnonymousUser()
    event = TrainingEvent.objects.visible_to(visitor).filter(key__startswith="bench-").first()
    institution = Institution.objects.visible_to(visitor).filter(key__startswith="bench-").first()
    return [
        "/api/events?country=CN&year=2015",
        "/api/events?limit=50",
        f"/api/events/{event.key}",
        f"/institutions/{institution.key}/",
        f"/api/institutions/{institution.key}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--database", help="a registry filled by bench/dataset.py")
    parser.add_argument("--page", action="append", default=[], help="another path to time")
    args = parser.parse_args()
    if args.database:
        os.environ["DATABASE_URL"] = args.database
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver"]
    pages = [*PAGES, *args.page]
    if args.database:
        pages += dataset_pages()
        data = f"the registry at {args.database}"
    else:
        call_command("load_brief", verbosity=0)
        data = "brief data"
    client = Client()
    rows = []
    print(f"in-process latency, {data}, {args.runs} runs each")
    for url in pages:

        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        stats = summary(timed(get, args.runs))
        print(f"  {url:32s} median {stats['median_ms']:6.1f} ms   p95 {stats['p95_ms']:6.1f} ms")
        rows.append(
            (f"GET {url}", f"median {stats['median_ms']:.1f} ms, p95 {stats['p95_ms']:.1f} ms")
        )
    record("pages" if not args.database else f"pages ({args.database})", rows)


if __name__ == "__main__":
    main()
