"""Linkage on registry data: runs, stable cluster ids, merges as changesets and their undo."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from django.core.management import CommandError, call_command

from nscap.activities.models import TrainingEvent
from nscap.contributions.errors import AlreadyReviewed, NotAllowed
from nscap.contributions.models import HistoryEntry
from nscap.contributions.record_types import RECORD_TYPES, snapshot
from nscap.linkage import services, synthetic
from nscap.linkage.demo_data import PREFIX, load_synthetic
from nscap.linkage.models import ClusterMember, LinkCluster, MergeSuggestion
from nscap.testing.factories import make_institution
from nscap.testing.roles import make_steward, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def data() -> synthetic.SyntheticData:
    data = synthetic.generate(150, seed=13)
    load_synthetic(data)
    return data


def _true_groups(data) -> list[list[str]]:
    groups = defaultdict(list)
    for key, event in data.truth.items():
        groups[event].append(PREFIX + key)
    return [sorted(g) for g in groups.values() if len(g) > 1]


def _cluster_ids() -> dict[str, str]:
    return dict(ClusterMember.objects.values_list("event__key", "cluster__public_id"))


def test_a_run_links_known_duplicates_and_queues_suggestions(data):
    run = services.run_linkage(make_steward())
    assert run.status == "done" and run.reports == len(data.records)
    ids = _cluster_ids()
    groups = _true_groups(data)
    together = sum(len({ids[k] for k in group}) == 1 for group in groups)
    assert together / len(groups) >= 0.9
    assert run.clusters == LinkCluster.objects.count() < run.reports
    suggestion = MergeSuggestion.objects.filter(strength="linked").first()
    assert suggestion is not None
    assert set(suggestion.comparisons) == {
        "host",
        "start",
        "title",
        "topics",
        "place",
        "participants",
        "partners",
        "length",
    }
    assert suggestion.comparisons["host"]["level"] == "same host"


def test_only_stewards_run_linkage(data):
    with pytest.raises(NotAllowed):
        services.run_linkage(make_user())


def test_accepting_merges_through_a_changeset_and_undo_restores_both_reports(data):
    steward = make_steward()
    services.run_linkage(steward)
    suggestion = MergeSuggestion.objects.filter(strength="linked").first()
    record_type = RECORD_TYPES["training_event"]
    before = {e.key: snapshot(record_type, e) for e in (suggestion.kept, suggestion.duplicate)}
    services.accept(steward, suggestion.pk)
    duplicate = TrainingEvent.objects.get(pk=suggestion.duplicate_id)
    assert duplicate.same_as_id == suggestion.kept_id
    assert HistoryEntry.objects.filter(
        record_key=duplicate.key, action="activities.training_event.update"
    ).exists()
    with pytest.raises(AlreadyReviewed):
        services.accept(steward, suggestion.pk)

    services.undo(steward, suggestion.pk)
    for key, values in before.items():
        assert snapshot(record_type, TrainingEvent.objects.get(key=key)) == values
    suggestion.refresh_from_db()
    assert suggestion.status == "pending" and suggestion.undo_changeset is not None


def test_rejected_pairs_are_not_suggested_again(data):
    steward = make_steward()
    services.run_linkage(steward)
    suggestion = MergeSuggestion.objects.first()
    services.reject(steward, suggestion.pk)
    services.run_linkage(steward)
    assert (
        MergeSuggestion.objects.filter(kept=suggestion.kept, duplicate=suggestion.duplicate)
        .get()
        .status
        == "rejected"
    )


def test_incremental_linking_keeps_cluster_ids(data):
    steward = make_steward()
    services.run_linkage(steward)
    first = _cluster_ids()
    # a new report of an existing event, from a reporter that has not reported it yet
    original = TrainingEvent.objects.filter(
        reported_by__isnull=True, start_precision="day", participants__isnull=False
    ).first()
    TrainingEvent.objects.create(
        key="syn-late-report",
        host=original.host,
        reported_by=make_institution(country=original.country),
        title=original.title,
        start=original.start + dt.timedelta(days=1),
        city=original.city,
        country=original.country,
        participants=original.participants,
    )
    run = services.run_linkage(steward)
    second = _cluster_ids()
    assert all(second[key] == cluster for key, cluster in first.items() if key in second)
    assert second["syn-late-report"] == first[original.key]
    assert not run.full


def test_link_command_runs_and_reports(data, capsys):
    make_user("root", superuser=True)
    call_command("link")
    out = capsys.readouterr().out
    assert "Linked" in out and "events" in out
    call_command("link", "--full")
    assert "full" in capsys.readouterr().out


def test_link_command_needs_a_steward(data):
    with pytest.raises(CommandError):
        call_command("link")
    make_user("plain")
    with pytest.raises(CommandError):
        call_command("link", "--as", "plain")


def test_accepting_a_suggestion_fuses_the_event_and_undo_unfuses_it(data):
    from nscap.activities.models import FusedEvent

    steward = make_steward()
    services.run_linkage(steward)
    suggestion = MergeSuggestion.objects.filter(strength="linked").first()
    services.accept(steward, suggestion.pk)
    fused = FusedEvent.objects.get(event_id=suggestion.kept_id).data
    duplicate = TrainingEvent.objects.get(pk=suggestion.duplicate_id)
    assert duplicate.key in fused["reports"]
    assert not FusedEvent.objects.filter(event_id=suggestion.duplicate_id).exists()
    services.undo(steward, suggestion.pk)
    assert duplicate.key not in FusedEvent.objects.get(event_id=suggestion.kept_id).data["reports"]
    assert FusedEvent.objects.get(event_id=suggestion.duplicate_id).data["reports"] == [
        duplicate.key
    ]
