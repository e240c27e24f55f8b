"""The permission tests' world: built once per module inside a transaction rolled back after it;
each test runs in a savepoint on top, so writes made by one test never reach the next."""

from __future__ import annotations

import pytest
from django.db import transaction

from permissions.world import World, build_world


@pytest.fixture(scope="module")
def world_once(django_db_setup, django_db_blocker) -> World:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(world_once: World, db) -> World:
    """The world, for one test (its changes are rolled back after the test)."""
    return world_once
