"""The database side of the load and crash scripts: set up a registry to load, and check
afterwards that every acknowledged write is there. Run as a subprocess with the server's
environment (``bench/loadgen.py: run_json``), so that the script driving the load never holds a
database connection that a crash could break.

    python bench/loadcheck.py setup --bulk 2000     # prints the tokens and keys as JSON
    python bench/loadcheck.py verify LEDGER.json    # prints what is missing or doubled as JSON
    python bench/loadcheck.py count TAG             # how much of an import file is there
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def setup(bulk: int) -> dict:
    """Migrate, load the brief, make a contributor of INSA and a steward with write tokens,
    and add ``bulk`` events through the changeset services (in changesets of 500)."""
    _django()
    from django.core.management import call_command

    from nscap.accounts.choices import TokenScope
    from nscap.accounts.tokens import create_token
    from nscap.activities.models import TrainingEvent
    from nscap.contributions import services
    from nscap.institutions.models import Institution
    from nscap.testing.roles import make_steward, make_user

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_brief", verbosity=0)
    tag = uuid.uuid4().hex[:6]
    contributor = make_user(
        f"load-contributor-{tag}", institution=Institution.objects.get(key="insa")
    )
    steward = make_steward(f"load-steward-{tag}")
    rng = random.Random(7)
    for start in range(0, bulk, 500):
        changes = [
            services.ProposedChange(
                "create",
                "training_event",
                values={
                    "host": rng.choice(["insa", "iscn", "snstc"]),
                    "title": f"Bulk course {tag} {n}",
                    "start": f"20{rng.randint(10, 25)}-{rng.randint(1, 12):02d}",
                    "country": rng.choice(["JP", "KR", "CN", "ID", "MY", "VN"]),
                    "participants": rng.randint(5, 80),
                },
            )
            for n in range(start, min(bulk, start + 500))
        ]
        services.propose(steward, changes, comment="bulk for the load test", origin="import")
    keys = list(TrainingEvent.objects.order_by("?").values_list("key", flat=True)[:500])
    return {
        "contributor_token": create_token(contributor, "load", TokenScope.WRITE)[1],
        "steward_token": create_token(steward, "load", TokenScope.WRITE)[1],
        "host": "insa",
        "event_keys": keys,
        "steward": steward.username,
        "events": TrainingEvent.objects.count(),
    }


def verify(ledger: dict) -> dict:
    """Every acknowledged proposal is one changeset; every acknowledged application is there
    once with the values last acknowledged; no changeset is half-applied."""
    _django()
    from django.db.models import Count

    from nscap.activities.models import TrainingEvent
    from nscap.contributions.models import Changeset, HistoryEntry

    problems: list[str] = []
    keys = [p["idempotency_key"] for p in ledger["proposed"]]
    found = dict(
        Changeset.objects.filter(idempotency_key__in=keys)
        .values("idempotency_key")
        .annotate(n=Count("id"))
        .values_list("idempotency_key", "n")
    )
    problems += [f"proposal {k}: {found.get(k, 0)} changesets" for k in keys if found.get(k) != 1]
    last: dict[str, dict] = {}
    for entry in ledger["applied"]:
        last[entry["key"]] = entry
    events = {
        e.key: e
        for e in TrainingEvent.objects.filter(key__in=list(last)).prefetch_related("partners")
    }
    later: dict[str, set] = defaultdict(set)  # values sent after the last acknowledged one
    for index, change in enumerate(ledger.get("sent", [])):
        if change["key"] in last and index > last[change["key"]]["sent"]:
            later[change["key"]].add(change["participants"])
    for key, entry in last.items():
        event = events.get(key)
        if event is None:
            problems.append(f"event {key}: acknowledged but missing")
        elif event.participants not in {entry["participants"], *later[key]}:
            problems.append(
                f"event {key}: participants {event.participants}, acknowledged "
                f"{entry['participants']}"
            )
    titles = [e["title"] for e in ledger["applied"] if e["title"]]
    doubled = (
        TrainingEvent.objects.filter(title__in=titles)
        .values("title")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    problems += [f"title {d['title']}: {d['n']} events" for d in doubled]
    # Half-applied: an applied changeset has a history entry per change, others have none.
    changesets = Changeset.objects.filter(origin="api").annotate(
        changes_n=Count("changes", distinct=True), history_n=Count("history", distinct=True)
    )
    half = 0
    for cs in changesets.values("id", "status", "changes_n", "history_n"):
        expected = cs["changes_n"] if cs["status"] == "applied" else 0
        if cs["history_n"] != expected:
            half += 1
            problems.append(
                f"changeset {cs['id']} ({cs['status']}): {cs['history_n']} history "
                f"entries for {cs['changes_n']} changes"
            )
    created = TrainingEvent.objects.filter(title__startswith="Load test course ")
    no_partner = created.annotate(p=Count("partners")).filter(p=0).count()
    if no_partner:
        problems.append(f"{no_partner} created events lack the partner they were sent with")
    applied_api = Changeset.objects.filter(origin="api", status="applied").count()
    return {
        "problems": problems[:50],
        "problem_count": len(problems),
        "acknowledged_proposals": len(keys),
        "acknowledged_applied": len(last),
        "api_changesets": changesets.count(),
        "api_changesets_applied": applied_api,
        "half_applied": half,
        "history_entries": HistoryEntry.objects.count(),
    }


def count_import(tag: str) -> dict:
    """How much of the import file tagged ``tag`` is in the database (bench/import_crash.py)."""
    _django()
    from django.db.models import Count

    from nscap.activities.models import TrainingEvent
    from nscap.contributions.models import Change, Changeset

    events = TrainingEvent.objects.filter(key__startswith=f"imp-{tag}-")
    changesets = Changeset.objects.filter(origin="import", comment__contains=tag)
    return {
        "events": events.count(),
        "distinct_keys": events.values("key").distinct().count(),
        "changesets": changesets.count(),
        "applied": changesets.filter(status="applied").count(),
        "changes": Change.objects.filter(changeset__in=changesets).count(),
        "history": changesets.aggregate(n=Count("history"))["n"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("setup").add_argument("--bulk", type=int, default=0)
    sub.add_parser("verify").add_argument("ledger")
    sub.add_parser("count").add_argument("tag")
    args = parser.parse_args()
    if args.action == "setup":
        result = setup(args.bulk)
    elif args.action == "count":
        result = count_import(args.tag)
    else:
        result = verify(json.loads(Path(args.ledger).read_text()))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
