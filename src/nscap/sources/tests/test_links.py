"""Web addresses (issue 12, #9): only http/https are taken, on every write path, and a stored
address with another scheme is shown as text, never as a live link."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from nscap.accounts.tokens import create_token
from nscap.contributions.models import Changeset
from nscap.core.links import external_link, is_link_safe
from nscap.interchange.importer import run_import
from nscap.sources.models import Source
from nscap.testing.factories import make_institution, make_source
from nscap.testing.roles import make_user

pytestmark = pytest.mark.django_db

BAD_ADDRESSES = [
    "javascript:alert(document.cookie)",
    " JavaScript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "ftp://example.org/report.pdf",
    "not an address",
]


def _api_post(user, path: str, body: dict):
    token = create_token(user, "test", "write")[1]
    return Client().post(
        f"/api{path}",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_api_refuses_a_source_url_that_is_not_http(address):
    response = _api_post(make_user(steward=True), "/sources", {"title": "R", "url": address})
    assert response.status_code == 422
    detail = {error["field"]: error["message"] for error in response.json()["detail"]}
    assert "http:// or https://" in detail["url"]
    assert not Changeset.objects.exists() and not Source.objects.exists()


def test_api_refuses_an_institution_website_that_is_not_http():
    response = _api_post(
        make_user(steward=True),
        "/institutions",
        {"name": "X", "kind": "university", "website": "javascript:alert(1)"},
    )
    assert response.status_code == 422
    assert "website" in {error["field"] for error in response.json()["detail"]}


def test_api_takes_http_and_https_addresses():
    steward = make_user(steward=True)
    for n, address in enumerate(["https://example.org/r.pdf", "HTTP://example.org/", ""]):
        response = _api_post(steward, "/sources", {"title": f"R{n}", "url": address})
        assert response.status_code == 201, response.content


# Sources and institutions have no web form (the forms cover events, courses and claims); the
# API and import are their write paths, and both validate with the same schema.


def test_import_refuses_a_javascript_source_url_with_its_row_and_column():
    data = b"key,title,kind,url\nrep-1,Report,report,javascript:alert(1)\n"
    result = run_import(make_user(steward=True), "source.csv", data)
    assert not result.plan.ok
    [error] = result.plan.errors
    assert error.column == "url" and "http:// or https://" in error.message
    assert not Source.objects.exists()


def test_stored_javascript_url_is_shown_as_text_on_the_source_page(client):
    make_source(key="old", title="Old row", url="javascript:alert(1)")
    html = client.get("/sources/old/").content.decode()
    assert "javascript:alert(1)" in html
    assert 'href="javascript:' not in html


def test_stored_javascript_website_is_shown_as_text_on_the_institution_page(client):
    make_institution(key="old", name="Old", website="javascript:alert(1)")
    html = client.get("/institutions/old/").content.decode()
    assert "javascript:alert(1)" in html
    assert 'href="javascript:' not in html


def test_http_address_is_a_link():
    make_source(key="good", title="Good", url="https://example.org/r.pdf")
    html = Client().get("/sources/good/").content.decode()
    assert '<a href="https://example.org/r.pdf" rel="nofollow noopener">' in html


@pytest.mark.parametrize("address", BAD_ADDRESSES[:5])
def test_external_link_renders_other_schemes_as_escaped_text(address):
    assert not is_link_safe(address)
    assert "<a" not in str(external_link(address))


def test_external_link_escapes_the_text_of_a_safe_link():
    html = external_link('https://example.org/"><script>', "<b>")
    assert html == (
        '<a href="https://example.org/&quot;&gt;&lt;script&gt;" rel="nofollow noopener">'
        "&lt;b&gt;</a>"
    )
