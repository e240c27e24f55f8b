"""Fixtures for the search tests: the brief loaded once per module (its loader rebuilds the
search index), rolled back when the module is done."""

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
    """The brief's registry, indexed for search."""
    return brief_loaded_once
