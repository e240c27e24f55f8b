"""Search timings on a generated registry (issue 17: "search timings at 1M events").

    python bench/search.py 100k                       # SQLite file under /tmp/nscap-bench-search
    python bench/search.py 1M --reuse                 # keep a registry built before
    python bench/search.py 10k --database postgres://postgres@127.0.0.1:5432/nscap_bench_search

Builds the registry with ``bench/dataset.py`` (the brief plus a synthetic region: every event is
titled "Bench event N", so ``bench event`` matches every event — the worst case), rebuilds the
search index (timed), then times the search page's reads as a visitor and as a steward: the
counts per type, the best five hits of each type, the facets and, on a miss, "did you mean".
One scale per run; each run appends its rows to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import record, summary  # noqa: E402
from bench.dataset import configure, drop_and_create, fill, scale_of  # noqa: E402

# Cheapest first, so a run cut short at 1M still has the typical cases.
QUERIES = [
    ("academy", "one institution"),
    ("原子力", "CJK without spaces"),
    ("nuclear security", "names in the brief"),
    ("acadmy", "a miss: did you mean"),
    ("japan", "a country: its events"),
    ("bench event", "every event (worst case)"),
]


def search_page(text: str, user) -> int:
    """What the search page reads for ``text``: counts, five hits per type, facets, and
    suggestions when nothing is found. Returns the number of hits."""
    from nscap.search.selectors import facets, ranked, start
    from nscap.search.suggestions import did_you_mean

    search = start(text, user)
    for result_type in search.counts:
        list(ranked(search, result_type)[:5])
    facets(search)
    if not search.total:
        did_you_mean(text, user)
    return search.total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scale", help="reported events: 10k, 100k, 1M or a number")
    parser.add_argument("--database", help="postgres://… (default: an SQLite file in /tmp)")
    parser.add_argument("--reuse", action="store_true", help="keep the registry if it is there")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    events = scale_of(args.scale)
    url = args.database or f"sqlite:////tmp/nscap-bench-search/{events}.sqlite3"
    configure(url)
    existing = url.startswith("sqlite") and Path(url.removeprefix("sqlite:///")).exists()
    rows: list[tuple[str, str]] = []
    if args.reuse and existing:
        import django

        django.setup()
    else:
        started = time.perf_counter()
        drop_and_create(url)
        fill(events)
        print(f"registry of {events:,} events built in {time.perf_counter() - started:.0f} s")

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    from nscap.search.matching import backend
    from nscap.search.services import rebuild_index

    started = time.perf_counter()
    counts = rebuild_index()
    elapsed = time.perf_counter() - started
    entries = sum(counts.values())
    print(f"index rebuilt: {entries:,} entries in {elapsed:.1f} s ({backend()})", flush=True)
    where = f"{connection.vendor}, {events:,} events"
    rows.append((f"search index rebuild, {where}", f"{entries:,} entries in {elapsed:.1f} s"))

    steward = get_user_model().objects.filter(is_superuser=True).first()
    if steward is None:
        steward = get_user_model().objects.create_superuser("bench-steward", "", None)
    for label, user in (("visitor", AnonymousUser()), ("steward", steward)):
        for text, what in QUERIES:
            hits = search_page(text, user)  # also the warm-up
            samples = []
            for _ in range(args.runs):
                started = time.perf_counter()
                search_page(text, user)
                samples.append(time.perf_counter() - started)
            stats = summary(samples)
            line = f"{stats['median_ms']:,.0f} ms median, {stats['p95_ms']:,.0f} ms max"
            print(f"{label:8s} {text!r:22s} {hits:>9,} hits  {line}  ({what})", flush=True)
            rows.append(
                (f"search page '{text}' ({what}), {label}, {where}", f"{hits:,} hits; {line}")
            )
    load = f"load {os.getloadavg()[0]:.1f}, shared machine"
    record(f"search ({connection.vendor})", [(what, f"{figure} ({load})") for what, figure in rows])


if __name__ == "__main__":
    main()
