"""Guards over every URL (issue 12): whatever answers GET answers HEAD the same way, every
response carries the Permissions-Policy and, for a signed-in viewer, Cache-Control: private;
an id or integer query parameter past any database's range is never a server error.

The URL configuration and the OpenAPI schema are walked, so a new page or operation is covered
the day it is added.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from nscap.core.middleware import PERMISSIONS_POLICY

pytestmark = pytest.mark.django_db

HUGE = 2**64
_CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")


def _routes(patterns=None, prefix: str = "") -> list[str]:
    """Every route of the URL configuration as a path pattern string (``a/<int:id>/b``)."""
    routes = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern).lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            routes += _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            routes.append(route)
    return sorted(set(routes))


def _path(route: str, number: int = 1) -> str:
    def sample(match: re.Match) -> str:
        return str(number) if match["kind"] == "int" else "x"

    return "/" + _CONVERTER.sub(sample, route)


ROUTES = [r for r in _routes() if "(?P<" not in r]  # regex routes (django's i18n) are few


def test_the_walk_covers_pages_and_the_api():
    assert {"api/events", "accounts/", "contribute/queue/"} <= set(ROUTES)
    assert len(ROUTES) > 80


@pytest.fixture
def steward_client(steward):
    client = Client(raise_request_exception=False)
    client.force_login(steward)
    return client


@pytest.mark.parametrize("route", ROUTES)
def test_head_answers_wherever_get_does(steward_client, steward, route):
    path = _path(route)
    get = steward_client.get(path)
    steward_client.force_login(steward)  # in case the GET signed out
    head = steward_client.head(path)
    if get.status_code == 405:
        return
    assert head.status_code == get.status_code, f"HEAD {path}: {head.status_code}"
    assert head.content == b""


@pytest.mark.parametrize("route", ROUTES)
def test_every_response_has_the_permissions_policy_and_signed_in_ones_are_private(
    steward_client, route
):
    response = steward_client.get(_path(route))
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "private" in response.get("Cache-Control", ""), route


@pytest.mark.parametrize("route", [r for r in ROUTES if "<int:" in r])
def test_an_id_past_any_database_range_is_not_a_server_error(steward_client, route):
    for method in ("get", "post"):
        response = getattr(steward_client, method)(_path(route, HUGE))
        assert response.status_code < 500, f"{method.upper()} {route}: {response.status_code}"


def _integer_query_parameters(schema: dict) -> list[tuple[str, str]]:
    found = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        for parameter in (get or {}).get("parameters", []):
            types = {parameter["schema"].get("type")} | {
                alt.get("type") for alt in parameter["schema"].get("anyOf", [])
            }
            if parameter["in"] == "query" and "integer" in types:
                found.append((path, parameter["name"]))
    return found


def test_integer_query_parameters_past_any_database_range_are_refused_not_500(steward_client):
    schema = steward_client.get("/api/schema").json()
    parameters = _integer_query_parameters(schema)
    assert ("/api/events", "limit") in parameters
    for path, name in parameters:
        concrete = re.sub(r"\{[^}]+\}", "x", path)
        response = steward_client.get(concrete, {name: HUGE})
        assert response.status_code < 500, f"{concrete}?{name}={HUGE}: {response.status_code}"
        if response.status_code == 400:  # named, with the other missing parameters if any
            assert response.json()["parameter"]
