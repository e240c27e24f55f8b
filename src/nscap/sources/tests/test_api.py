"""Read API of sources (citations are covered with every record in core/tests/test_api.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from nscap.testing.factories import cite, make_institution, make_source

pytestmark = pytest.mark.django_db


def keys(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["key"] for item in response.json()["items"]]


@pytest.fixture
def sources():
    brief = make_source(
        key="brief",
        title="Nuclear security centers of excellence in Asia",
        kind="policy_brief",
        publisher="Stanley Foundation",
        published=dt.date(2015, 9, 1),
        published_precision="month",
        url="https://example.org/brief.pdf",
    )
    make_source(key="wins-report", title="Training needs", kind="report", authors="WINS")
    make_source(key="secret", title="Internal", sensitivity="restricted")
    return brief


def test_source_detail(client, sources):
    cite(make_institution(key="insa"), source=sources, footnote=1)
    cite(make_institution(key="hidden", sensitivity="restricted"), source=sources, footnote=2)
    body = client.get("/api/sources/brief").json()
    assert body["kind"] == "policy_brief"
    assert (body["published"], body["published_precision"]) == ("2015-09", "month")
    assert body["url"] == "https://example.org/brief.pdf"
    assert body["cited_count"] == 1


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["brief", "wins-report"]),
        ({"kind": "report"}, ["wins-report"]),
        ({"q": "stanley"}, ["brief"]),
        ({"q": "WINS"}, ["wins-report"]),
        ({"q": "Internal"}, []),
    ],
)
def test_source_filters(client, sources, params, expected):
    assert keys(client.get("/api/sources", params)) == expected
