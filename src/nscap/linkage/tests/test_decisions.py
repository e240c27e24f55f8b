"""Bulk decisions on merge suggestions: the preview is what happens, one changeset, one undo,
the run's clusters exactly, and never two reports of one reporter in one event."""

from __future__ import annotations

import pytest

from nscap.activities.models import TrainingEvent
from nscap.contributions import services as contributions
from nscap.contributions.errors import Invalid, NotAllowed, Stale
from nscap.contributions.models import Changeset, HistoryEntry
from nscap.contributions.record_types import RECORD_TYPES, snapshot
from nscap.linkage import decisions, engine, services, synthetic
from nscap.linkage.decisions import Selection
from nscap.linkage.demo_data import load_synthetic
from nscap.linkage.models import BulkDecision, ClusterMember, LinkCluster, LinkRun, MergeSuggestion
from nscap.testing.factories import make_event, make_institution
from nscap.testing.roles import make_steward, make_user

pytestmark = pytest.mark.django_db
EVENT = RECORD_TYPES["training_event"]


@pytest.fixture
def steward():
    return make_steward()


@pytest.fixture
def run(steward) -> LinkRun:
    load_synthetic(synthetic.generate(150, seed=13))
    return services.run_linkage(steward)


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


def _report(host, reporter=None, **fields) -> TrainingEvent:
    return make_event(host=host, reported_by=reporter, title="Insider threat course", **fields)


def _result(clusters: list[list[TrainingEvent]], pairs: list[tuple]) -> engine.LinkResult:
    cluster_of = {e.key: f"c{n}" for n, group in enumerate(clusters) for e in group}
    return engine.LinkResult(
        [engine.Pair(a.key, b.key, weight, 0.9, {}, status) for a, b, weight, status in pairs],
        cluster_of,
        set(),
        len(pairs),
    )


def test_a_report_linked_through_another_duplicate_is_suggested_against_the_kept_one(steward):
    """The run linked A–B and B–C, never compared A and C: accepting what it linked must still
    leave one report of the three standing (it left two before)."""
    host = make_institution()
    a, b, c = _report(host), _report(host, make_institution()), _report(host, make_institution())
    run = LinkRun.objects.create(started_by=steward)
    events = {e.key: e for e in (a, b, c)}
    result = _result([[a, b, c]], [(a, b, 9.0, "linked"), (b, c, 6.0, "linked")])
    services._save_suggestions(run, result, events)
    assert set(MergeSuggestion.objects.values_list("kept", "duplicate", "match_weight")) == {
        (a.pk, b.pk, 9.0),
        (a.pk, c.pk, 6.0),
    }
    decisions.decide(steward, Selection("accept", strength="linked"))
    assert _standing() == 1
    assert set(TrainingEvent.objects.values_list("same_as", flat=True)) == {None, a.pk}


def test_a_pending_suggestion_the_new_run_does_not_make_is_dropped(steward):
    host = make_institution()
    a, b = _report(host), _report(host, make_institution())
    events = {e.key: e for e in (a, b)}
    run = LinkRun.objects.create(started_by=steward)
    services._save_suggestions(run, _result([[a, b]], [(a, b, 9.0, "linked")]), events)
    rejected = MergeSuggestion.objects.get()
    services._save_suggestions(run, _result([[a], [b]], [(a, b, -1.0, "suggested")]), events)
    refreshed = MergeSuggestion.objects.get()
    assert (refreshed.pk, refreshed.strength) == (rejected.pk, "possible")  # brought up to date
    services._save_suggestions(run, _result([[a], [b]], []), events)
    assert not MergeSuggestion.objects.exists()


def test_two_reports_of_one_reporter_never_end_in_one_event(steward):
    host, reporter = make_institution(), make_institution()
    kept = _report(host)
    first = _report(host, reporter)
    second = _report(host, reporter)
    merged = MergeSuggestion.objects.create(
        kept=kept, duplicate=first, match_weight=9, match_probability=0.99, strength="linked"
    )
    refused = MergeSuggestion.objects.create(
        kept=kept, duplicate=second, match_weight=8, match_probability=0.99, strength="linked"
    )
    preview = decisions.plan(steward, Selection("accept", min_weight=5)).summary()
    assert preview["decided"] == 1
    assert preview["skipped"] == {decisions.SAME_REPORTER: 1}
    assert {(e["id"], e["outcome"]) for e in preview["examples"]} == {
        (merged.pk, "accept"),
        (refused.pk, f"skipped: {decisions.SAME_REPORTER}"),
    }
    decisions.decide(steward, Selection("accept", min_weight=5))
    refused.refresh_from_db()
    second.refresh_from_db()
    assert refused.status == "pending" and second.same_as_id is None
    with pytest.raises(Invalid, match=decisions.SAME_REPORTER):
        services.accept(steward, refused.pk)  # the single accept obeys the same rule


@pytest.mark.parametrize("how", ["single", "bulk"])
def test_a_group_folds_to_one_kept_report_without_chains(steward, how):
    """B was merged into A before; now A's group joins K's: B points at K, not at A."""
    host = make_institution()
    k, a, b = (_report(host, make_institution()) for _ in range(3))
    first = MergeSuggestion.objects.create(
        kept=a, duplicate=b, match_weight=9, match_probability=0.99, strength="linked"
    )
    services.accept(steward, first.pk)
    second = MergeSuggestion.objects.create(
        kept=k, duplicate=a, match_weight=7, match_probability=0.99, strength="possible"
    )
    if how == "single":
        services.accept(steward, second.pk)
    else:
        decisions.decide(steward, Selection("accept", min_weight=5))
    assert dict(TrainingEvent.objects.values_list("pk", "same_as")) == {
        k.pk: None,
        a.pk: k.pk,
        b.pk: k.pk,
    }


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
