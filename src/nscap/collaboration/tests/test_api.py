"""Read API of collaboration claims, with Table 3's one-/two-sided reading."""

from __future__ import annotations

import datetime as dt

import pytest

from nscap.testing.factories import make_claim, make_institution, make_network

pytestmark = pytest.mark.django_db


def items(response) -> dict[str, dict]:
    assert response.status_code == 200, response.content
    return {item["key"]: item for item in response.json()["items"]}


@pytest.fixture
def table3():
    china = make_institution(key="snstc", name="SNSTC", country="CN")
    japan = make_institution(key="iscn", name="ISCN", country="JP")
    korea = make_institution(key="insa", name="INSA", country="KR")
    network = make_network(key="asian-network", name="Asian regional network")
    make_claim(
        key="cn-jp",
        claimant=china,
        partner=japan,
        type="network_membership",
        status="ongoing",
        network=network,
        start=dt.date(2014, 1, 1),
        start_precision="year",
    )
    make_claim(key="jp-cn", claimant=japan, partner=china, type="network_membership")
    make_claim(key="jp-kr", claimant=japan, partner=korea, type="personnel_exchange")
    make_claim(
        key="kr-vn",
        claimant=korea,
        partner=None,
        partner_country="VN",
        partner_text="Vietnam (seminar in Hanoi)",
        type="seminar",
        status="done",
        confirmation="confirmed",
    )
    return {"china": china, "japan": japan, "korea": korea}


def test_claims_are_marked_one_or_two_sided(client, table3):
    claims = items(client.get("/api/collaboration-claims"))
    assert list(claims) == ["cn-jp", "jp-cn", "jp-kr", "kr-vn"]
    assert claims["cn-jp"]["two_sided"] is True
    assert claims["cn-jp"]["same_type_back"] is True
    assert claims["cn-jp"]["answered_by"] == ["jp-cn"]
    assert claims["jp-kr"]["two_sided"] is False
    assert claims["jp-kr"]["answered_by"] == []
    assert claims["cn-jp"]["network"] == {"key": "asian-network", "name": "Asian regional network"}
    assert (claims["cn-jp"]["start"], claims["cn-jp"]["start_precision"]) == ("2014", "year")
    assert claims["kr-vn"]["partner"] is None
    assert claims["kr-vn"]["partner_country"] == "VN"


def test_two_sidedness_is_read_over_all_visible_claims_not_the_filtered_page(client, table3):
    claims = items(client.get("/api/collaboration-claims", {"claimant": "snstc"}))
    assert list(claims) == ["cn-jp"]
    assert claims["cn-jp"]["two_sided"] is True
    detail = client.get("/api/collaboration-claims/cn-jp").json()
    assert detail["two_sided"] is True


def test_a_hidden_answer_does_not_make_a_claim_two_sided(client, steward, table3):
    make_claim(
        key="kr-jp-secret",
        claimant=table3["korea"],
        partner=table3["japan"],
        type="personnel_exchange",
        sensitivity="restricted",
    )
    claims = items(client.get("/api/collaboration-claims"))
    assert "kr-jp-secret" not in claims
    assert claims["jp-kr"]["two_sided"] is False
    assert client.get("/api/collaboration-claims").json()["count"] == 4
    client.force_login(steward)
    claims = items(client.get("/api/collaboration-claims"))
    assert claims["jp-kr"]["two_sided"] is True
    assert claims["jp-kr"]["answered_by"] == ["kr-jp-secret"]


def test_a_claim_about_a_hidden_partner_is_hidden_with_it(client, table3, steward):
    hidden = make_institution(key="hidden", sensitivity="restricted")
    make_claim(key="cn-hidden", claimant=table3["china"], partner=hidden)
    assert client.get("/api/collaboration-claims/cn-hidden").status_code == 404
    assert client.get("/api/collaboration-claims", {"partner": "hidden"}).json()["count"] == 0
    client.force_login(steward)
    assert client.get("/api/collaboration-claims/cn-hidden").json()["partner"]["key"] == "hidden"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"claimant": "iscn"}, ["jp-cn", "jp-kr"]),
        ({"partner": "snstc"}, ["jp-cn"]),
        ({"partner": "iscn"}, ["cn-jp"]),
        ({"type": "seminar"}, ["kr-vn"]),
        ({"status": "ongoing"}, ["cn-jp"]),
        ({"status": "planned"}, []),
        ({"confirmation": "confirmed"}, ["kr-vn"]),
        ({"confirmation": "claimed", "claimant": "iscn"}, ["jp-cn", "jp-kr"]),
        ({"claimant": "no-such-center"}, []),
    ],
)
def test_claim_filters(client, table3, params, expected):
    response = client.get("/api/collaboration-claims", params)
    assert list(items(response)) == expected
    assert response.json()["count"] == len(expected)


def test_claims_filter_by_state_reads_the_answer_not_the_stored_confirmation(client):
    """Issue 15: one vocabulary of claim states; a claim named back for another kind is
    ``named_back`` whatever it stores, a disputed one ``disputed`` even when claimed back."""

    a = make_institution(key="state-a", name="A", country="JP")
    b = make_institution(key="state-b", name="B", country="KR")
    make_claim(key="a-b-exchange", claimant=a, partner=b, type="personnel_exchange")
    make_claim(key="b-a-network", claimant=b, partner=a, type="network_membership")
    make_claim(key="a-b-trial", claimant=a, partner=b, type="joint_trial", confirmation="disputed")

    def keys(state: str) -> list[str]:
        response = client.get("/api/collaboration-claims", {"state": state})
        assert response.status_code == 200
        return [item["key"] for item in response.json()["items"]]

    # Each names the other, for another kind; the disputed trial stays disputed.
    assert keys("named_back") == ["a-b-exchange", "b-a-network"]
    assert keys("disputed") == ["a-b-trial"]
    assert keys("confirmed") == keys("one_sided") == []
    response = client.get("/api/collaboration-claims", {"state": "claimed"})
    assert response.status_code in (400, 422) and "state" in response.content.decode()


def test_claims_filter_by_state_never_reads_a_hidden_claim_back(client):
    """A restricted claim back makes the claim named back for its owner only."""
    from nscap.core.choices import Sensitivity
    from nscap.testing.roles import make_user

    a = make_institution(key="hidden-a", name="A", country="JP")
    b = make_institution(key="hidden-b", name="B", country="KR")
    make_claim(key="a-b-seminar", claimant=a, partner=b, type="seminar")
    make_claim(
        key="b-a-secret", claimant=b, partner=a, type="mou", sensitivity=Sensitivity.RESTRICTED
    )
    visitor = client.get("/api/collaboration-claims", {"state": "one_sided"}).json()
    assert [item["key"] for item in visitor["items"]] == ["a-b-seminar"]
    client.force_login(make_user(institution=b))
    owner = client.get("/api/collaboration-claims", {"state": "named_back"}).json()
    assert sorted(item["key"] for item in owner["items"]) == ["a-b-seminar", "b-a-secret"]
