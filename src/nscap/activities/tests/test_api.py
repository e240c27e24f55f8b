"""Read API of courses, training events and aggregate claims."""

from __future__ import annotations

import datetime as dt

import pytest

from nscap.activities.models import (
    AggregateClaim,
    EventParticipantCountry,
    EventPartner,
    TrainingEvent,
)
from nscap.testing.factories import (
    make_course,
    make_event,
    make_institution,
    make_quantity,
    make_target_group,
    make_topic,
)

pytestmark = pytest.mark.django_db


def keys(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["key"] for item in response.json()["items"]]


@pytest.fixture
def courses():
    snstc = make_institution(key="snstc", name="SNSTC", country="CN")
    iscn = make_institution(key="iscn", name="ISCN", country="JP")
    pp = make_topic(key="physical-protection", name="Physical protection")
    customs = make_target_group(key="customs", name="Customs")
    police = make_target_group(key="police", name="Police")
    course = make_course(
        key="pp-course",
        provider=snstc,
        title="Regional training course on physical protection",
        kind="training",
        first_offered=dt.date(2015, 1, 1),
        first_offered_precision="year",
    )
    course.topics.add(pp)
    course.target_groups.add(customs, police)
    awareness = make_course(key="awareness", provider=iscn, kind="awareness")
    awareness.target_groups.add(police)
    return {"snstc": snstc, "iscn": iscn, "pp": course, "awareness": awareness}


def test_course_detail_nests_provider_topics_groups_and_events(client, courses):
    make_event(
        key="pp-2015", course=courses["pp"], host=courses["snstc"], start=dt.date(2015, 3, 2)
    )
    make_event(
        key="pp-secret", course=courses["pp"], host=courses["snstc"], sensitivity="restricted"
    )
    body = client.get("/api/courses/pp-course").json()
    assert body["provider"] == {"key": "snstc", "name": "SNSTC"}
    assert body["topics"] == [{"key": "physical-protection", "name": "Physical protection"}]
    assert [g["key"] for g in body["target_groups"]] == ["customs", "police"]
    assert (body["first_offered"], body["first_offered_precision"]) == ("2015", "year")
    assert [e["key"] for e in body["events"]] == ["pp-2015"]


def test_course_hides_hidden_vocabulary(client, courses):
    courses["pp"].target_groups.add(make_target_group(key="secret-group", sensitivity="restricted"))
    body = client.get("/api/courses/pp-course").json()
    assert [g["key"] for g in body["target_groups"]] == ["customs", "police"]


def test_course_of_a_hidden_provider_is_hidden_with_it(client, courses, steward):
    """A public course must not reveal that a restricted provider exists."""
    courses["snstc"].sensitivity = "restricted"
    courses["snstc"].save()
    assert client.get("/api/courses/pp-course").status_code == 404
    assert "pp-course" not in keys(client.get("/api/courses"))
    client.force_login(steward)
    assert client.get("/api/courses/pp-course").json()["provider"]["key"] == "snstc"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["awareness", "pp-course"]),
        ({"provider": "snstc"}, ["pp-course"]),
        ({"topic": "physical-protection"}, ["pp-course"]),
        ({"target_group": "police"}, ["awareness", "pp-course"]),
        ({"target_group": "customs"}, ["pp-course"]),
        ({"kind": "awareness"}, ["awareness"]),
        ({"kind": "exercise"}, []),
        ({"provider": "nobody"}, []),
    ],
)
def test_course_filters(client, courses, params, expected):
    response = client.get("/api/courses", params)
    assert keys(response) == expected
    assert response.json()["count"] == len(expected)


@pytest.fixture
def events():
    host = make_institution(key="insa", name="INSA", country="KR")
    funder = make_institution(key="doe", name="US DOE", country="US")
    hidden = make_institution(key="hidden", sensitivity="restricted")
    other = make_institution(key="iscn", country="JP")
    first = make_event(
        key="ev-2014-09",
        host=host,
        start=dt.date(2014, 9, 1),
        start_precision="month",
        country="KR",
        participants=30,
        participants_qualifier="more_than",
    )
    EventPartner.objects.create(event=first, institution=funder, role="funder")
    EventPartner.objects.create(event=first, institution=hidden, role="co_organiser")
    EventParticipantCountry.objects.create(event=first, country="VN", count=12)
    EventParticipantCountry.objects.create(event=first, country="ID", count=18)
    make_event(
        key="ev-2015",
        host=host,
        start=dt.date(2015, 3, 2),
        end=dt.date(2015, 3, 6),
        country="KR",
    )
    make_event(
        key="ev-2016-jp",
        host=other,
        start=dt.date(2016, 1, 1),
        start_precision="year",
        country="JP",
    )
    make_event(key="ev-undated", host=other)
    return host


def test_event_detail_nests_partners_and_countries_without_hidden_partners(client, events):
    body = client.get("/api/events/ev-2014-09").json()
    assert body["host"] == {"key": "insa", "name": "INSA"}
    assert (body["start"], body["start_precision"]) == ("2014-09", "month")
    assert (body["end"], body["end_precision"]) == (None, None)
    assert body["partners"] == [{"institution": {"key": "doe", "name": "US DOE"}, "role": "funder"}]
    assert body["participant_countries"] == [
        {"country": "ID", "count": 18},
        {"country": "VN", "count": 12},
    ]
    assert (body["participants"], body["participants_qualifier"]) == (30, "more_than")


