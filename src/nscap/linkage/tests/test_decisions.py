"""Bulk decisions on merge suggestions: the preview is what happens, one changeset, one undo,
the run's clusters exactly, and never two reports of one reporter in one event."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from nscap.activities.models import TrainingEvent
from nscap.contributions import services as contributions
from nscap.contributions.errors import Invalid, NotAllowed, Stale
from nscap.contributions.models import Changeset, HistoryEntry
from nscap.contributions.record_types import RECORD_TYPES, snapshot
from nscap.linkage import decisions, engine, services, synthetic
from nscap.linkage.decisions import Selection
from nscap.linkage.demo_data import load_synthetic
from nscap.linkage.models import BulkDecision, ClusterMember, LinkCluster, LinkRun, MergeSuggestion
from nscap.testing.factories import make_institution
from nscap.testing.roles import make_steward, make_user

pytestmark = pytest.mark.django_db
EVENT = RECORD_TYPES["training_event"]


@pytest.fixture(scope="module")
def linked_once(django_db_setup, django_db_blocker) -> tuple[int, int]:
    """(run, steward) primary keys: 150 synthetic events linked once for the module, inside a
    transaction rolled back after it; each test runs in a savepoint on top. The rules that need
    an empty registry are in ``test_decision_rules``."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_synthetic(synthetic.generate(150, seed=13))
        steward = make_steward()
        yield services.run_linkage(steward).pk, steward.pk
        transaction.set_rollback(True)


@pytest.fixture
def steward(linked_once: tuple[int, int], db):
    """The steward who ran the linkage, read afresh (a user caches what it may see)."""
    return get_user_model().objects.get(pk=linked_once[1])


@pytest.fixture
def run(linked_once: tuple[int, int], db) -> LinkRun:
    return LinkRun.objects.get(pk=linked_once[0])


def _state() -> tuple:
    events = {e.key: snapshot(EVENT, e) for e in TrainingEvent.objects.order_by("pk")}
    suggestions = sorted(MergeSuggestion.objects.values_list("pk", "status"))
    clusters = sorted(ClusterMember.objects.values_list("event__key", "cluster__public_id"))
    return events, suggestions, clusters


def _standing() -> int:
    return TrainingEvent.objects.filter(same_as__isnull=True).count()


def test_the_preview_is_what_accepting_does(run, steward):
    selection = Selection("accept", min_weight=engine.LINK_WEIGHT)
    preview = decisions.plan(steward, selection).summary()
    assert (
        preview["selected"]
        == MergeSuggestion.objects.filter(
            status="pending", match_weight__gte=engine.LINK_WEIGHT
        ).count()
    )
    assert preview["decided"] > 0 and preview["examples"]
    assert preview["standing_before"] == _standing()

    bulk = decisions.decide(steward, selection, expect=preview["decided"])
    assert (
        MergeSuggestion.objects.filter(bulk_decision=bulk, status="accepted").count()
        == (preview["decided"])
    )
    assert _standing() == preview["standing_after"]
    assert (
        bulk.reports_folded
        == preview["reports_folded"]
        == (preview["standing_before"] - preview["standing_after"])
    )
    # one changeset, one history row per report it points elsewhere
    assert (
        HistoryEntry.objects.filter(changeset=bulk.changeset).count()
        == (preview["reports_changed"])
    )
    assert Changeset.objects.get(pk=bulk.changeset_id).status == "applied"


def test_accepting_what_the_run_linked_gives_the_run_s_clusters(run, steward):
    decisions.decide(steward, Selection("accept", strength="linked"))
    assert _standing() == run.clusters
    assert not TrainingEvent.objects.filter(same_as__same_as__isnull=False).exists()  # no chains
    for cluster in LinkCluster.objects.prefetch_related("members__event"):
        events = [m.event for m in cluster.members.all()]
        roots = {e.same_as_id or e.pk for e in events}
        assert len(roots) == 1, cluster.public_id


