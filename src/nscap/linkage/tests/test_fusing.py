"""Fused events kept in step by the write services, and what supply and gaps read of them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from nscap.activities.models import FusedEvent
from nscap.analytics.supply import supply
from nscap.analytics.supply_sums import supply_sums
from nscap.contributions import services
from nscap.contributions.services import ProposedChange
from nscap.testing.factories import make_institution, make_topic
from nscap.testing.roles import make_steward

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    host = make_institution(key="nsc-jp", country="JP")
    coorg = make_institution(key="coorg-kr", country="KR")
    guest = make_institution(key="guest-vn", country="VN")
    topic = make_topic(key="insider-threat", name="Insider threat", aliases=["insider threat"])
    return {"host": host, "coorg": coorg, "guest": guest, "topic": topic}


def _write(steward, *changes: ProposedChange) -> None:
    services.propose(steward, list(changes))


def _event(key: str, **values) -> ProposedChange:
    return ProposedChange("create", "training_event", values={"key": key, **values})


def _fused(key: str) -> dict:
    return FusedEvent.objects.get(event__key=key).data


def test_a_linked_event_takes_each_field_from_its_best_report_with_provenance(world):
    steward = make_steward()
    _write(
        steward,
        _event(
            "kept",
            host="nsc-jp",
            reported_by="coorg-kr",
            title="Insider Threat Mitigation Workshop",
            start="2017-03",
            participants=40,
            participants_qualifier="approximately",
        ),
    )
    _write(
        steward,
        _event(
            "hosts",
            host="nsc-jp",
            title="RTC on insider threat",
            start="2017-03-14",
            participants=37,
            participant_countries=[{"country": "JP", "count": 30}, {"country": "KR", "count": 7}],
            topics=["insider-threat"],
            same_as="kept",
        ),
    )
    data = _fused("kept")
    fields = data["fields"]
    assert fields["participants"] == {"value": 37, "source": "hosts", "basis": "stated"}
    assert fields["breakdown"]["value"] == [["JP", 30], ["KR", 7]]
    assert fields["start"]["value"] == "2017-03-14" and fields["start"]["source"] == "hosts"
    assert fields["topics"]["value"] == ["insider-threat"]
    assert data["reports"] == ["hosts", "kept"]
    assert not FusedEvent.objects.filter(event__key="hosts").exists()
    # Supply counts the fused event once, from both reports.
    events = supply(AnonymousUser()).events
    assert [(e.key, e.people, e.countries, e.topics) for e in events] == [
        ("kept", 37, (("JP", 30), ("KR", 7)), ("insider-threat",))
    ]
    sums = supply_sums(AnonymousUser())
    assert sums.events == 1 and sums.people == 37
    assert dict(sums.signatures) == {
        (2017, "JP", (), ("insider-threat",), "exact"): 30,
        (2017, "KR", (), ("insider-threat",), "exact"): 7,
    }


def test_undoing_a_link_fuses_both_reports_alone_again(world):
    steward = make_steward()
    _write(steward, _event("a", host="nsc-jp", title="Insider threat", participants=20))
    _write(
        steward,
        _event(
            "b",
            host="nsc-jp",
            title="Other",
            participants=22,
            participant_countries=[{"country": "JP", "count": 22}],
            same_as="a",
        ),
    )
    assert _fused("a")["fields"]["participants"]["value"] == 22
    _write(steward, ProposedChange("update", "training_event", key="b", values={"same_as": None}))
    assert _fused("a")["fields"]["participants"] == {"value": 20, "source": "a", "basis": "stated"}
    assert _fused("b")["fields"]["participants"]["value"] == 22
    assert supply_sums(AnonymousUser()).people == 42


def test_inferred_topics_are_marked_with_their_evidence_and_counted(world):
    steward = make_steward()
    _write(
        steward,
        _event("lone", host="nsc-jp", title="Insider Threat course", start="2018", participants=9),
    )
    topics = _fused("lone")["fields"]["topics"]
    assert topics["basis"] == "inferred"
    assert topics["evidence"] == [["insider-threat", "lone", "Insider Threat course"]]
    sums = supply_sums(AnonymousUser())
    assert sums.signatures == {(2018, "unattributed", (), ("insider-threat",), "exact"): 9}


def _estimated_event() -> None:
    """Event "e": 12 people in JP with no breakdown, also reported by a Vietnamese guest."""
    steward = make_steward()
    _write(
        steward,
        _event(
            "e", host="nsc-jp", title="Course", start="2019-05-02", country="JP", participants=12
        ),
    )
    _write(
        steward,
        _event("e-vn", host="nsc-jp", reported_by="guest-vn", title="C", participants=10,
               participants_qualifier="more_than", same_as="e"),
    )  # fmt: skip


def test_people_with_no_country_are_estimated_apart_from_the_count(world):
    _estimated_event()
    estimate = _fused("e")["estimate"]
    assert estimate["people"] == 12
    assert estimate["countries"] == [["JP", 9, 0, 12], ["VN", 3, 0, 12]]
    sums = supply_sums(AnonymousUser())
    assert sums.signatures == {(2019, "unattributed", (), (), "exact"): 12}  # counted: no country
    assert sums.estimated == {(2019, "JP", (), ()): [9, 0, 12], (2019, "VN", (), ()): [3, 0, 12]}


def test_nscap_fuse_rebuilds_what_the_services_wrote(world):
    steward = make_steward()
    _write(steward, _event("x", host="nsc-jp", title="Insider threat", participants=5))
    _write(steward, _event("y", host="nsc-jp", title="t", participants=6, same_as="x"))
    before = {f.event_id: f.data for f in FusedEvent.objects.all()}
    FusedEvent.objects.all().delete()
    call_command("fuse")
    assert {f.event_id: f.data for f in FusedEvent.objects.all()} == before


def test_overlaps_read_the_fused_event_date_and_labels(world):
    """Two providers' runs of one topic and group in one region and month overlap only when
    the date and labels a duplicate states are taken into the event."""
    from nscap.activities.overlaps import find_overlaps
    from nscap.testing.factories import make_target_group

    make_target_group(key="regulators")
    make_institution(key="other-jp", country="JP")
    steward = make_steward()
    _write(
        steward,
        _event(
            "open",
            host="other-jp",
            title="A",
            start="2017-03-02",
            topics=["insider-threat"],
            target_groups=["regulators"],
        ),
        _event("vague", host="nsc-jp", title="B", start="2017"),
    )
    assert find_overlaps(AnonymousUser()).clusters == []
    _write(
        steward,
        _event(
            "precise",
            host="nsc-jp",
            reported_by="coorg-kr",
            title="B",
            start="2017-03-20",
            topics=["insider-threat"],
            target_groups=["regulators"],
            same_as="vague",
        ),
    )
    (cluster,) = find_overlaps(AnonymousUser()).clusters
    assert sorted(o.key for o in cluster.offerings) == ["open", "vague"]


def test_achievements_count_the_fused_event_once_with_its_best_values(world):
    from nscap.analytics.achievements import achievements

    steward = make_steward()
    _write(steward, _event("undated", host="nsc-jp", title="Course", participants=30))
    _write(
        steward,
        _event(
            "dated",
            host="nsc-jp",
            reported_by="coorg-kr",
            title="Course",
            start="2015-10-05",
            participants=32,
            participant_countries=[{"country": "JP", "count": 20}, {"country": "VN", "count": 12}],
            same_as="undated",
        ),
    )
    (row,) = [r for r in achievements(AnonymousUser())["rows"] if r["institution"] == "nsc-jp"]
    assert (row["year"], row["events"], row["participants"], row["countries"]) == (2015, 1, 32, 2)


def test_the_gap_states_counted_and_estimated_supply_apart_on_page_api_and_cli(world, client):
    import csv
    import io

    from nscap.testing.factories import make_needs, make_quantity

    _estimated_event()
    needs = make_needs(key="jp-needs", country="JP")
    make_quantity(
        needs_assessment=needs, measure="people_needing_training", value=20, as_of="2019-06-30"
    )
    (row,) = client.get("/api/analytics/gaps").json()["rows"]
    assert row["supply"]["value"] == 0 and row["gap"]["value"] == 20
    assert row["estimated_supply"] == {"value": 9.0, "low": 0.0, "high": 12.0}
    assert row["gap_with_estimate"]["value"] == 11
    page = client.get("/analytics/gaps/").content.decode()
    assert "Gap with the estimate" in page and "≈9" in page
    out = io.StringIO()
    call_command("analyse", "gaps", stdout=out)
    (line,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert (line["supply"], line["estimated_supply"], line["gap_with_estimate"]) == (
        "0.0",
        "9.0",
        "11.0",
    )
