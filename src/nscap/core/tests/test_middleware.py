"""HEAD as GET, Permissions-Policy on every response, Cache-Control: private on personal ones
(issue 12, "Also")."""

from __future__ import annotations

import pytest
from django.test import Client

from nscap.accounts.tokens import create_token
from nscap.core.middleware import PERMISSIONS_POLICY
from nscap.testing.factories import make_event, make_institution
from nscap.testing.roles import make_user

pytestmark = pytest.mark.django_db

STATIC_FILE = "/static/core/nscap.css"


@pytest.fixture
def member():
    return make_user("member", institution=make_institution(key="own-inst"))


@pytest.fixture
def signed_in(member):
    client = Client()
    client.force_login(member)
    return client


def token_headers(user) -> dict:
    return {"Authorization": f"Bearer {create_token(user, 'test', 'read')[1]}"}


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


# --- Permissions-Policy -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/api/events", "/api/events/missing", "/nowhere/", STATIC_FILE]
)
def test_every_response_has_a_permissions_policy(client, path):
    response = client.get(path)
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in response["Permissions-Policy"]


# --- Cache-Control ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/accounts/", "/contribute/", "/contribute/mine/"])
def test_signed_in_pages_are_private_and_not_stored(signed_in, path):
    response = signed_in.get(path)
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)
    assert "public" not in directives(response)


def test_the_stewards_queue_is_private(steward):
    client = Client()
    client.force_login(steward)
    response = client.get("/contribute/queue/")
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)


def test_anonymous_responses_stay_cacheable(client):
    response = client.get("/api/events")
    assert not response.cookies
    assert "private" not in directives(response)


def test_a_response_that_sets_a_cookie_is_private(client):
    response = client.get("/")  # the page's forms carry a CSRF token: the cookie is set
    assert response.cookies
    assert {"private", "no-store"} <= directives(response)


def test_static_files_are_not_marked_private_for_a_signed_in_user(signed_in):
    response = signed_in.get(STATIC_FILE)
    assert response.status_code == 200
    assert "private" not in directives(response)


def test_api_reads_with_a_token_are_private(member):
    response = Client().get("/api/events", headers=token_headers(member))
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)


def test_api_detail_with_a_token_is_private_but_revalidates_with_its_etag(member):
    event = make_event(key="an-event")
    client, headers = Client(), token_headers(member)
    first = client.get(f"/api/events/{event.key}", headers=headers)
    assert {"private", "no-cache"} <= directives(first)
    assert "no-store" not in directives(first)
    again = client.get(
        f"/api/events/{event.key}", headers={**headers, "If-None-Match": first["ETag"]}
    )
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert "private" in directives(again)


def test_anonymous_api_detail_is_not_private(client):
    event = make_event(key="an-event")
    assert "private" not in directives(client.get(f"/api/events/{event.key}"))


# --- HEAD ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/events", "/api/events/an-event", "/api/schema", "/", "/institutions/"]
)
def test_head_answers_like_get_without_a_body(path):
    make_event(key="an-event")
    client = Client()
    get, head = client.get(path), client.head(path)
    assert get.status_code == 200
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == str(len(get.content))
    assert head["Content-Type"] == get["Content-Type"]
    assert head.get("ETag") == get.get("ETag")


def test_head_is_not_allowed_where_get_is_not():
    # A write-only path stays write-only: HEAD is GET without a body, nothing more.
    make_event(key="an-event")
    response = Client().head("/api/changesets/1/approve")
    assert response.status_code == 405


def test_head_of_a_streamed_export_has_no_body(steward):
    client = Client()
    client.force_login(steward)
    response = client.head("/api/export?format=csv")
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content]) == b""
