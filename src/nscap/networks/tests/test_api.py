"""Read API of networks, memberships and meetings."""

from __future__ import annotations

import datetime as dt

import pytest

from nscap.networks.models import Meeting
from nscap.testing.factories import (
    make_institution,
    make_membership,
    make_network,
    make_quantity,
)

pytestmark = pytest.mark.django_db


def keys(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["key"] for item in response.json()["items"]]


@pytest.fixture
def nssc_network():
    iaea = make_institution(key="iaea", name="IAEA", kind="international_org", country="")
    network = make_network(
        key="nssc-network",
        name="International Network for Nuclear Security Training and Support Centres",
        acronym="NSSC Network",
        convener=iaea,
        established=dt.date(2012, 1, 1),
        established_precision="year",
    )
    make_network(key="asian-nssc", name="Asian regional network", parent=network)
    insa = make_institution(key="insa", name="INSA", country="KR")
    iscn = make_institution(key="iscn", name="ISCN", country="JP")
    hidden = make_institution(key="hidden", name="Hidden", sensitivity="restricted")
    make_membership(
        key="m-insa",
        network=network,
        institution=insa,
        joined=dt.date(2014, 2, 1),
        joined_precision="month",
    )
    make_membership(key="m-iscn", network=network, institution=iscn)
    make_membership(key="m-hidden-inst", network=network, institution=hidden)
    make_membership(
        key="m-secret",
        network=make_network(key="other"),
        institution=iscn,
        sensitivity="restricted",
    )
    meeting = Meeting.objects.create(
        key="meeting-2014",
        network=network,
        title="Annual meeting",
        date=dt.date(2014, 2, 1),
        date_precision="month",
        city="Vienna",
        country="AT",
    )
    meeting.attendees.add(insa, iscn, hidden)
    Meeting.objects.create(
        key="meeting-2015", network=network, title="Next", date=dt.date(2015, 3, 1)
    )
    Meeting.objects.create(
        key="meeting-secret", network=network, title="S", sensitivity="restricted"
    )
    make_quantity(
        key="members-2014", network=network, measure="members", value=60, qualifier="over"
    )
    make_quantity(key="members-secret", network=network, sensitivity="restricted")
    return network


def test_network_detail_nests_members_meetings_and_quantities(client, nssc_network):
    body = client.get("/api/networks/nssc-network").json()
    assert body["convener"] == {"key": "iaea", "name": "IAEA"}
    assert (body["established"], body["established_precision"]) == ("2012", "year")
    assert [m["key"] for m in body["members"]] == ["m-insa", "m-iscn"]
    assert (body["members"][0]["joined"], body["members"][0]["joined_precision"]) == (
        "2014-02",
        "month",
    )
    assert [m["key"] for m in body["meetings"]] == ["meeting-2014", "meeting-2015"]
    assert [a["key"] for a in body["meetings"][0]["attendees"]] == ["insa", "iscn"]
    assert [q["key"] for q in body["quantities"]] == ["members-2014"]
    assert body["quantities"][0]["value"] == 60
    assert body["subnetworks"] == [{"key": "asian-nssc", "name": "Asian regional network"}]


def test_steward_sees_the_hidden_members_meetings_and_quantities(client, steward, nssc_network):
    client.force_login(steward)
    body = client.get("/api/networks/nssc-network").json()
    assert [m["key"] for m in body["members"]] == ["m-hidden-inst", "m-insa", "m-iscn"]
    assert "meeting-secret" in [m["key"] for m in body["meetings"]]
    assert "members-secret" in [q["key"] for q in body["quantities"]]


def test_memberships_of_hidden_institutions_or_hidden_are_left_out(client, nssc_network):
    response = client.get("/api/memberships")
    assert keys(response) == ["m-insa", "m-iscn"]
    assert response.json()["count"] == 2
    assert client.get("/api/memberships/m-hidden-inst").status_code == 404
    assert client.get("/api/memberships/m-insa").json()["network"]["key"] == "nssc-network"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"network": "nssc-network"}, ["m-insa", "m-iscn"]),
        ({"institution": "iscn"}, ["m-iscn"]),
        ({"network": "other"}, []),
    ],
)
def test_membership_filters(client, nssc_network, params, expected):
    assert keys(client.get("/api/memberships", params)) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["meeting-2014", "meeting-2015"]),
        ({"year": 2015}, ["meeting-2015"]),
        ({"country": "AT"}, ["meeting-2014"]),
        ({"network": "asian-nssc"}, []),
    ],
)
def test_meeting_filters(client, nssc_network, params, expected):
    assert keys(client.get("/api/meetings", params)) == expected


def test_meetings_of_a_hidden_network_are_hidden(client):
    network = make_network(key="secret", sensitivity="restricted")
    Meeting.objects.create(key="secret-meeting", network=network, title="x")
    assert keys(client.get("/api/meetings")) == []
    assert client.get("/api/meetings/secret-meeting").status_code == 404


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["asian-nssc", "nssc-network", "other"]),
        ({"convener": "iaea"}, ["nssc-network"]),
        ({"q": "NSSC Network"}, ["nssc-network"]),
        ({"q": "asian"}, ["asian-nssc"]),
    ],
)
def test_network_filters(client, nssc_network, params, expected):
    assert keys(client.get("/api/networks", params)) == expected
