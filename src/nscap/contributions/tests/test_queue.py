"""The stewards' queue at volume (issue 16): who reaches it, filters with counts, sorting,
pages, and bulk decisions through the services, confirmed first, failures reported."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from nscap.activities.models import TrainingEvent
from nscap.contributions import services
from nscap.contributions.models import Changeset, HistoryEntry
from nscap.contributions.tests.test_views import user
from nscap.testing.factories import make_event, make_institution

pytestmark = pytest.mark.django_db
QUEUE, BULK = "/contribute/queue/", "/contribute/queue/bulk/"


@pytest.fixture
def cast(django_user_model):
    insa = make_institution(key="insa", name="INSA", country="KR")
    iscn = make_institution(key="iscn", name="ISCN", country="JP")
    return {
        "insa": insa,
        "iscn": iscn,
        "kim": user(django_user_model, "kim", insa),
        "sato": user(django_user_model, "sato", iscn),
        "stew": user(django_user_model, "stew", steward=True),
        "stew2": user(django_user_model, "stew2", steward=True),
    }


def propose(author, host: str, title: str, origin: str = "web", days_old: int = 0) -> Changeset:
    change = services.ProposedChange(
        "create", "training_event", values={"host": host, "title": title}
    )
    changeset = services.propose(author, [change], origin=origin)
    if days_old:
        Changeset.objects.filter(pk=changeset.pk).update(
            created_at=timezone.now() - dt.timedelta(days=days_old)
        )
    return changeset


def shown(response) -> list[int]:
    return [row["changeset"].pk for row in response.context["rows"]]


# --- who reaches the queue -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "kim", "sato"])
def test_nobody_but_a_steward_reaches_the_queue_or_bulk(client, cast, who):
    waiting = propose(cast["kim"], "insa", "Waiting")
    if who != "anonymous":
        client.force_login(cast[who])
    page = client.get(QUEUE)
    post = client.post(BULK, {"bulk": "approve-all", "confirmed": "1", "changeset": waiting.pk})
    if who == "anonymous":
        assert page.status_code == post.status_code == 302  # to sign in
    else:
        assert page.status_code == post.status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == "pending"


def test_a_steward_sees_every_institutions_waiting_changesets(client, cast):
    mine = propose(cast["kim"], "insa", "INSA course")
    theirs = propose(cast["sato"], "iscn", "ISCN course")
    client.force_login(cast["stew"])
    assert sorted(shown(client.get(QUEUE))) == sorted([mine.pk, theirs.pk])


# --- filters, counts, sorting, pages -------------------------------------------------------------


def test_filters_narrow_and_counts_say_what_a_click_gives(client, cast):
    a = propose(cast["kim"], "insa", "A", origin="import")
    b = propose(cast["kim"], "insa", "B", origin="web", days_old=10)
    c = propose(cast["sato"], "iscn", "C", origin="api", days_old=40)
    client.force_login(cast["stew"])

    everything = client.get(QUEUE)
    assert shown(everything) == [c.pk, b.pk, a.pk]  # oldest first
    counts = {f["value"]: f["count"] for f in everything.context["facets"]["institution"]}
    assert counts == {"insa": 2, "iscn": 1}
    origins = {f["value"]: f["count"] for f in everything.context["facets"]["origin"]}
    assert origins == {"web": 1, "import": 1, "api": 1}
    ages = {f["value"]: f["count"] for f in everything.context["facets"]["age"]}
    assert ages == {"day": 1, "week": 0, "month": 1, "older": 1}
    assert "INSA (2)" in everything.content.decode()

    insa = client.get(QUEUE, {"institution": "insa"})
    assert shown(insa) == [b.pk, a.pk]
    # Counts of the other filters follow the chosen institution; its own facet keeps the rest.
    origins = {f["value"]: f["count"] for f in insa.context["facets"]["origin"]}
    assert origins == {"web": 1, "import": 1, "api": 0}
    assert {f["value"] for f in insa.context["facets"]["institution"]} == {"insa", "iscn"}

    assert shown(client.get(QUEUE, {"origin": "import"})) == [a.pk]
    assert shown(client.get(QUEUE, {"age": "month"})) == [b.pk]
    assert shown(client.get(QUEUE, {"record_type": "training_event", "age": "older"})) == [c.pk]
    assert shown(client.get(QUEUE, {"record_type": "course"})) == []
    assert shown(client.get(QUEUE, {"sort": "newest"})) == [a.pk, b.pk, c.pk]
    # Unknown values are ignored, never a 500.
    odd = client.get(QUEUE, {"age": "forever", "origin": "fax", "sort": "x", "page": "zz"})
    assert odd.status_code == 200 and shown(odd) == [c.pk, b.pk, a.pk]


def test_the_queue_is_paginated_with_compact_rows(client, cast):
    for n in range(55):
        propose(cast["kim"], "insa", f"Event {n}")
    client.force_login(cast["stew"])
    first = client.get(QUEUE)
    assert len(shown(first)) == 50 and first.context["page"].paginator.count == 55
    assert "55 waiting changesets match" in first.content.decode()
    assert len(shown(client.get(QUEUE, {"page": "2"}))) == 5


# --- bulk decisions ------------------------------------------------------------------------------


def test_bulk_asks_for_confirmation_first_and_names_which(client, cast):
    a = propose(cast["kim"], "insa", "A")
    b = propose(cast["sato"], "iscn", "B")
    client.force_login(cast["stew"])
    response = client.post(BULK, {"bulk": "approve-all", "filters": "institution=insa"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Approve 1 changeset?" in page
    assert f"Changeset {a.pk}" in page and f"Changeset {b.pk}" not in page
    a.refresh_from_db()
    assert a.status == "pending"  # nothing decided before the confirmation


def test_confirmed_bulk_approve_applies_each_and_reports_the_failure(client, cast):
    good = [propose(cast["kim"], "insa", f"Good {n}") for n in range(3)]
    decided = propose(cast["kim"], "insa", "Decided meanwhile")
    services.reject(cast["stew2"], decided.pk, "another steward was quicker")
    stale_event = make_event(key="moved", title="Moved", host=cast["insa"])
    stale = services.propose(
        cast["kim"],
        [
            services.ProposedChange(
                "update", "training_event", "moved", {"title": "New"}, stale_event.version
            )
        ],
    )
    TrainingEvent.objects.filter(pk=stale_event.pk).update(version=stale_event.version + 1)
    ids = [c.pk for c in good] + [decided.pk, stale.pk]
    client.force_login(cast["stew"])
    response = client.post(
        BULK, {"decision": "approve", "confirmed": "1", "changeset": ids, "comment": "ok"}
    )
    assert response.status_code == 200
    outcome = response.context["outcome"]
    assert outcome.done == [c.pk for c in good]
    failed = dict(outcome.failed)
    assert set(failed) == {decided.pk, stale.pk}
    assert "Rejected" in failed[decided.pk]
    assert "nothing was applied" in failed[stale.pk]
    page = response.content.decode()
    assert "3 changesets approved" in page and "2 changesets were not decided" in page
    for changeset in good:
        changeset.refresh_from_db()
        assert changeset.status == "applied" and changeset.reviewed_by == cast["stew"]
        assert HistoryEntry.objects.filter(changeset=changeset).exists()
    decided.refresh_from_db()
    stale.refresh_from_db()
    assert decided.status == "rejected" and stale.status == "pending"
    stale_event.refresh_from_db()
    assert stale_event.title == "Moved"


def test_bulk_reject_of_the_selected(client, cast):
    a = propose(cast["kim"], "insa", "A")
    b = propose(cast["kim"], "insa", "B")
    client.force_login(cast["stew"])
    confirm = client.post(BULK, {"bulk": "reject-selected", "changeset": [a.pk]})
    assert "Reject 1 changeset?" in confirm.content.decode()
    client.post(BULK, {"decision": "reject", "confirmed": "1", "changeset": [a.pk]})
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == "rejected" and b.status == "pending"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"bulk": "approve-selected"}, "Select at least one changeset"),
        ({"bulk": "approve-selected", "changeset": ["x"]}, "changeset: each selected"),
        ({"decision": "delete", "changeset": ["1"]}, "decision: choose approve or reject"),
        ({"bulk": "approve-all", "filters": "institution=nowhere"}, "No waiting changeset"),
    ],
)
def test_bad_bulk_requests_are_a_clear_400(client, cast, data, message):
    propose(cast["kim"], "insa", "A")
    client.force_login(cast["stew"])
    response = client.post(BULK, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Changeset.objects.filter(status="pending").count() == 1


def test_single_reject_from_the_changeset_page_is_confirmed_first(client, cast):
    changeset = propose(cast["kim"], "insa", "A")
    client.force_login(cast["stew"])
    detail = client.get(f"/contribute/changesets/{changeset.pk}/").content.decode()
    assert 'class="danger"' in detail and f'formaction="{BULK}"' in detail
    confirm = client.post(BULK, {"decision": "reject", "changeset": changeset.pk})
    assert "Reject 1 changeset?" in confirm.content.decode()
    changeset.refresh_from_db()
    assert changeset.status == "pending"
