"""Bulk and single decisions on a registry of a few hand-made reports: merges never chain and
never put two reports of one reporter in one event. (``test_decisions`` runs on a synthetic
world loaded once for its module; these need the registry empty.)"""

from __future__ import annotations

import pytest

from nscap.activities.models import TrainingEvent
from nscap.contributions.errors import Invalid
from nscap.linkage import decisions, engine, services
from nscap.linkage.decisions import Selection
from nscap.linkage.models import LinkRun, MergeSuggestion
from nscap.testing.factories import make_event, make_institution
from nscap.testing.roles import make_steward

pytestmark = pytest.mark.django_db


@pytest.fixture
def steward():
    return make_steward()


def _standing() -> int:
    return TrainingEvent.objects.filter(same_as__isnull=True).count()


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
