"""GET /api/analytics/collaboration and /edges: the pages' figures, over visible claims only."""

import pytest

from nscap.testing.factories import make_claim, make_institution

pytestmark = pytest.mark.django_db
URL = "/api/analytics/collaboration"


@pytest.fixture
def pair():
    a = make_institution(key="a", name="A", country="JP")
    b = make_institution(key="b", name="B", country="KR")
    make_claim(key="a-b", claimant=a, partner=b, type="joint_trial")
    make_claim(key="b-a", claimant=b, partner=a, type="seminar")
    return a, b


def test_network_and_institutions(client, pair):
    body = client.get(URL).json()
    assert body["depth_scale"]["mou"] == 5
    assert body["network"]["institutions"] == 2 and body["network"]["links"] == 2
    assert body["network"]["density"] == 1.0 and body["network"]["reciprocity_rate"] == 1.0
    first = body["institutions"][0]
    assert (first["institution"]["key"], first["claimed"], first["confirmed"], first["gap"]) == (
        "a",
        4.0,
        2.0,
        2.0,
    )


def test_edges_list_claims_with_their_evidence(client, pair):
    edges = client.get(URL + "/edges").json()
    assert [(e["claimant"]["key"], e["partner"]["key"]) for e in edges] == [("a", "b"), ("b", "a")]
    (claim,) = edges[0]["claims"]
    assert (claim["key"], claim["depth"], claim["evidence"], claim["answered_by"]) == (
        "a-b",
        4,
        "named_back",
        ["b-a"],
    )


def test_a_restricted_claim_changes_nothing_for_a_visitor(client, steward, pair):
    before = client.get(URL).json()
    a, b = pair
    make_claim(claimant=b, partner=a, type="joint_trial", sensitivity="restricted")
    assert client.get(URL).json() == before
    client.force_login(steward)
    assert client.get(URL).json()["institutions"][0]["gap"] == 0.0


def test_unknown_parameter_is_a_400(client):
    response = client.get(URL + "?limit=5")
    assert response.status_code == 400
    assert response.json()["parameter"] == "limit"
