"""Read API of needs assessments."""

from __future__ import annotations

import datetime as dt

import pytest

from nscap.testing.factories import (
    make_institution,
    make_needs,
    make_quantity,
    make_target_group,
    make_topic,
)

pytestmark = pytest.mark.django_db


def keys(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["key"] for item in response.json()["items"]]


@pytest.fixture
def wins():
    wins = make_institution(key="wins", name="WINS", kind="ngo", country="AT")
    guards = make_target_group(key="guards", name="Guards")
    culture = make_topic(key="security-culture", name="Security culture")
    study = make_needs(
        key="wins-2013",
        title="WINS 2013 needs study",
        assessor=wins,
        published=dt.date(2013, 1, 1),
        published_precision="year",
        target_group=guards,
        topic=culture,
    )
    make_quantity(
        key="wins-230000", needs_assessment=study, measure="people_needing_training", value=230000
    )
    make_quantity(key="wins-secret", needs_assessment=study, sensitivity="restricted")
    make_needs(key="vn-needs", country="VN", region="South-East Asia")
    return study


def test_needs_detail_nests_its_visible_quantities(client, steward, wins):
    body = client.get("/api/needs-assessments/wins-2013").json()
    assert body["assessor"] == {"key": "wins", "name": "WINS"}
    assert (body["published"], body["published_precision"]) == ("2013", "year")
    assert body["target_group"]["key"] == "guards"
    assert body["topic"]["key"] == "security-culture"
    assert [(q["key"], q["value"]) for q in body["quantities"]] == [("wins-230000", 230000)]
    assert body["quantities"][0]["needs_assessment"]["key"] == "wins-2013"
    client.force_login(steward)
    body = client.get("/api/needs-assessments/wins-2013").json()
    assert len(body["quantities"]) == 2


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["vn-needs", "wins-2013"]),
        ({"assessor": "wins"}, ["wins-2013"]),
        ({"country": "VN"}, ["vn-needs"]),
        ({"target_group": "guards"}, ["wins-2013"]),
        ({"topic": "security-culture"}, ["wins-2013"]),
        ({"topic": "unknown"}, []),
    ],
)
def test_needs_filters(client, wins, params, expected):
    assert keys(client.get("/api/needs-assessments", params)) == expected


def test_hidden_vocabulary_is_a_null_reference(client, wins):
    wins.topic.sensitivity = "restricted"
    wins.topic.save()
    assert client.get("/api/needs-assessments/wins-2013").json()["topic"] is None
    assert keys(client.get("/api/needs-assessments", {"topic": "security-culture"})) == []
