"""Read API of topics and target groups."""

from __future__ import annotations

import pytest

from nscap.testing.factories import make_target_group, make_topic

pytestmark = pytest.mark.django_db


def keys(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["key"] for item in response.json()["items"]]


@pytest.fixture
def topics():
    security = make_topic(key="nuclear-security", name="Nuclear security")
    make_topic(
        key="physical-protection",
        name="Physical protection",
        name_zh="实物保护",
        nss_references=["NSS 13"],
        aliases=["PP"],
        parent=security,
    )
    make_topic(key="insider-threat", name="Insider threat", parent=security, sensitivity="network")
    make_target_group(key="customs", name="Customs", name_zh="海关")
    make_target_group(key="police", name="Police")


def test_topic_detail(client, topics):
    body = client.get("/api/topics/physical-protection").json()
    assert body["nss_references"] == ["NSS 13"]
    assert body["aliases"] == ["PP"]
    assert body["name_zh"] == "实物保护"
    assert body["parent"] == {"key": "nuclear-security", "name": "Nuclear security"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["nuclear-security", "physical-protection"]),
        ({"parent": "nuclear-security"}, ["physical-protection"]),
        ({"q": "实物"}, ["physical-protection"]),
        ({"q": "threat"}, []),
    ],
)
def test_topic_filters(client, topics, params, expected):
    assert keys(client.get("/api/topics", params)) == expected


def test_network_only_topic_is_hidden_from_visitors(client, steward, topics):
    assert client.get("/api/topics/insider-threat").status_code == 404
    client.force_login(steward)
    assert "insider-threat" in keys(client.get("/api/topics", {"parent": "nuclear-security"}))


@pytest.mark.parametrize(
    ("params", "expected"),
    [({}, ["customs", "police"]), ({"q": "海关"}, ["customs"]), ({"q": "pol"}, ["police"])],
)
def test_target_group_filters(client, topics, params, expected):
    assert keys(client.get("/api/target-groups", params)) == expected
    assert client.get("/api/target-groups/customs").json()["name_zh"] == "海关"
