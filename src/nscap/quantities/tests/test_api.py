"""Read API of quantities."""

from __future__ import annotations

import datetime as dt

import pytest

from nscap.testing.factories import make_institution, make_network, make_quantity

pytestmark = pytest.mark.django_db


def keys(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["key"] for item in response.json()["items"]]


@pytest.fixture
def figures():
    insa = make_institution(key="insa", name="INSA")
    iscn = make_institution(key="iscn")
    network = make_network(key="nssc-network")
    make_quantity(
        key="insa-planned",
        institution=insa,
        measure="people_trained_per_year",
        value=1000,
        status="planned",
        unit="people",
        quote="1,000 a year",
        period_start=dt.date(2016, 1, 1),
        period_start_precision="year",
    )
    make_quantity(
        key="iscn-trained",
        institution=iscn,
        measure="people_trained",
        value="1500.5",
        qualifier="more_than",
        as_of=dt.date(2014, 9, 1),
        as_of_precision="month",
    )
    make_quantity(key="members", network=network, measure="members", value=60, qualifier="almost")
    make_quantity(key="secret", institution=insa, sensitivity="restricted")
    return insa


def test_quantity_detail_renders_value_qualifier_and_periods(client, figures):
    body = client.get("/api/quantities/insa-planned").json()
    assert body["value"] == 1000
    assert isinstance(body["value"], int)
    assert (body["qualifier"], body["status"], body["unit"]) == ("exact", "planned", "people")
    assert (body["period_start"], body["period_start_precision"]) == ("2016", "year")
    assert (body["period_end"], body["as_of"]) == (None, None)
    assert body["institution"] == {"key": "insa", "name": "INSA"}
    other = client.get("/api/quantities/iscn-trained").json()
    assert other["value"] == 1500.5
    assert (other["as_of"], other["as_of_precision"]) == ("2014-09", "month")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["members", "iscn-trained", "insa-planned"]),
        ({"measure": "members"}, ["members"]),
        ({"institution": "insa"}, ["insa-planned"]),
        ({"network": "nssc-network"}, ["members"]),
        ({"qualifier": "more_than"}, ["iscn-trained"]),
        ({"status": "planned"}, ["insa-planned"]),
        ({"status": "estimated"}, []),
    ],
)
def test_quantity_filters(client, figures, params, expected):
    response = client.get("/api/quantities", params)
    assert keys(response) == expected
    assert response.json()["count"] == len(expected)


def test_a_public_figure_about_a_hidden_institution_is_hidden_with_it(client, steward):
    hidden = make_institution(key="hidden", sensitivity="restricted")
    make_quantity(key="about-hidden", institution=hidden)
    assert client.get("/api/quantities/about-hidden").status_code == 404
    assert keys(client.get("/api/quantities", {"institution": "hidden"})) == []
    client.force_login(steward)
    assert client.get("/api/quantities/about-hidden").json()["institution"]["key"] == "hidden"
    assert keys(client.get("/api/quantities", {"institution": "hidden"})) == ["about-hidden"]