def test_events_are_latest_first_with_undated_last(client, events):
    assert keys(client.get("/api/events")) == ["ev-2016-jp", "ev-2015", "ev-2014-09", "ev-undated"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"host": "insa"}, ["ev-2015", "ev-2014-09"]),
        ({"country": "JP"}, ["ev-2016-jp"]),
        ({"year": 2014}, ["ev-2014-09"]),
        ({"from": "2015"}, ["ev-2016-jp", "ev-2015"]),
        ({"from": "2015-03-04"}, ["ev-2016-jp", "ev-2015"]),
        ({"from": "2015-03-07"}, ["ev-2016-jp"]),
        ({"to": "2014"}, ["ev-2014-09"]),
        ({"to": "2015-03"}, ["ev-2015", "ev-2014-09"]),
        ({"from": "2014-10", "to": "2015-12-31"}, ["ev-2015"]),
        ({"host": "iscn", "year": 2016}, ["ev-2016-jp"]),
        ({"host": "hidden"}, []),
    ],
)
def test_event_filters(client, events, params, expected):
    assert keys(client.get("/api/events", params)) == expected


def test_event_course_filter_and_hidden_course_reference(client, events):
    course = make_course(key="secret-course", sensitivity="restricted")
    make_event(key="ev-of-secret", host=events, course=course, start=dt.date(2017, 1, 1))
    assert client.get("/api/events/ev-of-secret").json()["course"] is None
    assert keys(client.get("/api/events", {"course": "secret-course"})) == []


def test_aggregate_claim_nests_its_visible_quantities(client, steward):
    snstc = make_institution(key="snstc")
    claim = AggregateClaim.objects.create(
        key="snstc-2010-2012",
        claimant=snstc,
        description="20 seminars and training courses for over 500 staff",
        period_start=dt.date(2010, 1, 1),
        period_start_precision="year",
        period_end=dt.date(2012, 1, 1),
        period_end_precision="year",
    )
    make_quantity(
        key="q-courses", aggregate_claim=claim, measure="courses", value=20, unit="courses"
    )
    make_quantity(key="q-people", aggregate_claim=claim, value=500, qualifier="over")
    make_quantity(key="q-secret", aggregate_claim=claim, sensitivity="restricted")
    body = client.get("/api/aggregate-claims/snstc-2010-2012").json()
    assert (body["period_start"], body["period_end"]) == ("2010", "2012")
    assert body["claimant"]["key"] == "snstc"
    assert [(q["key"], q["value"], q["qualifier"]) for q in body["quantities"]] == [
        ("q-courses", 20, "exact"),
        ("q-people", 500, "over"),
    ]
    assert body["quantities"][0]["aggregate_claim"]["key"] == "snstc-2010-2012"
    client.force_login(steward)
    body = client.get("/api/aggregate-claims/snstc-2010-2012").json()
    assert "q-secret" in [q["key"] for q in body["quantities"]]


def test_aggregate_claim_filter_by_claimant(client):
    for key in ("a", "b"):
        AggregateClaim.objects.create(
            key=f"claim-{key}", claimant=make_institution(key=key), description="x"
        )
    assert keys(client.get("/api/aggregate-claims", {"claimant": "b"})) == ["claim-b"]
    assert keys(client.get("/api/aggregate-claims")) == ["claim-a", "claim-b"]


def test_event_list_nests_each_events_own_parts_and_hides_hidden_vocabulary(client, events):
    """The page's nested rows come in one query per relation: each must land on its own event."""
    first = TrainingEvent.objects.get(key="ev-2014-09")
    second = TrainingEvent.objects.get(key="ev-2015")
    first.topics.add(make_topic(key="pp", name="Physical protection"))
    first.topics.add(make_topic(key="secret-topic", sensitivity="restricted"))
    second.target_groups.add(make_target_group(key="regulators", name="Regulators"))
    second.target_groups.add(make_target_group(key="secret-group", sensitivity="restricted"))
    EventParticipantCountry.objects.create(event=second, country="TH", count=4)
    course = make_course(key="pp-course", title="PP course", provider=events)
    second.course = course
    second.save()
    items = {item["key"]: item for item in client.get("/api/events").json()["items"]}
    assert items["ev-2014-09"]["topics"] == [{"key": "pp", "name": "Physical protection"}]
    assert items["ev-2014-09"]["target_groups"] == []
    assert items["ev-2014-09"]["course"] is None
    assert [p["institution"]["key"] for p in items["ev-2014-09"]["partners"]] == ["doe"]
    assert items["ev-2015"]["topics"] == []
    assert items["ev-2015"]["target_groups"] == [{"key": "regulators", "name": "Regulators"}]
    assert items["ev-2015"]["participant_countries"] == [{"country": "TH", "count": 4}]
    assert items["ev-2015"]["course"] == {"key": "pp-course", "name": "PP course"}
    assert items["ev-2015"]["partners"] == []
    assert "secret" not in client.get("/api/events").content.decode()
