"""Reconciliation, not refusal (issue 14): import N event rows of which ~18% name their host
in a way the registry cannot resolve, then reconcile them as a steward would.

    python bench/reconciliation.py [--rows 10000] [--unresolved 0.18] [--seed 7]
    python bench/reconciliation.py --rows 100000
    python bench/reconciliation.py --world 20000   # the held-out-shaped data set, end to end
    python bench/reconciliation.py --world 20000 --decisions 500   # only the largest groups

``--world`` runs ``bench/reconciliation_world.py``: the second generator's files (vocabulary,
institutions, reports, claims, aggregate claims, needs) through dry run, import and one
decision per queue group. Below, the default: the synthetic file of a fixed registry.

A throwaway SQLite registry (``bench.common.setup_django``): 300 institutions in 12 countries,
20 of them sharing the acronym "NSSC"; 40 reporters, each mostly reporting events located in
its own country and each with its own sloppy habits (a misspelt name, "NSSC", an unlisted
name). Resolved rows name their host by its full name. Measured, in one process:

- the import (plan + one changeset applied at once, as a steward): rows/s;
- names queued (rows kept unreconciled), distinct name-in-context groups, decisions needed;
- the decisions, one per group through ``reconciliation.services.decide`` (pick the first
  candidate, or "not an institution" when there is none): seconds per decision;
- a second file with the same habits: how many of its names the learned aliases resolve.

Prints the figures, with the machine's CPU probe and load (``bench.common``); nothing is
written to docs (copy them with the machine's state).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, setup_django  # noqa: E402

COUNTRIES = ["MY", "ID", "TH", "VN", "PH", "KR", "JP", "CN", "IN", "PK", "SG", "BD"]
HEADER = ["key", "host", "title", "start", "country", "participants", "reported_by"]


def build_registry(rng: random.Random) -> tuple[list[tuple], list[tuple[str, str]]]:
    """(institutions as (key, name, country), reporters as (key, country))."""
    from nscap.institutions.models import Institution, Label

    institutions, labels = [], []
    for i in range(300):
        country = COUNTRIES[i % len(COUNTRIES)]
        nssc = i < 20
        name = (
            f"Nuclear Security Support Centre of {country} {i}"
            if nssc
            else f"{rng.choice(['National', 'Regional', 'Applied', 'Institute for'])} "
            f"{rng.choice(['Nuclear', 'Radiation', 'Energy', 'Security'])} "
            f"{rng.choice(['Academy', 'Centre', 'Agency', 'Laboratory', 'School'])} {i}"
        )
        institutions.append(
            Institution(
                key=f"inst-{i}", name=name, country=country, kind="nssc" if nssc else "university"
            )
        )
    Institution.objects.bulk_create(institutions)
    for institution in Institution.objects.all():
        labels.append(
            Label(institution=institution, text=institution.name, language="en", kind="name")
        )
        if institution.kind == "nssc":
            labels.append(
                Label(institution=institution, text="NSSC", language="en", kind="acronym")
            )
    for label in labels:
        from nscap.institutions.normalize import normalize_label

        label.normalized = normalize_label(label.text)
    Label.objects.bulk_create(labels)
    rows = list(Institution.objects.values_list("key", "name", "country"))
    reporters = [(key, country) for key, _n, country in rows[20:60]]
    return rows, reporters


def misspell(name: str, rng: random.Random) -> str:
    chars = list(name)
    for _ in range(2):
        i = rng.randrange(1, len(chars) - 1)
        chars[i] = chars[i + 1] if rng.random() < 0.5 else ""
    return "".join(chars)


def events_file(n: int, share: float, institutions, reporters, rng, prefix: str, habits) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for i in range(n):
        reporter, home = rng.choice(reporters)
        country = home if rng.random() < 0.8 else rng.choice(COUNTRIES)
        sloppy = rng.random() < share
        host = rng.choice(habits[reporter]) if sloppy else rng.choice(institutions)[1]
        writer.writerow(
            [
                f"{prefix}-{i}",
                host,
                f"Course run {i}",
                f"20{10 + i % 14}-{1 + i % 12:02d}",
                country,
                10 + i % 40,
                reporter,
            ]
        )
    return out.getvalue().encode()


def account(record_type: str, rows: int) -> dict[str, int]:
    """Where every row of the file went: imported, host resolved, host held (with a queued or
    decided mention), and dropped (a host neither resolved nor held: must be 0)."""
    from nscap.contributions.record_types import RECORD_TYPES
    from nscap.reconciliation.models import NameMention

    model = RECORD_TYPES[record_type].model
    held = set(
        NameMention.objects.filter(record_type=record_type, field="host").values_list(
            "record_key", flat=True
        )
    )
    no_host = set(model.objects.filter(host__isnull=True).values_list("key", flat=True))
    pending = NameMention.objects.filter(record_type=record_type, field="host", decision="")
    not_institution = NameMention.objects.filter(
        record_type=record_type, field="host", decision="not_institution"
    )
    imported = model.objects.count()
    return {
        "rows in file": rows,
        "rows imported": imported,
        "rows missing": rows - imported,
        "host resolved": imported - len(no_host),
        "host unresolved": len(no_host),
        "  of which queued (pending)": pending.count(),
        "  of which decided not an institution": not_institution.count(),
        "host unresolved and not held (dropped)": len(no_host - held),
    }


def print_accounting(figures: dict[str, int]) -> None:
    for what, value in figures.items():
        print(f"  {what:<40} {value:>9,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--unresolved", type=float, default=0.18)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--world", type=int, help="reports of the held-out-shaped world")
    parser.add_argument("--decisions", type=int, help="--world: decide only the largest N groups")
    args = parser.parse_args()
    setup_django()
    print(f"machine            {machine()}, load {os.getloadavg()[0]:.1f}")
    if args.world:
        from bench.reconciliation_world import run_world

        run_world(args.world, seed=args.seed, decisions=args.decisions)
        return
    from nscap.interchange.importer import run_import
    from nscap.reconciliation import selectors, services
    from nscap.testing.roles import make_user

    rng = random.Random(args.seed)
    institutions, reporters = build_registry(rng)
    steward = make_user("bench-steward", steward=True)
    habits = {
        key: [misspell(rng.choice(institutions[20:])[1], rng), "NSSC", f"Unlisted Centre {key}"]
        for key, _c in reporters
    }
    data = events_file(args.rows, args.unresolved, institutions, reporters, rng, "a", habits)

    started = time.perf_counter()
    result = run_import(steward, "training_event.csv", data)
    seconds = time.perf_counter() - started
    assert result.plan.ok and result.changeset is not None, result.plan.errors[:3]
    queued = len(result.plan.mentions)
    groups = result.plan.unreconciled()
    rate = args.rows / seconds
    print(f"rows imported      {args.rows:>9,}  in {seconds:7.1f} s  = {rate:,.0f} rows/s")
    print(f"names queued       {queued:>9,}  ({queued / args.rows:.1%} of rows)")
    print(f"distinct texts     {len({g['text'] for g in groups}):>9,}")
    print(f"groups (decisions) {len(groups):>9,}  (name x location country x reporter)")
    print_accounting(account("training_event", args.rows))

    started = time.perf_counter()
    decided = 0
    while True:
        page, _total = selectors.queue_groups(steward, limit=50)
        if not page:
            break
        for group in page:
            candidates = group["candidates"]
            if candidates:
                services.decide(steward, group["key"], "pick", institution=candidates[0]["key"])
            else:
                services.decide(steward, group["key"], "not_institution")
            decided += 1
    spent = time.perf_counter() - started
    each = spent / max(decided, 1) * 1000
    print(f"decisions made     {decided:>9,}  in {spent:7.1f} s  = {each:,.0f} ms each")
    print(f"decisions <= groups: {decided <= len(groups)}")
    print_accounting(account("training_event", args.rows))

    again = events_file(args.rows // 10, args.unresolved, institutions, reporters, rng, "b", habits)
    started = time.perf_counter()
    second = run_import(steward, "training_event.csv", again)
    spent = time.perf_counter() - started
    unresolved_again = sum(1 for m in second.plan.mentions if not m.decision)
    print(
        f"second file        {args.rows // 10:>9,} rows in {spent:5.1f} s; "
        f"{unresolved_again} names queued again (learned aliases and decisions resolved the rest)"
    )


if __name__ == "__main__":
    main()
