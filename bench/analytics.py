"""Gap analysis and analytics pages on a synthetic registry of 10k / 100k (/1M) events.

    python bench/analytics.py [--events 10000 100000] [--runs 5] [--page-runs 50]

For each size: load the brief and ``nscap.analytics.synthetic`` (replacing the previous
size's set; one SQLite file), then time the uncached gap analysis and achievements (cache
cleared before each run) and the analytics pages and API once cached (Django's test client, in
process). Targets (issue 4): gap analysis <= 1 s; pages p95 <= 300 ms once cached.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import record, summary  # noqa: E402

PAGES = [
    "/analytics/",
    "/analytics/gaps/",
    "/analytics/gaps/?axis=topic&year=2014",
    "/analytics/achievements/",
    "/api/analytics/gaps",
    "/api/analytics/achievements",
]


def _fmt(stats: dict[str, float]) -> str:
    return f"median {stats['median_ms']:.0f} ms, p95 {stats['p95_ms']:.0f} ms"


def run(events: int, runs: int, page_runs: int, rows: list[tuple[str, str]]) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from nscap.analytics.achievements import achievements
    from nscap.analytics.gaps import gap_analysis
    from nscap.analytics.synthetic import load_synthetic

    call_command("load_brief", verbosity=0)
    start = time.perf_counter()
    report = load_synthetic(events=events)
    load = time.perf_counter() - start
    written = report.counts.get("TrainingEvent", 0)
    print(f"{events:,} events (+ double reports: {written:,} event rows) loaded in {load:.1f} s")
    rows.append((f"synthetic load, {events:,} events ({written:,} reports)", f"{load:.1f} s"))
    user = AnonymousUser()
    for name, fn in (("gap analysis", gap_analysis), ("achievements", achievements)):
        samples = []
        for _ in range(runs):
            cache.clear()
            begin = time.perf_counter()
            fn(user)
            samples.append(time.perf_counter() - begin)
        stats = summary(samples)
        print(f"  {name}, uncached: {_fmt(stats)}")
        rows.append((f"{name}, uncached, {events:,} events, visitor", _fmt(stats)))
    client = Client()
    for url in PAGES:
        assert client.get(url).status_code == 200, url  # warms the cache
        samples = []
        for _ in range(page_runs):
            begin = time.perf_counter()
            response = client.get(url)
            samples.append(time.perf_counter() - begin)
            assert response.status_code == 200, url
        stats = summary(samples)
        print(f"  GET {url:40s} cached: {_fmt(stats)}")
        rows.append((f"GET {url}, cached, {events:,} events", _fmt(stats)))
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--page-runs", type=int, default=50)
    args = parser.parse_args()
    import os

    os.environ["NSCAP_DATA_DIR"] = tempfile.mkdtemp(prefix="nscap-bench-analytics-")
    from bench.common import setup_django

    setup_django()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    rows: list[tuple[str, str]] = []
    for events in args.events:
        run(events, args.runs, args.page_runs, rows)
    record("analytics", rows)


if __name__ == "__main__":
    main()
