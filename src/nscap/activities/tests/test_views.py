"""Courses & events list with filters, course page and event page."""

import datetime as dt

import pytest
from django.urls import reverse

from nscap.activities.models import EventParticipantCountry, EventPartner
from nscap.testing.factories import (
    cite,
    make_course,
    make_event,
    make_institution,
    make_source,
    make_target_group,
    make_topic,
)

pytestmark = pytest.mark.django_db
LIST = reverse("activities:list")


@pytest.fixture
def data():
    insa = make_institution(key="insa", name="INSA", country="KR")
    iscn = make_institution(key="iscn", name="ISCN", country="JP")
    topic = make_topic(key="pp", name="Physical protection")
    customs = make_target_group(key="customs", name="Customs officers")
    course = make_course(
        key="pp-course",
        provider=insa,
        title="Physical protection course",
        kind="training",
        target_groups_text="regulators, customs",
    )
    course.topics.add(topic)
    course.target_groups.add(customs)
    edu = make_course(
        key="masters", provider=iscn, title="Nuclear security master", kind="education"
    )
    event = make_event(
        key="pp-2014",
        course=course,
        host=insa,
        title="PP course 2014",
        start=dt.date(2014, 9, 1),
        start_precision="month",
        country="KR",
        participants=25,
    )
    return {"insa": insa, "iscn": iscn, "course": course, "edu": edu, "event": event}


def keys(response, name):
    return {record.key for record in response.context[name]}


def test_list_shows_courses_and_events(client, data):
    response = client.get(LIST)
    assert response.status_code == 200
    assert keys(response, "courses") == {"pp-course", "masters"}
    assert keys(response, "events") == {"pp-2014"}
    assert "Sept. 2014" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "courses"),
    [
        ({"provider": "iscn"}, {"masters"}),
        ({"country": "KR"}, {"pp-course"}),
        ({"kind": "education"}, {"masters"}),
        ({"topic": "pp"}, {"pp-course"}),
        ({"target_group": "customs"}, {"pp-course"}),
    ],
)
def test_list_filters(client, data, params, courses):
    assert keys(client.get(LIST, params), "courses") == courses


def test_bad_filter_value_is_a_message(client, data):
    response = client.get(LIST, {"kind": "bogus", "topic": "x"})
    assert response.status_code == 200
    assert response.content.decode().count("is not a value you can filter by") == 2
    assert keys(response, "courses") == {"pp-course", "masters"}


def test_course_page_with_citations(client, data):
    cite(data["course"], make_source(title="The brief"), footnote=28, quote="Table 2 cell")
    response = client.get(reverse("activities:course", args=["pp-course"]))
    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Physical protection course",
        "INSA",
        "Physical protection",
        "Customs officers",
        "regulators, customs",
        "The brief",
        "footnote 28",
        "Table 2 cell",
        "PP course 2014",
    ]:
        assert text in html, text


def test_event_page_with_partners_countries_and_citations(client, data):
    event = data["event"]
    EventPartner.objects.create(event=event, institution=data["iscn"], role="co_organiser")
    hidden = make_institution(name="Hidden Funder", sensitivity="restricted")
    EventPartner.objects.create(event=event, institution=hidden, role="funder")
    EventParticipantCountry.objects.create(event=event, country="VN", count=5)
    cite(event, make_source(title="Event report"), locator="p. 3")
    html = client.get(reverse("activities:event", args=["pp-2014"])).content.decode()
    for text in [
        "PP course 2014",
        "ISCN",
        "Co-organiser",
        "Vietnam: 5",
        "Event report",
        "p. 3",
        "Physical protection course",
        "Sept. 2014",
    ]:
        assert text in html, text
    assert "Hidden Funder" not in html


def test_restricted_course_and_event_hidden_from_visitor_not_steward(client, steward, data):
    make_course(key="secret-course", provider=data["insa"], sensitivity="restricted")
    make_event(key="secret-event", host=data["insa"], sensitivity="restricted")
    response = client.get(LIST)
    assert "secret-course" not in keys(response, "courses")
    assert "secret-event" not in keys(response, "events")
    assert client.get(reverse("activities:course", args=["secret-course"])).status_code == 404
    assert client.get(reverse("activities:event", args=["secret-event"])).status_code == 404
    client.force_login(steward)
    response = client.get(LIST)
    assert "secret-course" in keys(response, "courses")
    assert client.get(reverse("activities:course", args=["secret-course"])).status_code == 200
    assert client.get(reverse("activities:event", args=["secret-event"])).status_code == 200


def test_course_of_hidden_provider_is_hidden(client):
    hidden = make_institution(sensitivity="restricted")
    make_course(key="orphan", provider=hidden)
    assert client.get(reverse("activities:course", args=["orphan"])).status_code == 404
    assert "orphan" not in keys(client.get(LIST), "courses")


def test_unknown_course_and_event_are_404(client):
    assert client.get(reverse("activities:course", args=["nope"])).status_code == 404
    assert client.get(reverse("activities:event", args=["nope"])).status_code == 404


def test_list_shows_a_bounded_page_with_the_full_visible_counts(client, monkeypatch):
    from nscap.activities import views

    monkeypatch.setattr(views, "LIST_LIMIT", 2)
    host = make_institution()
    for day in (1, 2, 3):
        make_event(host=host, title=f"Run {day}", start=dt.date(2020, 1, day))
    make_event(host=host, title="Hidden run", start=dt.date(2020, 1, 9), sensitivity="restricted")
    page = client.get(reverse("activities:list")).content.decode()
    assert "Showing the latest 2 of 3 events" in page
    assert "Run 3" in page and "Run 2" in page and "Run 1" not in page
    assert "Hidden run" not in page


@pytest.mark.parametrize("typed", ["iscn", "ISCN", " iscn "])
def test_provider_filter_takes_a_typed_name_or_key(client, data, typed):
    response = client.get(LIST, {"provider": typed})
    assert keys(response, "courses") == {"masters"}
    html = response.content.decode()
    assert 'list="id_provider-options"' in html and '<select name="provider"' not in html


def test_provider_filter_naming_no_visible_center_is_a_message(client, data):
    make_institution(key="hidden-center", name="Hidden Center", sensitivity="restricted")
    for typed in ("Nowhere Institute", "hidden-center"):
        response = client.get(LIST, {"provider": typed})
        assert f"“{typed}” is not a value you can filter by" in response.content.decode()
        assert keys(response, "courses") == {"pp-course", "masters"}
