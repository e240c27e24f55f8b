"""A decision costs the same number of queries whatever the size of its group, and the queue's
visibility check (a correlated probe of each mention's record) still hides what it must."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from nscap.activities.models import TrainingEvent
from nscap.interchange.importer import run_import
from nscap.reconciliation import selectors, services
from nscap.reconciliation.models import NameMention
from nscap.reconciliation.selectors import GroupKey
from nscap.reconciliation.tests.conftest import events_csv, messy_rows
from nscap.testing.factories import make_event

SMALL = GroupKey("nssc", "MY", "reporter-x")
LARGE = GroupKey("nssc", "MY", "reporter-y")


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_queries_per_decision_do_not_grow_with_the_rows_of_the_group(world):
    run_import(world.steward, "training_event.csv", events_csv(messy_rows(2)))
    run_import(world.steward, "training_event.csv", events_csv(messy_rows(12, "reporter-y", "y")))
    assert selectors.group_mentions(world.steward, SMALL).count() == 2
    assert selectors.group_mentions(world.steward, LARGE).count() == 12
    # A first decision fills the per-process caches (content types, the user's groups).
    groups, _ = selectors.queue_groups(world.steward)
    unknown = next(g["key"] for g in groups if g["text"] == "Ministry of Somewhere")
    services.decide(world.steward, unknown, "new", new={"kind": "government_agency"})
    # Two institutions of the same shape, so neither decision writes more labels than the other.
    small = _queries(lambda: services.decide(world.steward, SMALL, "pick", institution="nssc-my"))
    large = _queries(lambda: services.decide(world.steward, LARGE, "pick", institution="nssc-id"))
    assert large == small, (small, large)
    assert set(
        TrainingEvent.objects.filter(key__startswith="y-nssc").values_list("host__key", flat=True)
    ) == {"nssc-id"}


def test_preview_and_queue_cost_no_more_queries_for_a_larger_group(world):
    run_import(world.steward, "training_event.csv", events_csv(messy_rows(2)))
    services.mentions_for_decision(world.contributor, SMALL)  # fills the user's caches
    small = _queries(lambda: services.mentions_for_decision(world.contributor, SMALL))
    queue_small = _queries(lambda: selectors.queue_groups(world.contributor))
    run_import(world.steward, "training_event.csv", events_csv(messy_rows(12, prefix="z")))
    assert services.mentions_for_decision(world.contributor, SMALL) == 14
    assert _queries(lambda: services.mentions_for_decision(world.contributor, SMALL)) == small
    assert _queries(lambda: selectors.queue_groups(world.contributor)) == queue_small


def test_a_mention_is_seen_only_with_a_record_its_viewer_may_see(world):
    """The owner filter alone is not enough: the record must exist and be visible."""
    run_import(world.steward, "training_event.csv", events_csv(messy_rows(1)))
    hidden = make_event(
        key="hidden-ev", host=world.other, reported_by=world.other, sensitivity="restricted"
    )
    for record_key in (hidden.key, "not-yet-applied"):
        NameMention.objects.create(
            record_type="training_event",
            record_key=record_key,
            field="host",
            text="Secret Centre",
            normalized="secret centre",
            context_country="MY",
            context_reporter="reporter-x",
            owner=world.reporter,
        )
    secret = GroupKey("secret centre", "MY", "reporter-x")
    assert not selectors.group_mentions(world.contributor, secret).exists()
    mine, _ = selectors.queue_groups(world.contributor)
    assert "secret centre" not in {g["normalized"] for g in mine}
    assert selectors.group_mentions(world.contributor, NSSC := SMALL).count() == 1
    # A steward sees the restricted record's mention, never one whose record does not exist.
    assert [m.record_key for m in selectors.group_mentions(world.steward, secret)] == ["hidden-ev"]
    assert selectors.group_mentions(world.steward, NSSC).count() == 1
