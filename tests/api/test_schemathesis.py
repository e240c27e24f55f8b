"""schemathesis against the served OpenAPI schema, through the WSGI app (bounded run).

Every operation (reads and writes) gets up to ``MAX_EXAMPLES`` (20) generated requests, once as a
visitor and once as a contributor with a write token; every response must not be a server
error and must conform to the schema (status code, content type, headers, body).
"""

from __future__ import annotations

import os
import time
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from nscap.accounts.models import Affiliation
from nscap.accounts.tokens import create_token
from nscap.institutions.models import TransparencyPolicy
from nscap.testing.factories import (
    make_claim,
    make_course,
    make_event,
    make_institution,
    make_source,
)

MAX_EXAMPLES = int(os.environ.get("NSCAP_SCHEMATHESIS_EXAMPLES", "20"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

requests_sent: Counter[str] = Counter()
seconds: Counter[str] = Counter()
statuses: dict[str, Counter[int]] = {"visitor": Counter(), "contributor": Counter()}


@pytest.fixture
def world(django_user_model):
    """Two institutions with records of each kind, one restricted; a contributor of A."""
    inst_a = make_institution(key="inst-a")
    inst_b = make_institution(key="inst-b", sensitivity="restricted")
    TransparencyPolicy.objects.create(institution=inst_a, auto_approve_own_public=True)
    course = make_course(provider=inst_a)
    make_event(host=inst_a, course=course)
    make_event(host=inst_b)
    make_claim(claimant=inst_a, partner=inst_b)
    make_source(owner=inst_a)
    user = django_user_model.objects.create_user("contributor", password="a-long-test-pass")
    Affiliation.objects.create(user=user, institution=inst_a)
    return {"token": create_token(user, "schemathesis", "write")[1]}


def _run(role: str, headers: dict[str, str]) -> None:
    # Like Django's test client: keep the test's connection (inside its transaction) open
    # across the requests instead of letting request_finished close it.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _run_operations(role, headers)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _run_operations(role: str, headers: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/schema", get_wsgi_application())
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        check = _checker(operation, role, headers)
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:  # collect every failing operation, then fail once
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
        seconds[operation.label] += time.perf_counter() - started
    assert failures == [], "\n\n".join(failures)


def _checker(operation, role: str, headers: dict[str, str]):
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case) -> None:
        response = case.call(headers=headers)
        requests_sent[role] += 1
        statuses[role][response.status_code] += 1
        case.validate_response(response, checks=CHECKS)

    return check


@pytest.mark.django_db
def test_schemathesis_as_visitor(world):
    _run("visitor", {})
    print(f"\nschemathesis as visitor: {requests_sent['visitor']} requests {statuses['visitor']}")
    assert requests_sent["visitor"] > 100


@pytest.mark.django_db
def test_schemathesis_as_contributor_with_write_token(world):
    _run("contributor", {"Authorization": f"Bearer {world['token']}"})
    print(
        f"\nschemathesis as contributor: {requests_sent['contributor']} requests "
        f"{statuses['contributor']}"
    )
    assert requests_sent["contributor"] > 100
    # the generated writes did reach the write path, not only its refusals
    assert statuses["contributor"][201] + statuses["contributor"][202] > 0


def teardown_module() -> None:
    slowest = ", ".join(f"{label} {spent:.1f}s" for label, spent in seconds.most_common(5))
    print(f"\nschemathesis slowest operations: {slowest}")
