"""Stored record versions are shown as the record's API representation is (issue 12, 3-6):
history pages, changesets (page and API), edit-form initial values and revert through
``contributions.redaction``; the guard over every route and record type is
``tests/permissions/test_redaction.py``."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nscap.accounts.models import Affiliation
from nscap.contributions import services
from nscap.contributions.errors import ContributionError
from nscap.contributions.models import Changeset, HistoryEntry
from nscap.contributions.record_types import RECORD_TYPES
from nscap.contributions.redaction import Redaction, redact_snapshot
from nscap.core.visibility import STEWARDS_GROUP
from nscap.testing.factories import (
    make_course,
    make_event,
    make_institution,
    make_membership,
    make_network,
)

pytestmark = pytest.mark.django_db
EVENT = RECORD_TYPES["training_event"]


def _user(django_user_model, name, institution=None, steward=False):
    person = django_user_model.objects.create_user(name, password="a-long-test-password-9")
    if institution is not None:
        Affiliation.objects.create(user=person, institution=institution)
    if steward:
        person.groups.add(Group.objects.get_or_create(name=STEWARDS_GROUP)[0])
    return person


@pytest.fixture
def world(django_user_model):
    """INSA's public event names ISCN's restricted course, ISCN as reporter and partner, and
    ISCN's restricted report of the same event (all written by a steward)."""
    insa = make_institution(key="insa", name="INSA")
    iscn = make_institution(key="iscn-secret", name="ISCN", sensitivity="restricted")
    make_course(key="hidden-course", provider=iscn, sensitivity="restricted")
    make_event(key="hidden-report", host=iscn, sensitivity="restricted")
    stew = _user(django_user_model, "stew", steward=True)
    services.propose(
        stew,
        [
            services.ProposedChange(
                "create",
                "training_event",
                values={
                    "key": "open-run",
                    "host": "insa",
                    "title": "Open run",
                    "course": "hidden-course",
                    "reported_by": "iscn-secret",
                    "same_as": "hidden-report",
                    "partners": [{"institution": "iscn-secret", "role": "funder"}],
                },
            )
        ],
    )
    return {
        "insa": insa,
        "iscn": iscn,
        "stew": stew,
        "kim": _user(django_user_model, "kim", insa),
        "sato": _user(django_user_model, "sato", iscn),
    }


HIDDEN = (b"hidden-course", b"iscn-secret", b"hidden-report")


def _history_as(client, viewer, key: str):
    """The history page of event ``key`` as ``viewer`` (None: a visitor)."""
    client.logout()
    if viewer is not None:
        client.force_login(viewer)
    return client.get(f"/contribute/history/training_event/{key}/")


def test_history_shows_no_key_of_a_hidden_record(client, world):
    """Finding 3: the history page showed course, partners, reported_by and same_as keys."""
    for viewer in (None, world["kim"]):
        page = _history_as(client, viewer, "open-run")
        assert page.status_code == 200 and b"Open run" in page.content
        assert not [key for key in HIDDEN if key in page.content]
    page = _history_as(client, world["sato"], "open-run")  # ISCN's member sees ISCN's records
    assert all(key in page.content for key in HIDDEN)


def test_changeset_api_redacts_before_data_and_diff_for_the_proposer(client, world):
    """Finding 4: the proposer's changeset answered the full record, hidden keys included."""
    changeset = services.propose(
        world["kim"],
        [services.ProposedChange("update", "training_event", "open-run", {"city": "Daejeon"})],
    )
    assert changeset.changes.get().data["course"] == "hidden-course"  # stored whole
    client.force_login(world["kim"])
    answer = client.get(f"/api/changesets/{changeset.pk}")
    assert answer.status_code == 200
    change = answer.json()["changes"][0]
    assert not [key for key in HIDDEN if key in answer.content]
    assert change["data"]["course"] is None and change["before"]["same_as"] is None
    assert change["data"]["partners"] == [] and change["data"]["city"] == "Daejeon"
    assert change["diff"] == [{"field": "city", "before": "", "after": "Daejeon"}]
    assert change["withheld"] is False
    page = client.get(f"/contribute/changesets/{changeset.pk}/")
    assert b"Daejeon" in page.content and not [k for k in HIDDEN if k in page.content]
    client.force_login(world["stew"])  # the steward reviews the whole change
    assert all(key in client.get(f"/api/changesets/{changeset.pk}").content for key in HIDDEN)


def test_edit_form_leaves_a_hidden_link_empty_and_hidden_list_items_out(client, world):
    """Finding 5: the edit form pre-filled <input name="course" value="hidden-course">."""
    client.force_login(world["kim"])
    form = client.get("/contribute/training_event/open-run/edit/")
    assert form.status_code == 200
    initial = form.context["form"].initial
    assert initial["course"] == "" and initial["same_as"] == "" and initial["partners"] == []
    assert not [key for key in HIDDEN if key in form.content]
    client.force_login(world["sato"])
    assert client.get("/contribute/training_event/open-run/edit/").context["form"].initial[
        "course"
    ] == ("hidden-course")


