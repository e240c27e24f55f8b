"""The second generator's files as reported (issue 14): they go in whole through the templates,
with no hand resolution and no TOML, and every name the import cannot resolve is queued."""

from __future__ import annotations

from collections import Counter

import pytest

from nscap.activities.models import AggregateClaim, TrainingEvent
from nscap.collaboration.models import CollaborationClaim
from nscap.interchange.importer import run_import
from nscap.needs.models import NeedsAssessment
from nscap.quantities.models import Quantity
from nscap.reconciliation import selectors, services
from nscap.reconciliation.models import NameMention
from nscap.synthetic_world import files, world
from nscap.testing.roles import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def small() -> world.World:
    return world.generate(160, seed=4)  # about 300 reports


def _import_all(steward, paths) -> list:
    plans = []
    for path in paths:
        data = path.read_bytes()
        dry = run_import(steward, path.name, data, dry_run=True)
        assert dry.plan.ok, [e.as_dict() for e in dry.plan.errors[:5]]
        assert dry.changeset is None
        result = run_import(steward, path.name, data)
        assert result.plan.ok and result.changeset is not None
        assert result.plan.unreconciled() == dry.plan.unreconciled()
        plans.append(result.plan)
    return plans


def test_files_as_reported_import_whole_and_queue_every_unresolved_name(small, tmp_path):
    steward = make_user(steward=True)
    paths = files.write(small, tmp_path, as_reported=True)
    assert [p.name for p in paths] == [
        "institutions.zip",
        "reports.zip",
        "needs.zip",
        "truth.json",
    ]
    plans = _import_all(steward, paths[:3])

    # Every report is an event; a host the import could not resolve is held, never dropped.
    assert TrainingEvent.objects.count() == len(small.reports)
    assert 250 <= len(small.reports) <= 350
    unresolved = set(TrainingEvent.objects.filter(host__isnull=True).values_list("key", flat=True))
    queued = set(
        NameMention.objects.filter(
            record_type="training_event", field="host", decision=""
        ).values_list("record_key", flat=True)
    )
    assert unresolved, "a world as reported has names no import can resolve"
    assert unresolved == queued
    texts = dict(TrainingEvent.objects.filter(key__in=unresolved).values_list("key", "host_text"))
    by_key = {r.key: r for r in small.reports}
    assert all(texts[key] == by_key[key].host_text.strip() for key in unresolved)
    # A host the import did resolve is the one the report names.
    resolved = TrainingEvent.objects.filter(host__isnull=False).values_list("key", "host__key")
    assert all(by_key[key].host == host for key, host in resolved)
    assert len(plans[1].mentions) == NameMention.objects.count()

    # Claims, aggregate figures and demand are in, from the template.
    assert CollaborationClaim.objects.count() == len(small.claims)
    assert AggregateClaim.objects.filter(courses__isnull=False, people__isnull=False).count() == (
        len({e.host for e in small.events.values()})
    )
    assert NeedsAssessment.objects.count() == len({cell[0] for cell in small.demand})
    demand = Quantity.objects.filter(needs_assessment__isnull=False)
    assert demand.count() == len(small.demand)
    assert sum(demand.values_list("value", flat=True)) == sum(small.demand.values())


def test_one_decision_per_group_leaves_no_event_without_a_host(small, tmp_path):
    steward = make_user(steward=True)
    _import_all(steward, files.write(small, tmp_path, as_reported=True)[:2])
    groups, total = selectors.queue_groups(steward, limit=1000)
    assert total == len(groups) > 0
    rows = Counter()
    for group in groups:
        candidates = group["candidates"]
        if candidates:
            result = services.decide(
                steward, group["key"], "pick", institution=candidates[0]["key"]
            )
        else:
            result = services.decide(steward, group["key"], "not_institution")
        rows[result.decision] += result.rows
    assert selectors.queue_groups(steward)[1] == 0
    assert sum(rows.values()) == NameMention.objects.count()
    without_host = TrainingEvent.objects.filter(host__isnull=True).count()
    not_institution = NameMention.objects.filter(
        record_type="training_event", field="host", decision="not_institution"
    ).count()
    assert without_host == not_institution
