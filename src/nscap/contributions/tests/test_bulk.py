"""The bulk write path (contributions.bulk) for every record type it takes: the same records,
history and confirmation requests as the one-by-one path; bad values placed and refused."""

from __future__ import annotations

import pytest
from django.db import transaction

from nscap.contributions import services
from nscap.contributions.errors import Invalid
from nscap.contributions.models import ConfirmationRequest, HistoryEntry
from nscap.contributions.record_types import RECORD_TYPES, snapshot
from nscap.contributions.services import ProposedChange
from nscap.testing.roles import Cast, make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


def _changes(cast: Cast) -> list[ProposedChange]:
    a, b = cast.a.key, cast.b.key
    return [
        ProposedChange("create", "milestone", values={"institution": a, "kind": "mou_signed"}),
        ProposedChange(
            "create",
            "milestone",
            values={"key": "ms-2", "institution": b, "kind": "pledged", "date": "2014-09"},
        ),
        ProposedChange(
            "create",
            "collaboration_claim",
            values={"key": "cl-1", "claimant": a, "partner": b, "type": "materials_exchange"},
        ),
        ProposedChange(
            "create",
            "collaboration_claim",
            values={"claimant": b, "partner_country": "JP", "type": "materials_exchange"},
        ),
        ProposedChange(
            "create",
            "aggregate_claim",
            values={
                "claimant": a,
                "description": "20 seminars",
                "period_start": "2010",
                "period_end": "2012",
            },
        ),
        ProposedChange(
            "create", "source", values={"key": "src-1", "title": "A report", "published": "2020"}
        ),
        ProposedChange("create", "source", values={"title": "Another", "owner": a}),
    ]


def _state() -> tuple:
    records = {
        name: sorted(
            (snapshot(rt, obj) for obj in rt.model.objects.all()),
            key=lambda values: str(values.get(rt.title_field)),
        )
        for name, rt in RECORD_TYPES.items()
        if name != "institution"
    }
    for values in (v for rows in records.values() for v in rows):
        values.pop("key")  # generated keys carry random digits
    history = sorted(
        (h.action, h.actor_id, h.record_type, h.message, _without_key(h.after))
        for h in HistoryEntry.objects.all()
    )
    requests = sorted(ConfirmationRequest.objects.values_list("partner_id", "answer"))
    return records, history, requests


def _without_key(values: dict) -> list:
    return sorted((name, str(value)) for name, value in values.items() if name != "key")


class Rollback(Exception):
    pass


def test_every_bulk_record_type_is_written_as_one_by_one(cast: Cast, settings):
    steward = cast.user("steward")
    settings.NSCAP_BULK_WRITES = False
    with pytest.raises(Rollback), transaction.atomic():
        services.propose(steward, _changes(cast))
        one_by_one = _state()
        raise Rollback
    settings.NSCAP_BULK_WRITES = True
    services.propose(steward, _changes(cast))
    assert _state() == one_by_one
    assert one_by_one[2] == [(cast.b.pk, "pending")]  # the claim about B asks B to confirm
    assert len(one_by_one[1]) == 7


def test_unknown_references_are_placed_on_their_changes_and_nothing_is_written(cast: Cast):
    steward = cast.user("steward")
    changes = _changes(cast)
    changes.append(
        ProposedChange(
            "create",
            "collaboration_claim",
            values={"claimant": cast.a.key, "partner": "nobody", "type": "materials_exchange"},
        )
    )
    changes.append(
        ProposedChange("create", "milestone", values={"institution": "gone", "kind": "pledged"})
    )
    with pytest.raises(Invalid) as caught:
        services.propose(steward, changes)
    # Refused when proposed (contributions.rules), every unknown key at once.
    assert {(e["change"], e["field"]) for e in caught.value.errors} == {
        (7, "partner"),
        (8, "institution"),
    }
    assert not HistoryEntry.objects.exists()
    assert not RECORD_TYPES["milestone"].model.objects.exists()
