"""Fixtures for the brief's tests.

``brief`` gives a test the registry with the brief loaded. The load runs once per test module,
inside an outer transaction that is rolled back when the module is done; each test then runs in
its own savepoint (pytest-django's ``db``), so tests cannot leak changes into each other.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from nscap.brief.loader import LoadReport, load_brief


@pytest.fixture(scope="module")
def brief_loaded_once(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_brief()
        transaction.set_rollback(True)


@pytest.fixture
def brief(brief_loaded_once: LoadReport, db) -> LoadReport:
    """The brief loaded into the test database; the value is the load's report."""
    return brief_loaded_once
