"""The search page and the header box: plain GET forms that work without JavaScript."""

from __future__ import annotations

import pytest
from django.urls import reverse


def test_every_page_has_the_header_search_box(brief, client):
    page = client.get(reverse("core:home")).content.decode()
    assert 'role="search"' in page and f'action="{reverse("search:results")}"' in page
    assert 'name="q"' in page


def test_results_are_grouped_by_type_with_counts_and_more_links(brief, client):
    page = client.get("/search/", {"q": "nuclear security"}).content.decode()
    for group in ("Institutions", "Courses", "Networks", "Sources"):
        assert f">{group} <span" in page
    assert "International Nuclear Security Academy" in page
    assert "type=institution" in page  # "All N — Institutions"
    assert "Narrow the results" in page and "Japan" in page


def test_one_type_is_paged(brief, client, monkeypatch):
    monkeypatch.setattr("nscap.search.views.PER_PAGE", 2)
    first = client.get("/search/", {"q": "nuclear", "type": "institution"}).content.decode()
    second = client.get(
        "/search/", {"q": "nuclear", "type": "institution", "page": 2}
    ).content.decode()
    assert "Page 1 of" in first and "Page 2 of" in second
    assert 'data-type="course"' not in first


def test_a_miss_offers_did_you_mean_links(brief, client):
    page = client.get("/search/", {"q": "acadmy"}).content.decode()
    assert "Did you mean" in page and 'href="?q=academy"' in page


def test_a_facet_link_narrows_and_can_be_removed(brief, client):
    page = client.get("/search/", {"q": "nuclear security", "country": "JP"}).content.decode()
    assert "Country: Japan" in page
    assert "International Nuclear Security Academy" not in page  # South Korea


@pytest.mark.parametrize("params", [{"year": "soon"}, {"country": "Japan"}, {"type": "person"}])
def test_a_bad_filter_is_named_and_ignored(brief, client, params):
    response = client.get("/search/", {"q": "academy", **params})
    assert response.status_code == 200
    page = response.content.decode()
    assert "is not a value you can filter by" in page
    assert "International Nuclear Security Academy" in page


def test_an_empty_query_explains_what_to_type(brief, client):
    page = client.get("/search/").content.decode()
    assert "Type a name" in page
    assert client.get("/search/", {"q": "the"}).status_code == 200
