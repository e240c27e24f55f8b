"""Concurrent writers on PostgreSQL: no lost update, one approval wins.

SQLite serialises writers on one file lock, so these tests only mean something on PostgreSQL;
they skip unless DATABASE_URL names one (CI runs them there). Each thread has its own database
connection (Django opens one per thread) and closes it when done.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

from nscap.activities.models import TrainingEvent
from nscap.contributions import services
from nscap.contributions.choices import ChangesetStatus
from nscap.contributions.errors import AlreadyReviewed, Stale
from nscap.contributions.models import Changeset, HistoryEntry
from nscap.contributions.services import ProposedChange
from nscap.testing.factories import make_event
from nscap.testing.roles import make_cast, make_steward, make_user

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="concurrency is tested on PostgreSQL (set DATABASE_URL=postgres://...)",
    ),
    pytest.mark.django_db(transaction=True),
]

WRITERS = 20


def _in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``count`` threads released together; return results or exceptions."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread met
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    return results


def test_twenty_concurrent_writers_lose_no_update():
    cast = make_cast()
    steward = cast.user("steward")
    writers = [make_user(f"writer-{i}", institution=cast.b) for i in range(WRITERS)]
    event = make_event(host=cast.b, participants=0)

    def write(index: int) -> int:
        current = TrainingEvent.objects.get(pk=event.pk)
        changeset = services.propose(
            writers[index],
            [
                ProposedChange(
                    "update",
                    "training_event",
                    key=event.key,
                    values={"participants": index + 1, "note": f"writer {index}"},
                    base_version=current.version,
                )
            ],
        )
        services.approve(steward, changeset.pk)
        return changeset.pk

    results = _in_threads(WRITERS, write)
    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, Stale)]
    assert not unexpected, unexpected
    applied_ids = [r for r in results if isinstance(r, int)]
    stale = [r for r in results if isinstance(r, Stale)]
    assert applied_ids, "at least one writer must win"
    assert len(applied_ids) + len(stale) == WRITERS

    event.refresh_from_db()
    assert event.version == 1 + len(applied_ids)
    updates = list(
        HistoryEntry.objects.filter(record_key=event.key, action__endswith=".update").order_by("id")
    )
    # Every applied change is in history exactly once, and nothing else is.
    assert Counter(e.changeset_id for e in updates) == Counter(applied_ids)
    assert set(
        Changeset.objects.filter(status=ChangesetStatus.APPLIED).values_list("pk", flat=True)
    ) == set(applied_ids)
    # Each applied change was based on the version the one before it produced: versions
    # strictly increase, so no write silently overwrote another.
    bases = [e.changeset.changes.get().base_version for e in updates]
    assert bases == list(range(1, 1 + len(applied_ids)))
    # The record holds the last applied change's values.
    assert updates[-1].after["participants"] == event.participants


def test_two_stewards_approving_at_once_apply_it_once():
    cast = make_cast()
    stewards = [cast.user("steward"), make_steward("second-steward")]
    changeset = services.propose(
        cast.user("contributor_b"),
        [
            ProposedChange(
                "create", "training_event", values={"key": "race", "host": cast.b.key, "title": "R"}
            )
        ],
    )

    results = _in_threads(2, lambda i: str(services.approve(stewards[i], changeset.pk).status))
    assert sorted(type(r).__name__ for r in results) == ["AlreadyReviewed", "str"], results
    assert [r for r in results if not isinstance(r, AlreadyReviewed)] == [ChangesetStatus.APPLIED]
    assert TrainingEvent.objects.filter(key="race").count() == 1
    assert HistoryEntry.objects.filter(record_key="race").count() == 1
