"""Read API of institutions, center profiles, milestones and label resolution."""

from __future__ import annotations

import datetime as dt

import pytest

from nscap.institutions.models import CenterProfile, Milestone
from nscap.testing.factories import (
    make_institution,
    make_membership,
    make_network,
    make_topic,
)

pytestmark = pytest.mark.django_db


def keys(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["key"] for item in response.json()["items"]]


def milestone(institution, key, **fields):
    return Milestone.objects.create(
        key=key, institution=institution, kind=fields.pop("kind", "established"), **fields
    )


@pytest.fixture
def insa():
    regulator = make_institution(
        key="kinac-parent", name="NSSC Korea", kind="regulator", country="KR"
    )
    insa = make_institution(
        key="insa",
        name="International Nuclear Security Academy",
        country="KR",
        parent=regulator,
        parent_role="regulator",
        labels=[
            ("INSA", "en", "Latn", "acronym"),
            ("국제핵안보교육훈련센터", "ko", "Kore", "name"),
        ],
    )
    profile = CenterProfile.objects.create(
        key="insa-profile",
        institution=insa,
        geographic_focus=["regional"],
        geographic_focus_planned=["global"],
        activity_focus=["training"],
    )
    profile.topics.add(make_topic(key="physical-protection", name="Physical protection"))
    milestone(insa, "insa-established", date=dt.date(2014, 2, 1), date_precision="month")
    milestone(
        insa,
        "insa-pledged",
        kind="pledged",
        date=dt.date(2010, 1, 1),
        date_precision="year",
        status="actual",
    )
    milestone(
        insa,
        "insa-completion",
        kind="construction_completed",
        status="expected",
        date=dt.date(2016, 9, 12),
        date_precision="day",
    )
    return insa


def test_detail_nests_labels_parent_profile_and_milestones(client, insa):
    body = client.get("/api/institutions/insa").json()
    assert body["parent"] == {"key": "kinac-parent", "name": "NSSC Korea"}
    assert body["parent_role"] == "regulator"
    assert {(label["text"], label["script"]) for label in body["labels"]} == {
        ("International Nuclear Security Academy", "Latn"),
        ("INSA", "Latn"),
        ("국제핵안보교육훈련센터", "Kore"),
    }
    assert body["labels"][0]["preferred"] is True
    assert body["profile"]["key"] == "insa-profile"
    assert body["profile"]["geographic_focus_planned"] == ["global"]
    assert body["profile"]["topics"] == [
        {"key": "physical-protection", "name": "Physical protection"}
    ]
    assert [(m["key"], m["date"], m["date_precision"]) for m in body["milestones"]] == [
        ("insa-pledged", "2010", "year"),
        ("insa-established", "2014-02", "month"),
        ("insa-completion", "2016-09-12", "day"),
    ]
    parent = client.get("/api/institutions/kinac-parent").json()
    assert parent["children"] == [{"key": "insa", "name": "International Nuclear Security Academy"}]
    assert parent["profile"] is None


def test_detail_hides_what_the_viewer_may_not_see(client, steward, insa):
    insa.parent.sensitivity = "restricted"
    insa.parent.save()
    milestone(insa, "insa-secret", kind="other", sensitivity="restricted")
    CenterProfile.objects.filter(key="insa-profile").update(sensitivity="network")
    make_institution(key="insa-child", parent=insa, sensitivity="restricted")
    body = client.get("/api/institutions/insa").json()
    assert body["parent"] is None
    assert "insa-secret" not in [m["key"] for m in body["milestones"]]
    assert body["profile"] is None
    assert body["children"] == []
    client.force_login(steward)
    body = client.get("/api/institutions/insa").json()
    assert body["parent"]["key"] == "kinac-parent"
    assert "insa-secret" in [m["key"] for m in body["milestones"]]
    assert body["profile"]["key"] == "insa-profile"
    assert [c["key"] for c in body["children"]] == ["insa-child"]


def test_milestone_counterpart_hidden_is_null(client, insa):
    hidden = make_institution(key="hidden-partner", sensitivity="restricted")
    shown = make_institution(key="iaea", name="IAEA", kind="international_org", country="")
    milestone(insa, "insa-mou-hidden", kind="mou_signed", counterpart=hidden)
    milestone(insa, "insa-mou", kind="mou_signed", counterpart=shown)
    assert client.get("/api/milestones/insa-mou-hidden").json()["counterpart"] is None
    assert client.get("/api/milestones/insa-mou").json()["counterpart"]["key"] == "iaea"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "KR"}, ["insa", "kinac-parent"]),
        ({"country": "kr"}, ["insa", "kinac-parent"]),
        ({"country": "JP"}, ["iscn"]),
        ({"kind": "regulator"}, ["kinac-parent"]),
        ({"topic": "physical-protection"}, ["insa"]),
        ({"topic": "no-such-topic"}, []),
        ({"network": "nssc-network"}, ["insa", "iscn"]),
        ({"q": "insa"}, ["insa"]),
        ({"q": "국제핵안보교육훈련센터"}, ["insa"]),
        ({"q": "the international nuclear security academy"}, ["insa"]),
        ({"q": "Nuclear Security"}, ["insa", "iscn"]),
        ({"q": "  "}, ["insa", "iscn", "kinac-parent"]),
        ({"country": "KR", "kind": "center_of_excellence"}, ["insa"]),
    ],
)
def test_institution_filters(client, insa, params, expected):
    iscn = make_institution(
        key="iscn",
        name="Integrated Support Center for Nuclear Nonproliferation and Nuclear Security",
        country="JP",
    )
    network = make_network(key="nssc-network")
    make_membership(network=network, institution=insa)
    make_membership(network=network, institution=iscn)
    response = client.get("/api/institutions", params)
    assert sorted(keys(response)) == expected
    assert response.json()["count"] == len(expected)


