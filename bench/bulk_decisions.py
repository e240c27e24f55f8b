"""Bulk decisions: accepting N merge suggestions at once (preview, apply, undo) on SQLite.

    python bench/bulk_decisions.py [--suggestions 10000] [--single 200]

The registry gets 2N training-event reports (N events, each reported by its host and by one
other institution) and N pending "linked" suggestions between them, written directly (set-up,
not what is measured). Measured, same run, same data: the preview (``decisions.plan``), the
bulk accept (``decisions.decide``: one changeset of N ``same_as`` updates with their history),
its undo (``decisions.undo``: the reverting changeset); the anchor is the queue's single accept
(``services.accept``, one POST each) on the first ``--single`` suggestions after the undo.
Appends rows to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import record, setup_django  # noqa: E402


def populate(n: int) -> None:
    from nscap.activities.models import TrainingEvent
    from nscap.linkage.models import MergeSuggestion
    from nscap.testing.factories import make_institution

    institutions = [make_institution() for _ in range(60)]
    reports = []
    for i in range(n):
        host = institutions[i % 50]
        reporter = institutions[50 + i % 10]
        for side, reported_by in (("k", None), ("d", reporter)):
            reports.append(
                TrainingEvent(
                    key=f"bench-{i}-{side}", host=host, reported_by=reported_by, title=f"Course {i}"
                )
            )
    TrainingEvent.objects.bulk_create(reports, batch_size=2000)
    pk = dict(TrainingEvent.objects.values_list("key", "pk"))
    MergeSuggestion.objects.bulk_create(
        [
            MergeSuggestion(
                kept_id=pk[f"bench-{i}-k"],
                duplicate_id=pk[f"bench-{i}-d"],
                match_weight=3 + (i % 100) / 10,
                match_probability=0.99,
                strength="linked",
            )
            for i in range(n)
        ],
        batch_size=2000,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--suggestions", type=int, default=10_000)
    parser.add_argument("--single", type=int, default=200)
    args = parser.parse_args()
    setup_django()
    from nscap.activities.models import TrainingEvent
    from nscap.linkage import decisions, services
    from nscap.linkage.decisions import Selection
    from nscap.linkage.models import MergeSuggestion
    from nscap.testing.roles import make_steward

    n = args.suggestions
    populate(n)
    steward = make_steward("bench-steward")
    selection = Selection("accept", min_weight=3)

    start = time.perf_counter()
    preview = decisions.plan(steward, selection).summary()
    preview_s = time.perf_counter() - start
    start = time.perf_counter()
    bulk = decisions.decide(steward, selection, expect=preview["decided"])
    apply_s = time.perf_counter() - start
    standing = TrainingEvent.objects.filter(same_as__isnull=True).count()
    assert bulk.decided == n and standing == n, (bulk.decided, standing)
    start = time.perf_counter()
    decisions.undo(steward, bulk.pk)
    undo_s = time.perf_counter() - start
    assert TrainingEvent.objects.filter(same_as__isnull=True).count() == 2 * n

    pending = MergeSuggestion.objects.order_by("pk").values_list("pk", flat=True)
    single = list(pending[: args.single])
    start = time.perf_counter()
    for pk in single:
        services.accept(steward, pk)
    single_s = time.perf_counter() - start

    rows = [
        (f"bulk accept, {n} suggestions: preview", f"{preview_s:.2f} s"),
        (f"bulk accept, {n} suggestions: apply", f"{apply_s:.2f} s ({n / apply_s:,.0f}/s)"),
        (f"bulk accept, {n} suggestions: undo", f"{undo_s:.2f} s ({n / undo_s:,.0f}/s)"),
        (
            f"single accept (the queue's POST), {len(single)} suggestions",
            f"{single_s:.2f} s ({len(single) / single_s:,.1f}/s)",
        ),
    ]
    load = f" (load {os.getloadavg()[0]:.1f}, shared machine)"
    rows = [(what, value + load) for what, value in rows]
    for what, value in rows:
        print(f"{what}: {value}")
    record("bulk decisions (SQLite)", rows)


if __name__ == "__main__":
    main()
