"""Many updates in one changeset (a bulk merge): ``bulk.update_many`` writes the same records
and history as the one-by-one path, refuses stale or bad changes whole, and keeps the order of
two changes of one record."""

from __future__ import annotations

import pytest
from django.db import transaction

from nscap.activities.choices import PartnerRole
from nscap.activities.models import TrainingEvent
from nscap.contributions import services
from nscap.contributions.errors import Invalid, Stale
from nscap.contributions.models import HistoryEntry
from nscap.contributions.record_types import RECORD_TYPES, snapshot
from nscap.contributions.services import ProposedChange
from nscap.testing.factories import make_event, make_institution, make_topic
from nscap.testing.roles import make_steward

pytestmark = pytest.mark.django_db
EVENT = RECORD_TYPES["training_event"]


@pytest.fixture
def events() -> list[TrainingEvent]:
    host = make_institution()
    topic = make_topic()
    made = [make_event(host=host, title=f"Course {n}", participants=10 + n) for n in range(6)]
    made[1].topics.add(topic)
    made[2].participant_countries.create(country="JP", count=4)
    made[2].partners.create(institution=make_institution(), role=PartnerRole.FUNDER)
    return made


def _merges(events: list[TrainingEvent]) -> list[ProposedChange]:
    kept = events[0]
    return [
        ProposedChange(
            "update",
            "training_event",
            key=e.key,
            values={"same_as": kept.key, "note": "merged"},
            base_version=e.version,
        )
        for e in events[1:]
    ]


def _state() -> tuple:
    records = [(snapshot(EVENT, e), e.version) for e in TrainingEvent.objects.order_by("key")]
    history = sorted(
        (h.action, h.actor_id, h.record_key, h.message, str(h.before), str(h.after))
        for h in HistoryEntry.objects.all()
    )
    return records, history


class Rollback(Exception):
    pass


def test_bulk_updates_write_what_one_by_one_writes(events, settings):
    steward = make_steward()
    settings.NSCAP_BULK_WRITES = False
    with pytest.raises(Rollback), transaction.atomic():
        services.propose(steward, _merges(events), comment="merge")
        one_by_one = _state()
        raise Rollback
    settings.NSCAP_BULK_WRITES = True
    services.propose(steward, _merges(events), comment="merge")
    assert _state() == one_by_one
    merged = TrainingEvent.objects.exclude(pk=events[0].pk)
    assert {e.same_as_id for e in merged} == {events[0].pk}
    assert {e.version for e in merged} == {2}
    assert HistoryEntry.objects.filter(action="activities.training_event.update").count() == 5
    # the topic of the second report (an m2m row) was left as it was
    assert list(events[1].topics.values_list("key", flat=True))


def test_a_stale_record_refuses_the_whole_bulk_update(events):
    changes = _merges(events)
    TrainingEvent.objects.filter(pk=events[3].pk).update(version=5)  # changed meanwhile
    with pytest.raises(Stale):
        services.propose(make_steward(), changes)
    assert not TrainingEvent.objects.filter(same_as__isnull=False).exists()
    assert not HistoryEntry.objects.exists()


def test_an_unknown_reference_is_placed_on_its_change_and_nothing_is_written(events):
    changes = _merges(events)
    changes[2].values["same_as"] = "no-such-event"
    with pytest.raises(Invalid) as caught:
        services.propose(make_steward(), changes)
    assert [(e["change"], e["field"]) for e in caught.value.errors] == [(2, "same_as")]
    assert not TrainingEvent.objects.filter(same_as__isnull=False).exists()


def test_a_report_pointing_at_itself_is_refused_whole(events):
    changes = _merges(events)
    changes.append(
        ProposedChange(
            "update", "training_event", key=events[0].key, values={"same_as": events[0].key}
        )
    )
    with pytest.raises(Invalid):
        services.propose(make_steward(), changes)
    assert not TrainingEvent.objects.filter(same_as__isnull=False).exists()


@pytest.mark.parametrize("use_bulk", [False, True])
def test_a_second_change_of_one_record_is_stale_as_one_by_one(events, settings, use_bulk):
    """Both changes were based on the record as it was; the second would overwrite the first
    unseen, so the changeset is refused whole on either path."""
    settings.NSCAP_BULK_WRITES = use_bulk
    first, second = events[1], events[2]
    changes = [
        ProposedChange("update", "training_event", key=first.key, values={"note": "one"}),
        ProposedChange("update", "training_event", key=second.key, values={"note": "x"}),
        ProposedChange("update", "training_event", key=first.key, values={"note": "two"}),
    ]
    with pytest.raises(Stale):
        services.propose(make_steward(), changes)
    first.refresh_from_db()
    assert (first.note, first.version) == ("", 1)
