"""Contribution pages: forms through the write path with per-field errors, my changesets,
withdraw, the steward queue (diff, sources, conflicts), history with revert, confirmation."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from nscap.accounts.models import Affiliation, AuditEvent
from nscap.activities.models import TrainingEvent
from nscap.collaboration.models import CollaborationClaim
from nscap.contributions import services
from nscap.contributions.models import Changeset, HistoryEntry
from nscap.core.visibility import STEWARDS_GROUP
from nscap.testing.factories import (
    make_claim,
    make_course,
    make_event,
    make_institution,
    make_source,
)

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-9"


def user(django_user_model, name, institution=None, role="contributor", steward=False):
    person = django_user_model.objects.create_user(name, password=PASSWORD)
    if institution is not None:
        Affiliation.objects.create(user=person, institution=institution, role=role)
    if steward:
        person.groups.add(Group.objects.get_or_create(name=STEWARDS_GROUP)[0])
    return person


@pytest.fixture
def world(django_user_model):
    insa = make_institution(key="insa", name="INSA", country="KR")
    iscn = make_institution(key="iscn", name="ISCN", country="JP")
    return {
        "insa": insa,
        "iscn": iscn,
        "kim": user(django_user_model, "kim", insa),
        "sato": user(django_user_model, "sato", iscn),
        "stew": user(django_user_model, "stew", steward=True),
        "source": make_source(key="report-2024", title="Annual report 2024"),
    }


EVENT = {
    "title": "Regional course on physical protection",
    "host": "insa",
    "start": "2024-05-13",
    "end": "2024-05-17",
    "city": "Daejeon",
    "country": "KR",
    "delivery_mode": "in_person",
    "participants": "30",
    "participants_qualifier": "exact",
    "sensitivity": "public",
    "changeset_comment": "From our annual report",
    "sources": ["report-2024"],
}


def propose_event(client, **changes):
    return client.post("/contribute/training_event/new/", {**EVENT, **changes})


# --- who may contribute --------------------------------------------------------------------------


def test_visitor_is_sent_to_sign_in(client):
    response = client.get("/contribute/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/sign-in/")
    assert client.post("/contribute/training_event/new/", EVENT).status_code == 302
    assert not Changeset.objects.exists()


def test_user_without_institution_is_refused(client, django_user_model, world):
    client.force_login(user(django_user_model, "loner"))
    assert client.get("/contribute/").status_code == 403
    assert propose_event(client).status_code == 403
    assert not Changeset.objects.exists()
    assert AuditEvent.objects.filter(action="access.refused").count() == 2


def test_unknown_record_type_form_is_404(client, world):
    client.force_login(world["kim"])
    assert client.get("/contribute/milestone/new/").status_code == 404


# --- the event form ------------------------------------------------------------------------------


def test_contributor_adds_an_event_that_waits_for_review(client, world):
    client.force_login(world["kim"])
    form = client.get("/contribute/training_event/new/")
    assert form.status_code == 200 and form.context["form"].initial["host"] == "insa"
    response = propose_event(client)
    changeset = Changeset.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/contribute/changesets/{changeset.pk}/"
    assert changeset.status == "pending" and changeset.origin == "web"
    assert list(changeset.sources.values_list("key", flat=True)) == ["report-2024"]
    change = changeset.changes.get()
    assert change.data["title"] == EVENT["title"] and change.data["participants"] == 30
    assert not TrainingEvent.objects.exists()
    page = client.get(response["Location"])
    assert b"Waiting for review" in page.content and b"Daejeon" in page.content


def test_errors_are_shown_next_to_their_fields(client, world):
    client.force_login(world["kim"])
    response = propose_event(client, country="XX", participants="-3", start="sometime")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "no country is called “XX”" in errors["country"][0]
    assert "greater than or equal to 0" in errors["participants"][0]
    assert errors["start"]
    assert b'id="id_country_error"' in response.content
    assert not Changeset.objects.exists()


def test_end_before_start_is_shown_next_to_the_end(client, world):
    client.force_login(world["kim"])
    response = propose_event(client, start="2024-05-17", end="2024-05-13")
    assert response.status_code == 200
    assert response.context["form"].errors["end"] == ["end is before the start"]
    assert not Changeset.objects.exists()


def test_edit_based_on_a_stale_version_is_refused(client, world):
    event = make_event(key="pp-2024", title="PP course", host=world["insa"], version=3)
    client.force_login(world["kim"])
    form = client.get("/contribute/training_event/pp-2024/edit/")
    assert form.context["form"].initial["base_version"] == 3
    response = client.post(
        "/contribute/training_event/pp-2024/edit/",
        {**EVENT, "title": "PP course (renamed)", "base_version": "2"},
    )
    assert response.status_code == 200
    assert "based on version 2" in " ".join(response.context["form"].non_field_errors())
    assert not Changeset.objects.exists()
    event.refresh_from_db()
    assert event.title == "PP course"


def test_edit_of_a_hidden_record_is_404(client, world):
    make_event(key="secret-run", host=world["iscn"], sensitivity="restricted")
    client.force_login(world["kim"])
    assert client.get("/contribute/training_event/secret-run/edit/").status_code == 404


def test_own_public_change_is_published_when_the_policy_allows(client, world):
    from nscap.institutions.models import TransparencyPolicy

    TransparencyPolicy.objects.create(institution=world["insa"], auto_approve_own_public=True)
    client.force_login(world["kim"])
    propose_event(client)
    assert Changeset.objects.get().status == "applied"
    assert TrainingEvent.objects.filter(host=world["insa"]).exists()


def test_course_and_claim_forms_propose_too(client, world):
    client.force_login(world["kim"])
    course = client.post(
        "/contribute/course/new/",
        {
            "title": "Insider threat",
            "provider": "insa",
            "kind": "training",
            "level": "basic",
            "sensitivity": "public",
        },
    )
    assert course.status_code == 302
    claim = client.post(
        "/contribute/collaboration_claim/new/",
        {
            "claimant": "insa",
            "partner": "iscn",
            "type": "seminar",
            "status": "done",
            "sensitivity": "public",
        },
    )
    assert claim.status_code == 302
    assert Changeset.objects.count() == 2


def test_institutions_are_typed_and_a_hidden_or_unknown_one_is_a_field_error(client, world):
    hidden = make_institution(key="hidden", name="Hidden Center", sensitivity="restricted")
    client.force_login(world["kim"])
    form = client.get("/contribute/collaboration_claim/new/").content.decode()
    assert 'list="id_partner-options"' in form and "Hidden Center" not in form
    claim = {"claimant": "INSA", "type": "seminar", "status": "done", "sensitivity": "public"}
    url = "/contribute/collaboration_claim/new/"
    for partner in (hidden.name, "Atlantis Institute"):
        response = client.post(url, {**claim, "partner": partner})
        assert response.status_code == 200
        assert "No center you can see" in response.context["form"].errors["partner"][0]
    assert not Changeset.objects.exists()
    response = client.post(url, {**claim, "partner": "ISCN"})
    assert response.status_code == 302
    assert Changeset.objects.get().changes.get().data["partner"] == "iscn"


def test_the_event_form_takes_a_course_by_title(client, world):
    make_course(key="pp-basic", provider=world["insa"], title="PP basics")
    client.force_login(world["kim"])
    form = client.get("/contribute/training_event/new/").content.decode()
    assert 'list="id_course-options"' in form and "<option" not in form.split("id_course")[1][:200]
    assert propose_event(client, course="Nowhere course").status_code == 200
    assert propose_event(client, course="pp basics").status_code == 302
    assert Changeset.objects.get().changes.get().data["course"] == "pp-basic"


# --- my changesets, withdraw ---------------------------------------------------------------------


def test_my_changesets_show_status_and_the_stewards_comment(client, world):
    client.force_login(world["kim"])
    propose_event(client)
    changeset = Changeset.objects.get()
    services.ask_for_more(world["stew"], changeset.pk, "Which course is this a run of?")
    page = client.get("/contribute/mine/")
    assert b"More asked of the author" in page.content
    assert b"Which course is this a run of?" in page.content


def test_withdraw_own_but_not_anothers(client, world):
    client.force_login(world["kim"])
    propose_event(client)
    changeset = Changeset.objects.get()
    client.force_login(world["sato"])
    assert client.post(f"/contribute/changesets/{changeset.pk}/withdraw/").status_code == 404
    assert client.get(f"/contribute/changesets/{changeset.pk}/").status_code == 404
    client.force_login(world["kim"])
    assert client.post(f"/contribute/changesets/{changeset.pk}/withdraw/").status_code == 302
    changeset.refresh_from_db()
    assert changeset.status == "withdrawn"


# --- the steward's queue -------------------------------------------------------------------------


def test_queue_is_for_stewards_only(client, world):
    client.force_login(world["kim"])
    assert client.get("/contribute/queue/").status_code == 403
    propose_event(client)
    changeset = Changeset.objects.get()
    response = client.post(
        f"/contribute/changesets/{changeset.pk}/review/", {"decision": "approve"}
    )
    assert response.status_code == 403
    changeset.refresh_from_db()
    assert changeset.status == "pending"


def test_queue_shows_a_readable_diff_and_sources_then_approve_publishes(client, world):
    event = make_event(key="pp-2024", title="PP course", host=world["insa"], city="Seoul")
    client.force_login(world["kim"])
    client.post(
        "/contribute/training_event/pp-2024/edit/",
        {**EVENT, "title": "PP course", "city": "Daejeon", "base_version": str(event.version)},
    )
    changeset = Changeset.objects.get()
    client.force_login(world["stew"])
    queue = client.get("/contribute/queue/")
    assert queue.status_code == 200
    assert [r["changeset"].pk for r in queue.context["rows"]] == [changeset.pk]
    detail = client.get(f"/contribute/changesets/{changeset.pk}/")  # one click from the row
    rows = detail.context["changes"][0]["rows"]
    assert ("City", "Seoul", "Daejeon") in rows  # fields by name, values by label (issue 15)
    assert ("Delivery mode", "Unknown", "In person") in rows
    assert b"Annual report 2024" in detail.content
    response = client.post(
        f"/contribute/changesets/{changeset.pk}/review/",
        {"decision": "approve", "comment": "Thanks"},
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.city == "Daejeon"
    assert HistoryEntry.objects.filter(record_key="pp-2024", action__endswith=".update").exists()


def test_stale_changeset_shows_the_conflict_and_approval_is_refused(client, world):
    event = make_event(key="pp-2024", title="PP course", host=world["insa"])
    client.force_login(world["kim"])
    client.post(
        "/contribute/training_event/pp-2024/edit/",
        {**EVENT, "title": "Renamed", "base_version": str(event.version)},
    )
    changeset = Changeset.objects.get()
    TrainingEvent.objects.filter(pk=event.pk).update(version=event.version + 1)
    client.force_login(world["stew"])
    detail = client.get(f"/contribute/changesets/{changeset.pk}/")
    assert b"changed since this changeset was made" in detail.content
    response = client.post(
        f"/contribute/changesets/{changeset.pk}/review/", {"decision": "approve"}, follow=True
    )
    assert b"nothing was applied" in response.content
    changeset.refresh_from_db()
    event.refresh_from_db()
    assert changeset.status == "pending" and event.title == "PP course"


def test_reject_and_ask_for_more(client, world):
    client.force_login(world["kim"])
    propose_event(client)
    propose_event(client, title="Second")
    first, second = Changeset.objects.order_by("id")
    client.force_login(world["stew"])
    client.post(
        f"/contribute/changesets/{first.pk}/review/", {"decision": "reject", "comment": "dup"}
    )
    empty = client.post(
        f"/contribute/changesets/{second.pk}/review/",
        {"decision": "ask", "comment": ""},
        follow=True,
    )
    assert b"say what is needed" in empty.content
    client.post(
        f"/contribute/changesets/{second.pk}/review/", {"decision": "ask", "comment": "Source?"}
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("rejected", "needs_more")


# --- history -------------------------------------------------------------------------------------


def test_history_shows_who_when_what_and_sources(client, world):
    client.force_login(world["kim"])
    propose_event(client)
    services.approve(world["stew"], Changeset.objects.get().pk)
    event = TrainingEvent.objects.get()
    client.logout()
    page = client.get(f"/contribute/history/training_event/{event.key}/")
    assert page.status_code == 200
    assert b"stew" in page.content and b"Annual report 2024" in page.content
    assert b"Daejeon" in page.content
    assert client.get(f"/courses/events/{event.key}/").content.count(b"History of this record") == 1


def test_history_of_a_hidden_record_is_404(client, world):
    make_event(key="secret-run", host=world["iscn"], sensitivity="restricted")
    assert client.get("/contribute/history/training_event/secret-run/").status_code == 404
    client.force_login(world["kim"])
    assert client.get("/contribute/history/training_event/secret-run/").status_code == 404
    client.force_login(world["sato"])
    assert client.get("/contribute/history/training_event/secret-run/").status_code == 200
    assert client.get("/contribute/history/nonsense/secret-run/").status_code == 404


def test_revert_proposes_the_inverse(client, world):
    event = make_event(key="pp-2024", title="PP course", host=world["insa"], city="Seoul")
    changeset = services.propose(
        world["stew"],
        [services.ProposedChange("update", "training_event", "pp-2024", {"city": "Busan"}, 1)],
    )
    entry = HistoryEntry.objects.get(changeset=changeset)
    client.force_login(world["kim"])
    url = f"/contribute/history/entries/{entry.pk}/revert/"
    response = client.post(url, {"reason": "It stayed in Seoul"})
    assert response.status_code == 302
    revert = Changeset.objects.exclude(pk=changeset.pk).get()
    assert revert.changes.get().data["city"] == "Seoul"
    client.logout()
    assert client.post(url, {"reason": "again"}).status_code == 302  # to sign in
    assert Changeset.objects.count() == 2
    event.refresh_from_db()
    assert event.city == "Busan"


# --- confirmation --------------------------------------------------------------------------------


def test_partner_confirms_a_claim_about_it(client, world):
    claim = make_claim(key="insa-iscn-seminar", claimant=world["insa"], partner=world["iscn"])
    client.force_login(world["sato"])
    page = client.get("/contribute/confirmations/")
    assert b"insa-iscn-seminar" in page.content
    response = client.post(
        "/contribute/confirmations/insa-iscn-seminar/",
        {"answer": "confirmed", "comment": "Yes, in 2015"},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.confirmation == "confirmed"


def test_claimant_cannot_confirm_its_own_claim(client, world):
    claim = make_claim(key="insa-iscn-seminar", claimant=world["insa"], partner=world["iscn"])
    client.force_login(world["kim"])
    assert b"insa-iscn-seminar" not in client.get("/contribute/confirmations/").content
    response = client.post("/contribute/confirmations/insa-iscn-seminar/", {"answer": "confirmed"})
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.confirmation == "claimed"


def test_dispute_needs_a_comment(client, world):
    claim = make_claim(key="insa-iscn-seminar", claimant=world["insa"], partner=world["iscn"])
    client.force_login(world["sato"])
    response = client.post(
        "/contribute/confirmations/insa-iscn-seminar/", {"answer": "disputed"}, follow=True
    )
    assert b"say what is wrong" in response.content
    claim.refresh_from_db()
    assert claim.confirmation == "claimed"
    assert CollaborationClaim.objects.get().confirmation == "claimed"