def test_apply_then_undo_restores_the_prior_state_with_history(run, steward):
    before = _state()
    bulk = decisions.decide(steward, Selection("accept", min_weight=-100))
    assert _state() != before
    changed = HistoryEntry.objects.filter(changeset=bulk.changeset).count()
    assert changed == bulk.reports_folded > 0
    decisions.undo(steward, bulk.pk)
    assert _state() == before
    bulk.refresh_from_db()
    assert bulk.undone_at is not None
    assert HistoryEntry.objects.filter(changeset=bulk.undo_changeset).count() == changed
    with pytest.raises(Exception, match="undone already"):
        decisions.undo(steward, bulk.pk)


def _median_weight() -> float:
    weights = sorted(MergeSuggestion.objects.values_list("match_weight", flat=True))
    return weights[len(weights) // 2]


def test_a_bulk_reject_and_its_undo(run, steward):
    weight = _median_weight()
    below = {"status": "pending", "match_weight__lt": weight}
    pending = MergeSuggestion.objects.filter(**below).count()
    bulk = decisions.decide(steward, Selection("reject", below_weight=weight))
    assert bulk.decided == pending > 0 and bulk.changeset is None
    assert not MergeSuggestion.objects.filter(**below).exists()
    decisions.undo(steward, bulk.pk)
    assert MergeSuggestion.objects.filter(**below).count() == pending


def test_a_threshold_that_selects_nothing_is_a_clear_no_op(run, steward):
    before = _state()
    preview = decisions.plan(steward, Selection("accept", min_weight=1000)).summary()
    assert (preview["selected"], preview["decided"], preview["reports_changed"]) == (0, 0, 0)
    with pytest.raises(Invalid, match="no pending suggestion has match weight ≥ 1000"):
        decisions.decide(steward, Selection("accept", min_weight=1000))
    assert _state() == before and not BulkDecision.objects.exists()


def test_a_changed_queue_is_refused_against_the_preview(run, steward):
    selection = Selection("accept", min_weight=engine.LINK_WEIGHT)
    expected = decisions.plan(steward, selection).summary()["decided"]
    with pytest.raises(Stale, match="preview again"):
        decisions.decide(steward, selection, expect=expected + 1)
    assert not BulkDecision.objects.exists()


def test_a_merge_accepted_in_bulk_is_undone_only_with_its_decision(run, steward):
    bulk = decisions.decide(steward, Selection("accept", strength="linked"))
    one = MergeSuggestion.objects.filter(bulk_decision=bulk).first()
    with pytest.raises(NotAllowed, match=f"bulk decision {bulk.pk}"):
        services.undo(steward, one.pk)


def test_undo_is_refused_when_a_report_changed_since(run, steward):
    bulk = decisions.decide(steward, Selection("accept", strength="linked"))
    entry = HistoryEntry.objects.filter(changeset=bulk.changeset).first()
    edited = TrainingEvent.objects.get(key=entry.record_key)
    contributions.propose(
        steward,
        [
            contributions.ProposedChange(
                "update", "training_event", key=edited.key, values={"title": "Edited since"}
            )
        ],
    )
    with pytest.raises(Stale, match=entry.record_key):
        decisions.undo(steward, bulk.pk)
    assert TrainingEvent.objects.get(key=entry.record_key).same_as_id is not None


@pytest.mark.parametrize("action", ["plan", "decide", "undo"])
def test_only_stewards_decide_in_bulk(run, steward, action):
    contributor = make_user(institution=make_institution())
    selection = Selection("accept", min_weight=0)
    bulk = decisions.decide(steward, Selection("reject", below_weight=_median_weight()))
    call = {
        "plan": lambda: decisions.plan(contributor, selection),
        "decide": lambda: decisions.decide(contributor, selection),
        "undo": lambda: decisions.undo(contributor, bulk.pk),
    }[action]
    with pytest.raises(NotAllowed):
        call()


@pytest.mark.parametrize(
    "fields",
    [{}, {"min_weight": 3, "below_weight": 2}, {"strength": "strong"}],
)
def test_a_selection_must_say_what_it_takes(fields):
    with pytest.raises(Invalid):
        Selection("accept", **fields)
    with pytest.raises(Invalid):
        Selection("merge", min_weight=1)
