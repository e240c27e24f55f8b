"""A database that cannot be reached is a 503 with Retry-After, not a 500 and a traceback."""

from __future__ import annotations

import json

from django.db import InterfaceError, OperationalError
from django.test import RequestFactory

from nscap.api import api


def test_a_lost_database_connection_is_a_503_that_says_when_to_retry():
    request = RequestFactory().get("/api/institutions")
    for exc in (OperationalError("server closed the connection"), InterfaceError("closed")):
        response = api.on_exception(request, exc)
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert "Idempotency-Key" in json.loads(response.content)["detail"]


def test_other_errors_are_not_taken_for_an_outage():
    request = RequestFactory().get("/api/institutions")
    try:
        api.on_exception(request, ValueError("a bug"))
    except ValueError:
        pass
    else:
        raise AssertionError("a bug must not become a 503")