def test_institution_filters_do_not_reveal_hidden_links(client, insa):
    hidden_network = make_network(key="secret-network", sensitivity="restricted")
    make_membership(network=hidden_network, institution=insa)
    hidden_topic = make_topic(key="secret-topic", sensitivity="restricted")
    insa.profile.topics.add(hidden_topic)
    assert keys(client.get("/api/institutions", {"network": "secret-network"})) == []
    assert keys(client.get("/api/institutions", {"topic": "secret-topic"})) == []
    topics = client.get("/api/institutions/insa").json()["profile"]["topics"]
    assert [t["key"] for t in topics] == ["physical-protection"]


def test_milestones_list_leaves_out_those_of_hidden_institutions(client, steward, insa):
    hidden = make_institution(key="hidden", sensitivity="restricted")
    milestone(hidden, "hidden-established")
    response = client.get("/api/milestones")
    assert "hidden-established" not in keys(response)
    assert response.json()["count"] == 3
    assert client.get("/api/milestones/hidden-established").status_code == 404
    client.force_login(steward)
    assert "hidden-established" in keys(client.get("/api/milestones"))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"institution": "insa"}, ["insa-pledged", "insa-established", "insa-completion"]),
        ({"institution": "iscn"}, ["iscn-established"]),
        ({"kind": "pledged"}, ["insa-pledged"]),
        ({"status": "expected"}, ["insa-completion"]),
        ({"year": 2014}, ["insa-established"]),
        ({"year": 2014, "institution": "iscn"}, []),
        ({}, ["insa-pledged", "insa-established", "insa-completion", "iscn-established"]),
    ],
)
def test_milestone_filters_and_order(client, insa, params, expected):
    milestone(make_institution(key="iscn"), "iscn-established")  # undated: last
    assert keys(client.get("/api/milestones", params)) == expected


def test_milestone_detail_renders_partial_date(client, insa):
    body = client.get("/api/milestones/insa-established").json()
    assert body["date"] == "2014-02"
    assert body["date_precision"] == "month"
    assert body["institution"] == {"key": "insa", "name": "International Nuclear Security Academy"}
    undated = milestone(insa, "insa-undated", kind="other")
    body = client.get(f"/api/milestones/{undated.key}").json()
    assert body["date"] is None
    assert body["date_precision"] is None


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["insa-profile", "iscn-profile"]),
        ({"institution": "iscn"}, ["iscn-profile"]),
        ({"topic": "physical-protection"}, ["insa-profile"]),
        ({"topic": "unknown"}, []),
    ],
)
def test_center_profile_filters(client, insa, params, expected):
    CenterProfile.objects.create(key="iscn-profile", institution=make_institution(key="iscn"))
    assert keys(client.get("/api/center-profiles", params)) == expected


def test_center_profile_of_hidden_institution_is_hidden(client):
    CenterProfile.objects.create(
        key="hidden-profile", institution=make_institution(sensitivity="restricted")
    )
    assert keys(client.get("/api/center-profiles")) == []
    assert client.get("/api/center-profiles/hidden-profile").status_code == 404


def test_resolve_returns_ranked_candidates(client, insa):
    make_institution(key="insa-like", name="Institute of Nuclear Safety Analysis")
    response = client.get("/api/institutions/resolve", {"q": "INSA"})
    assert response.status_code == 200
    body = response.json()
    assert body["q"] == "INSA"
    assert body["candidates"][0]["institution"]["key"] == "insa"
    assert body["candidates"][0]["matched_label"]["text"] == "INSA"
    scores = [c["score"] for c in body["candidates"]]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)
    native = client.get("/api/institutions/resolve", {"q": "국제핵안보교육훈련센터"}).json()
    assert native["candidates"][0]["institution"]["key"] == "insa"


def test_resolve_never_offers_a_hidden_institution(client, steward):
    make_institution(key="hidden", name="Secret Center", sensitivity="restricted")
    assert (
        client.get("/api/institutions/resolve", {"q": "Secret Center"}).json()["candidates"] == []
    )
    client.force_login(steward)
    candidates = client.get("/api/institutions/resolve", {"q": "Secret Center"}).json()[
        "candidates"
    ]
    assert [c["institution"]["key"] for c in candidates] == ["hidden"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "INSA", "limit": "0"}, "limit"),
        ({"q": "x", "y": "1"}, "y"),
    ],
)
def test_resolve_bad_queries_are_400_naming_the_parameter(client, params, parameter):
    response = client.get("/api/institutions/resolve", params)
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
