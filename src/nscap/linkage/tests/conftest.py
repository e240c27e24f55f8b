"""The linkage tests' world: synthetic reports and one linkage run over them.

Built once per module inside a transaction rolled back after it; each test runs in a savepoint
on top (pytest-django's ``db``), so a decision one test makes never reaches the next. Loading
and linking took 7-16 s per test on the shared CI machine when every test built its own.
A module that asks for it must not hold tests that expect an empty registry: the world stays
loaded until the module ends.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from nscap.linkage import services, synthetic
from nscap.linkage.demo_data import load_synthetic
from nscap.testing.roles import make_steward


@pytest.fixture(scope="module")
def linked_once(django_db_setup, django_db_blocker) -> int:
    """The primary key of the linkage run over 60 synthetic events (seed 4)."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_synthetic(synthetic.generate(60, seed=4))
        yield services.run_linkage(make_steward("linker")).pk
        transaction.set_rollback(True)