def _restricted_then_public(world) -> None:
    services.propose(
        world["stew"],
        [
            services.ProposedChange(
                "create",
                "training_event",
                values={
                    "key": "once-secret",
                    "host": "insa",
                    "title": "Once secret",
                    "city": "Old-City-Secret",
                    "note": "old-note-secret",
                    "sensitivity": "restricted",
                },
            )
        ],
    )
    for values in (
        {"city": "Still-Secret-City"},
        {"city": "Daejeon", "note": "", "sensitivity": "public"},
    ):
        services.propose(
            world["stew"],
            [services.ProposedChange("update", "training_event", "once-secret", values)],
        )


def test_making_a_record_public_does_not_publish_its_restricted_past(client, world):
    """Finding 6: the old note and city of a once-restricted event were shown to visitors."""
    _restricted_then_public(world)
    past = (b"Old-City-Secret", b"old-note-secret", b"Still-Secret-City")
    for viewer in (None, world["sato"]):
        page = _history_as(client, viewer, "once-secret")
        assert page.status_code == 200 and b"Daejeon" in page.content
        assert not [text for text in past if text in page.content]
        assert page.content.count(b"not visible to you") >= 2  # said, not silently dropped
        assert not [r for r in page.context["rows"] if r["revertable"] and r["withheld"]]
    page = _history_as(client, world["kim"], "once-secret")  # INSA's member saw it then
    assert all(text in page.content for text in past)


def test_revert_of_a_version_the_user_may_not_see_is_refused(client, world):
    _restricted_then_public(world)
    entry = HistoryEntry.objects.filter(record_key="once-secret").order_by("-id").first()
    client.force_login(world["sato"])  # may contribute, may see the event, not its past
    response = client.post(f"/contribute/history/entries/{entry.pk}/revert/", {"reason": "x"})
    assert response.status_code == 400 and b"Old-City-Secret" not in response.content
    assert response.context["withheld"]
    assert not Changeset.objects.filter(author=world["sato"]).exists()


def test_a_version_is_judged_by_the_sensitivity_and_owner_it_had(world, django_user_model):
    network = make_network(key="net")
    peer = make_institution(key="peer")
    for institution in (world["insa"], peer):
        make_membership(network=network, institution=institution)
    values = {"key": "x", "host": "insa", "title": "T", "sensitivity": "network"}
    peer_member = _user(django_user_model, "peer-member", peer)
    outsider = _user(django_user_model, "outsider", make_institution(key="elsewhere"))
    assert redact_snapshot(EVENT, values, peer_member) is not None
    assert redact_snapshot(EVENT, values, outsider) is None
    assert redact_snapshot(EVENT, values, AnonymousUser()) is None
    assert redact_snapshot(EVENT, {**values, "sensitivity": "public"}, outsider) is not None
    # Shown through a hidden host: hidden whatever its own sensitivity.
    hidden_host = {**values, "sensitivity": "public", "host": "iscn-secret"}
    assert redact_snapshot(EVENT, hidden_host, outsider) is None
    assert redact_snapshot(EVENT, {**values, "sensitivity": "unheard-of"}, peer_member) is None
    assert redact_snapshot(EVENT, values, world["stew"]) == values


def test_a_long_history_costs_one_visibility_query_per_linked_type(client, world):
    for n in range(25):
        services.propose(
            world["stew"],
            [services.ProposedChange("update", "training_event", "open-run", {"city": f"C{n}"})],
        )
    redaction = Redaction(AnonymousUser())
    entries = list(HistoryEntry.objects.filter(record_key="open-run"))
    with CaptureQueriesContext(connection) as queries:
        redaction.load(EVENT, [v for e in entries for v in (e.before, e.after)])
        for entry in entries:
            redaction.redact(EVENT, entry.after)
    # course, institution, training_event (topics and target groups are empty here)
    assert len(queries) == 3
    with CaptureQueriesContext(connection) as few:
        client.get("/contribute/history/training_event/open-run/")
    for n in range(25):
        services.propose(
            world["stew"],
            [services.ProposedChange("update", "training_event", "open-run", {"city": f"D{n}"})],
        )
    with CaptureQueriesContext(connection) as many:
        client.get("/contribute/history/training_event/open-run/")
    assert len(many) == len(few)  # 51 entries cost what 26 did


def test_the_author_of_a_create_sees_the_values_it_proposed_at_any_sensitivity(client, world):
    values = {"key": "new-secret-center", "name": "New secret center", "kind": "university"}
    changeset = services.propose(
        world["kim"],
        [
            services.ProposedChange(
                "create",
                "institution",
                values={**values, "sensitivity": "restricted"},
            )
        ],
    )
    client.force_login(world["kim"])
    change = client.get(f"/api/changesets/{changeset.pk}").json()["changes"][0]
    assert change["data"]["name"] == "New secret center" and change["withheld"] is False
    client.force_login(world["sato"])  # not the author: 404 as for any changeset not theirs
    assert client.get(f"/api/changesets/{changeset.pk}").status_code == 404


def test_the_revert_services_refuse_a_version_the_user_may_not_see(world):
    _restricted_then_public(world)
    entry = HistoryEntry.objects.filter(record_key="once-secret").order_by("-id").first()
    with pytest.raises(ContributionError, match="not visible to you"):
        services.revert(world["sato"], entry)
    with pytest.raises(ContributionError, match="not visible to you"):
        services.revert_changeset(world["sato"], entry.changeset_id)
    assert services.revert(world["kim"], entry).changes.get().data["city"] == "Still-Secret-City"
