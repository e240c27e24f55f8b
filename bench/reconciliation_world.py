"""The held-out-shaped data set of issue 14, end to end through the documented paths.

Run by ``python bench/reconciliation.py --world 20000``. The second generator
(``nscap.synthetic_world``) makes a world shaped like the issue's data set: about 300
institutions, the given number of event reports, ~1,200 collaboration claims, ~300 aggregate
claims and ~6,000 demand cells (``files.write(as_reported=True)``: hosts and partners as the
reporters wrote them, nothing resolved by hand; no TOML). A steward then, in one process:

1. dry-runs and imports each file (``interchange.importer.run_import``, as ``nscap import``
   and the upload page do): vocabulary + institutions + courses, reports + claims + aggregate
   claims, needs (source, assessments, figures);
2. works the reconciliation queue (``reconciliation.selectors.queue_groups``, the page's and
   the API's read) one decision per group through ``reconciliation.services.decide`` (the
   page's and the API's write). The simulated steward knows the truth: it picks the institution
   most of the group's rows mean (a steward reading the rows would), or "not an institution"
   when the rows mean none.

Printed: rows/s of each import, names queued, distinct names in context, decisions, time per
decision, where every row went (0 dropped), how many rows the decisions pointed at the true
institution, and the demand and aggregate figures imported.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any


def _world(reports: int, seed: int) -> Any:
    from nscap.synthetic_world import world

    # Issue 14's shape: ~300 institutions for 20,000 reports (a report per ~1.92 events),
    # claims at ~1,166 per 20,000 reports.
    events = round(reports / 1.92)
    rates = world.Rates(events_per_institution=round(events / 300), claims_per_event=0.147)
    return world.generate(events, seed=seed, rates=rates)


def _import(steward: Any, path: Path) -> tuple[Any, float, float]:
    """(result, dry-run seconds, import seconds) of one file, dry run first."""
    from nscap.interchange.importer import run_import

    data = path.read_bytes()
    started = time.perf_counter()
    dry = run_import(steward, path.name, data, dry_run=True)
    dry_seconds = time.perf_counter() - started
    assert dry.plan.ok, [e.as_dict() for e in dry.plan.errors[:5]]
    started = time.perf_counter()
    result = run_import(steward, path.name, data)
    seconds = time.perf_counter() - started
    assert result.plan.ok and result.changeset is not None, result.plan.errors[:3]
    return result, dry_seconds, seconds


def _truth_of(world: Any) -> dict[tuple[str, str, str, str], str]:
    """(record type, record key, field, text) -> the institution the row means."""
    by_name = {inst.name: key for key, inst in world.institutions.items()}
    truth: dict[tuple[str, str, str, str], str] = {}
    for r in world.reports:
        truth["training_event", r.key, "host", r.host_text.strip()] = r.host
        for key, _role in r.partners:
            truth["training_event", r.key, "partners", world.institutions[key].name] = key
    for c in world.claims:
        if c.partner:
            name = world.institutions[c.partner].name
            truth["collaboration_claim", c.key, "partner", name] = by_name[name]
    return truth


def _decide_all(steward: Any, truth: dict, most: int | None = None) -> dict[str, Any]:
    """One decision per queue group (the first ``most`` groups, largest first, when given), as
    a steward who reads the group's rows would decide."""
    from nscap.reconciliation import selectors, services
    from nscap.reconciliation.models import NameMention

    figures = Counter()
    spent = 0.0
    while True:
        started = time.perf_counter()
        page, _total = selectors.queue_groups(steward, limit=50)
        spent += time.perf_counter() - started
        if not page or figures["decisions"] == most:
            break
        for group in page[: None if most is None else most - figures["decisions"]]:
            key = group["key"]
            rows = list(
                NameMention.objects.filter(
                    normalized=key.normalized,
                    context_country=key.country,
                    context_reporter=key.reporter,
                    decision="",
                ).values_list("record_type", "record_key", "field", "text")
            )
            meant = Counter(truth.get((t, k, f, x.strip())) for t, k, f, x in rows)
            best, count = meant.most_common(1)[0]
            offered = [c["key"] for c in group["candidates"]]
            figures["rows meaning the picked institution"] += count if best else 0
            figures["rows in groups"] += len(rows)
            figures["picked among candidates"] += best in offered
            figures["picked = first candidate"] += bool(offered) and best == offered[0]
            started = time.perf_counter()
            if best:
                services.decide(steward, key, "pick", institution=best)
            else:
                services.decide(steward, key, "not_institution")
            spent += time.perf_counter() - started
            figures["decisions"] += 1
            if figures["decisions"] % 500 == 0:  # a partial run still tells its pace
                print(
                    f"  ... {figures['decisions']:,} decisions, {spent:.0f} s, "
                    f"{figures['rows in groups']:,} rows covered",
                    flush=True,
                )
    figures["seconds"] = spent
    return figures


def run_world(reports: int, *, seed: int = 7, decisions: int | None = None) -> None:
    from bench.reconciliation import account, print_accounting
    from nscap.activities.models import AggregateClaim
    from nscap.quantities.models import Quantity
    from nscap.synthetic_world import files
    from nscap.testing.roles import make_user

    world = _world(reports, seed)
    directory = Path(tempfile.mkdtemp(prefix="nscap-world-"))
    paths = files.write(world, directory, as_reported=True)
    steward = make_user("bench-steward", steward=True)
    print(
        f"world (seed {seed}): {len(world.institutions)} institutions, {len(world.reports):,} "
        f"reports, {len(world.claims):,} claims, {len(world.demand):,} demand cells"
    )
    queued_total = 0
    for path in paths[:3]:
        result, dry, seconds = _import(steward, path)
        plan = result.plan
        rows = len(plan.rows)
        groups = plan.unreconciled()
        queued_total += len(plan.mentions)
        print(
            f"{path.name:<17} {rows:>7,} rows: dry run {dry:6.1f} s, import {seconds:6.1f} s "
            f"= {rows / seconds:,.0f} rows/s; {len(plan.mentions):,} names queued in "
            f"{len(groups):,} groups ({len({g['text'] for g in groups}):,} distinct texts)",
            flush=True,
        )
        for record_type, counts in sorted(plan.counts_by_type().items()):
            print(f"  {record_type:<22} {counts['create']:>7,} created")
    print("events, after import:")
    print_accounting(account("training_event", len(world.reports)))

    truth = _truth_of(world)
    figures = _decide_all(steward, truth, decisions)
    decisions = figures["decisions"]
    each = figures["seconds"] / max(decisions, 1)
    print(
        f"decisions          {decisions:>9,} for {queued_total:,} names queued "
        f"(decisions <= groups: one per group); {figures['seconds']:.1f} s = "
        f"{each * 1000:,.0f} ms each"
    )
    print(
        f"  picked among the stored candidates {figures['picked among candidates']:,}, "
        f"the first candidate {figures['picked = first candidate']:,}; rows whose group's "
        f"decision is their true institution {figures['rows meaning the picked institution']:,}"
        f" of {figures['rows in groups']:,}"
    )
    from nscap.reconciliation import selectors

    print(f"groups still pending {selectors.queue_groups(steward, limit=1)[1]:,}")
    print("events, after the decisions:")
    print_accounting(account("training_event", len(world.reports)))
    with_figures = AggregateClaim.objects.filter(people__isnull=False, courses__isnull=False)
    demand = Quantity.objects.filter(needs_assessment__isnull=False)
    print(f"aggregate claims with courses and people {with_figures.count():,}")
    print(f"needs figures (one per demand cell)      {demand.count():,}")
