"""The overlaps page and API: filters, clear errors for bad values, visible events only."""

import datetime as dt

import pytest
from django.urls import reverse

from nscap.activities.models import TrainingEvent
from nscap.testing.factories import make_event, make_institution, make_target_group, make_topic

pytestmark = pytest.mark.django_db
URL = reverse("activities:overlaps")
API = "/api/analytics/overlaps"


@pytest.fixture
def two_providers():
    topic, group = make_topic(key="pp", name="Physical protection"), make_target_group(key="reg")
    insa = make_institution(key="insa", name="INSA", country="KR")
    iscn = make_institution(key="iscn", name="ISCN", country="JP")
    for host, start, key in ((insa, dt.date(2016, 3, 1), "a"), (iscn, dt.date(2016, 6, 1), "b")):
        event = make_event(host=host, start=start, key=key, title=f"PP {key}", participants=20)
        event.topics.set([topic])
        event.target_groups.set([group])
    return insa, iscn


def test_page_shows_the_cluster_with_chart_and_table(client, two_providers):
    response = client.get(URL)
    assert response.status_code == 200
    rows = response.context["chart"].rows
    assert [(r["providers"], r["offerings"], r["participants"]) for r in rows] == [
        ("INSA, ISCN", 2, 40)
    ]
    html = response.content.decode()
    assert 'id="chart-course-overlaps"' in html and "Eastern Asia" in html


def test_page_filters_by_window_and_region(client, two_providers):
    assert client.get(URL, {"window": "2"}).context["chart"].rows == []
    assert client.get(URL, {"window": "0"}).context["report"].window == 0
    assert client.get(URL, {"region": "south-eastern-asia"}).context["chart"].rows == []
    assert len(client.get(URL, {"region": "eastern-asia", "window": "3"}).context["chart"].rows)


def test_bad_filter_values_say_so_and_fall_back(client, two_providers):
    response = client.get(URL, {"window": "many", "region": "atlantis"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "“many” is not a value you can filter by" in html
    assert "“atlantis” is not a value you can filter by" in html
    assert len(response.context["chart"].rows) == 1  # defaults: 6 months, every region


def test_api_matches_the_page(client, two_providers):
    body = client.get(API, {"window": 6}).json()
    (cluster,) = body["clusters"]
    assert (cluster["topic"]["key"], cluster["region"], cluster["participants"]) == (
        "pp",
        "eastern-asia",
        40,
    )
    assert [o["key"] for o in cluster["offerings"]] == ["a", "b"]
    assert client.get(API, {"window": 2}).json()["clusters"] == []


def test_api_refuses_bad_values(client):
    assert client.get(API, {"window": 99}).status_code == 400
    response = client.get(API, {"colour": "red"})
    assert response.status_code == 400 and response.json()["parameter"] == "colour"


def test_restricted_event_is_not_in_page_or_api(client, two_providers):
    insa, _iscn = two_providers
    secret = make_event(
        host=insa, start=dt.date(2016, 4, 1), key="secret", title="Secret", sensitivity="restricted"
    )
    secret.topics.set(TrainingEvent.objects.get(key="a").topics.all())
    secret.target_groups.set(TrainingEvent.objects.get(key="a").target_groups.all())
    assert "Secret" not in client.get(URL).content.decode()
    assert "secret" not in client.get(API).content.decode()
    assert client.get(API).json()["clusters"][0]["participants"] == 40
