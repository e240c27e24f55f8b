"""``GET /api/search``: hits across types, counts, facets, paging and clear 400s."""

from __future__ import annotations

import pytest


def test_hits_come_with_counts_facets_and_links(brief, client):
    body = client.get("/api/search", {"q": "nuclear security", "limit": 3}).json()
    assert body["q"] == "nuclear security"
    assert body["count"] == sum(body["counts"].values()) > 3
    assert len(body["items"]) == 3 and body["previous"] is None
    assert "offset=3" in body["next"] and "q=nuclear+security" in body["next"]
    first = body["items"][0]
    assert first["type"] == "institution" and first["url"].startswith("/institutions/")
    assert {"country", "kind", "topic", "year"} <= set(body["facets"])
    assert body["suggestions"] == []


def test_walking_the_pages_gives_every_hit_once(brief, client):
    seen, url = [], "/api/search?q=nuclear&limit=7"
    while url:
        body = client.get(url).json()
        seen += [(item["type"], item["key"]) for item in body["items"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == body["count"]


def test_filters_narrow_the_hits_and_the_type_keeps_its_count(brief, client):
    body = client.get("/api/search", {"q": "nuclear security", "type": "course"}).json()
    assert {item["type"] for item in body["items"]} == {"course"}
    assert body["count"] == body["counts"]["course"]
    assert "institution" in body["counts"]
    japan = client.get("/api/search", {"q": "nuclear security", "country": "jp"}).json()
    assert japan["count"] > 0 and {item["country"] for item in japan["items"]} == {"JP"}


def test_punctuation_and_nul_bytes_in_q_find_nothing_without_error(brief, client):
    for text in ("%%__", "\x00", "\u3000"):
        response = client.get("/api/search", {"q": text})
        assert response.status_code == 200
        assert response.json()["count"] == 0
    assert client.get("/api/search", {"q": "acad\x00emy"}).status_code == 200


def test_a_miss_answers_with_suggestions(brief, client):
    body = client.get("/api/search", {"q": "acadmy"}).json()
    assert body["count"] == 0 and body["items"] == []
    assert "academy" in body["suggestions"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"q": "x", "colour": "red"}, "colour"),
        ({"q": "x", "country": "Japan"}, "country"),
        ({"q": "x", "type": "person"}, "type"),
        ({"q": "x", "year": "2015a"}, "year"),
        ({"q": "x", "limit": "0"}, "limit"),
        ({"q": ""}, "q"),
        ({}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "x", "kind": "a\x00b"}, "kind"),
        ({"q": "x", "topic": "a b"}, "topic"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(brief, client, params, parameter):
    response = client.get("/api/search", params)
    assert response.status_code == 400
    assert parameter in str(response.json())
