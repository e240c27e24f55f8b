"""Request bodies over the size limit (413) and JSON nested too deeply (400): never a 500, and
nothing written (issue 12, findings 11 and 12)."""

from __future__ import annotations

import json
import time

import pytest
from django.conf import settings
from django.test import Client

from nscap.accounts.tokens import create_token
from nscap.contributions.models import Changeset
from nscap.core.request_limits import MAX_JSON_DEPTH, json_depth
from nscap.testing.factories import make_event, make_institution

pytestmark = pytest.mark.django_db

TEN_MB = 10 * 1024 * 1024


@pytest.fixture
def api(steward):
    token = create_token(steward, "test", "write")[1]
    client = Client(raise_request_exception=False)
    return lambda method, path, body: getattr(client, method)(
        path, body, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )


def nested(depth: int, opener: str = "[", closer: str = "]") -> str:
    return opener * depth + closer * depth


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/events"),
        ("patch", "/api/events/an-event"),
        ("post", "/api/changesets/1/approve"),
    ],
)
def test_a_ten_megabyte_json_body_is_413_with_a_json_error(api, method, path):
    make_event(key="an-event")
    response = api(method, path, json.dumps({"title": "x" * TEN_MB}))
    assert response.status_code == 413
    assert "larger than this server accepts" in response.json()["detail"]
    assert not Changeset.objects.exists()


def test_a_body_just_under_the_limit_is_read(api):
    host = make_institution(key="host-inst")
    padding = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2
    body = {"host": host.key, "title": "Course", "note": "x" * padding}
    response = api("post", "/api/events", json.dumps(body))
    assert response.status_code == 201, response.content[:300]


@pytest.mark.parametrize(("opener", "closer"), [("[", "]"), ('{"a":', "}")])
@pytest.mark.parametrize("path", ["/api/events", "/api/changesets/1/approve"])
def test_json_nested_fifty_thousand_levels_is_400(api, path, opener, closer):
    body = opener * 50_000 + "1" + closer * 50_000
    response = api("post", path, body)
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep."
    }
    assert not Changeset.objects.exists()


def test_json_just_past_the_depth_limit_is_400_and_at_the_limit_it_is_read(api):
    too_deep = {"title": json.loads(nested(MAX_JSON_DEPTH))}  # one more level for the object
    assert api("post", "/api/events", json.dumps(too_deep)).status_code == 400
    at_limit = {"title": json.loads(nested(MAX_JSON_DEPTH - 1))}
    response = api("post", "/api/events", json.dumps(at_limit))
    assert response.status_code == 422  # read, then refused by the schema with a field error
    assert {e["field"] for e in response.json()["detail"]} >= {"title"}


def test_brackets_inside_strings_do_not_count():
    text = json.dumps({"title": "[" * 10_000, "note": 'say "{{{{" \\ [[['})
    assert json_depth(text.encode()) == 1
    assert json_depth(b'{"a": [1, {"b": []}]}') == 4
    assert json_depth(nested(100).encode()) == 100


def test_an_unterminated_string_of_escaped_quotes_is_scanned_in_linear_time():
    body = b'["' + b'\\"' * 1_000_000
    started = time.perf_counter()
    json_depth(body)
    assert time.perf_counter() - started < 2


def test_an_oversized_web_form_is_a_413_page(client):
    response = Client(raise_request_exception=False).post(
        "/accounts/sign-in/", {"username": "x", "password": "y" * TEN_MB}
    )
    assert response.status_code == 413
    assert b"larger than this server accepts" in response.content
    assert b"<html" in response.content


def test_ninjas_parser_applies_the_same_limits(rf):
    from nscap.api import api
    from nscap.core.request_limits import BodyRefused, JsonParser

    assert isinstance(api.parser, JsonParser)
    deep = rf.post("/api/x", nested(1000), content_type="application/json")
    with pytest.raises(BodyRefused) as refused:
        api.parser.parse_body(deep)
    assert refused.value.status == 400
    assert api.parser.parse_body(rf.post("/api/x", '{"a": [1]}', content_type="application/json"))


def test_every_operation_that_reads_a_body_documents_413_and_the_400(client):
    schema = client.get("/api/schema").json()
    writes = [
        (path, method, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in ("post", "put", "patch")
    ]
    assert writes
    for path, method, operation in writes:
        assert "413" in operation["responses"], f"{method} {path}"
        body_400 = operation["responses"]["400"]["content"]["application/json"]["schema"]
        refs = [alt["$ref"] for alt in body_400.get("anyOf", [body_400])]
        assert "#/components/schemas/MessageSchema" in refs, f"{method} {path}"


@pytest.mark.parametrize(("path", "json_body"), [("/", False), ("/api/events", True)])
def test_other_bad_requests_keep_a_plain_400(path, json_body):
    response = Client(raise_request_exception=False).get(path, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert (response["Content-Type"] == "application/json") is json_body


def test_no_code_reads_a_request_body_but_the_limited_reader():
    """``request.body`` read anywhere else would skip the depth check (and the 413 message)."""
    from pathlib import Path

    import nscap

    root = Path(nscap.__file__).parent
    readers = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "request_limits.py"
        and "request.body" in path.read_text(encoding="utf-8")
    ]
    assert readers == []
