"""The queue page and the API go through the same service; analytics count what waits."""

from __future__ import annotations

from django.test import Client

from nscap.accounts.choices import TokenScope
from nscap.accounts.tokens import create_token
from nscap.activities.models import TrainingEvent
from nscap.analytics.supply_sums import supply_sums
from nscap.interchange.importer import run_import
from nscap.reconciliation.models import NameMention
from nscap.reconciliation.tests.conftest import events_csv, messy_rows
from nscap.testing.roles import PASSWORD

NSSC = {"normalized": "nssc", "country": "MY", "reported_by": "reporter-x"}


def _api(user) -> Client:
    token = create_token(user, "test", TokenScope.WRITE)[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_api_lists_groups_decides_and_undoes(world):
    run_import(world.steward, "training_event.csv", events_csv(messy_rows(3)))
    api = _api(world.steward)
    page = api.get("/api/reconciliation/groups").json()
    assert page["count"] == 3
    top = page["items"][0]
    assert (top["text"], top["rows"], top["country"]) == ("NSSC", 3, "MY")
    rows = api.get("/api/reconciliation/mentions", NSSC).json()
    assert {r["record_key"] for r in rows} == {"ev-nssc-0", "ev-nssc-1", "ev-nssc-2"}
    answer = api.post(
        "/api/reconciliation/decisions",
        {**NSSC, "decision": "pick", "institution": "nssc-id"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["rows"] == 3 and answer.json()["applied"]
    assert set(
        TrainingEvent.objects.filter(key__startswith="ev-nssc").values_list("host__key", flat=True)
    ) == {"nssc-id"}
    event = api.get("/api/events/ev-nssc-0").json()
    assert event["host"]["key"] == "nssc-id" and event["host_text"] == ""
    undone = api.post("/api/reconciliation/decisions/undo", NSSC, content_type="application/json")
    assert undone.status_code == 200
    assert api.get("/api/events/ev-nssc-0").json()["host"] is None


def test_the_api_refuses_bad_decisions_by_field(world):
    run_import(world.steward, "training_event.csv", events_csv(messy_rows(1)))
    api = _api(world.steward)
    bad = api.post(
        "/api/reconciliation/decisions",
        {**NSSC, "decision": "new", "new_institution": {"name": "X", "kind": "spaceship"}},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "kind" in bad.content.decode()
    missing = api.post(
        "/api/reconciliation/decisions",
        {**NSSC, "normalized": "nothing here", "decision": "not_institution"},
        content_type="application/json",
    )
    assert missing.status_code == 404
    assert (
        _api(world.other_contributor)
        .post(
            "/api/reconciliation/decisions",
            {**NSSC, "decision": "not_institution"},
            content_type="application/json",
        )
        .status_code
        == 404
    )  # not their rows
    assert Client().get("/api/reconciliation/groups").status_code == 401


def test_the_queue_page_decides_a_whole_group_with_one_form(world):
    run_import(world.steward, "training_event.csv", events_csv(messy_rows(3)))
    client = Client()
    assert client.login(username=world.contributor.username, password=PASSWORD)
    page = client.get("/reconcile/")
    body = page.content.decode()
    assert page.status_code == 200 and "“NSSC”" in body and "3 rows" in body
    assert "nssc-secret" not in body  # a candidate the contributor may not see
    answer = client.post(
        "/reconcile/decide/",
        {**NSSC, "decision": "pick", "institution": "nssc-my"},
        HTTP_HX_REQUEST="true",
    )
    assert answer.status_code == 200
    # The contributor's decision is about another institution: it waits for a steward.
    assert "waits for a steward" in answer.content.decode()
    mention = NameMention.objects.filter(record_key="ev-nssc-0").select_related("changeset").get()
    assert mention.changeset.status == "pending"
    assert TrainingEvent.objects.get(key="ev-nssc-0").host is None
    # Turned down: the rows are back in the queue.
    from nscap.contributions import services as contribution_services

    contribution_services.reject(world.steward, mention.changeset_id, "no")
    assert "“NSSC”" in client.get("/reconcile/").content.decode()


def test_the_event_page_shows_an_unreconciled_host_as_written(world):
    run_import(world.steward, "training_event.csv", events_csv(messy_rows(1)))
    page = Client().get("/courses/events/ev-nssc-0/").content.decode()
    assert "“NSSC”" in page and "unreconciled" in page


def test_supply_counts_unreconciled_events_apart_and_drops_none(world):
    run_import(world.steward, "training_event.csv", events_csv(messy_rows(3)))
    sums = supply_sums(world.steward)
    assert sums.events == 6  # every report counted, resolved or not
    assert sums.unreconciled_events == 5 and sums.unreconciled_people == 3 * 20 + 10 + 5
    assert sums.people == 3 * 20 + 10 + 5 + 7


def test_analytics_pages_and_api_hold_unreconciled_events(world):
    rows = messy_rows(3) + [
        ["ev-other", "Unlisted Centre", "Workshop 0", "2020-05", "MY", 20, "reporter-y", "public"]
    ]
    run_import(world.steward, "training_event.csv", events_csv(rows))
    client = Client()
    gaps = client.get("/api/analytics/gaps")
    assert gaps.status_code == 200
    assert gaps.json()["totals"]["unreconciled_events"] == 6
    assert "host not reconciled yet" in client.get("/analytics/").content.decode()
    for path in ("/analytics/gaps/", "/analytics/achievements/", "/api/analytics/achievements"):
        assert client.get(path).status_code == 200, path
    overlaps = client.get("/api/analytics/overlaps?window=12")
    assert overlaps.status_code == 200, overlaps.content
