"""Safe revert and undelete (issue 16, finding 1) and credit in the history (finding 2).

A revert is confirmed on a page that shows what changes and takes a required reason; another
institution's record waits for a steward; a deleted record's history stays readable to those
who could see it and the record can be restored from there, history and all.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from nscap.accounts.models import Affiliation
from nscap.activities.models import TrainingEvent
from nscap.contributions import reverting, services
from nscap.contributions.choices import ChangesetStatus
from nscap.contributions.errors import Invalid
from nscap.contributions.models import Changeset, HistoryEntry
from nscap.core.visibility import STEWARDS_GROUP
from nscap.testing.factories import make_institution

pytestmark = pytest.mark.django_db


def _user(django_user_model, name, institution=None, steward=False):
    person = django_user_model.objects.create_user(name, password="a-long-test-password-9")
    if institution is not None:
        Affiliation.objects.create(user=person, institution=institution, role="contributor")
    if steward:
        person.groups.add(Group.objects.get_or_create(name=STEWARDS_GROUP)[0])
    return person


@pytest.fixture
def world(django_user_model):
    insa = make_institution(key="insa", name="INSA", country="KR")
    iscn = make_institution(key="iscn", name="ISCN", country="JP")
    return {
        "insa": insa,
        "kim": _user(django_user_model, "kim", insa),
        "sato": _user(django_user_model, "sato", iscn),
        "stew": _user(django_user_model, "stew", steward=True),
    }


def _event(key: str, sensitivity: str = "public", **values) -> services.ProposedChange:
    return services.ProposedChange(
        "create",
        "training_event",
        values={
            "key": key,
            "title": f"Course {key}",
            "host": "insa",
            "city": "Seoul",
            "sensitivity": sensitivity,
            **values,
        },
    )


def _created_by_kim(world, key: str, sensitivity: str = "public") -> HistoryEntry:
    """kim proposes, the steward approves: the create entry."""
    changeset = services.propose(world["kim"], [_event(key, sensitivity)], comment="ours")
    services.approve(world["stew"], changeset.pk, "fine")
    return HistoryEntry.objects.get(changeset=changeset)


def _moved_to_busan(world, key: str) -> HistoryEntry:
    changeset = services.propose(
        world["stew"],
        [services.ProposedChange("update", "training_event", key, {"city": "Busan"}, 1)],
    )
    return HistoryEntry.objects.get(changeset=changeset)


# --- confirmation and reason ---------------------------------------------------------------------


def test_revert_asks_for_confirmation_and_a_reason(client, world):
    _created_by_kim(world, "pp-2024")
    entry = _moved_to_busan(world, "pp-2024")
    client.force_login(world["kim"])
    url = f"/contribute/history/entries/{entry.pk}/revert/"
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["rows"] == [("City", "Busan", "Seoul")]  # what will change
    assert not Changeset.objects.filter(author=world["kim"]).exclude(comment="ours").exists()
    refused = client.post(url, {"reason": "   "})
    assert refused.status_code == 400
    assert refused.context["form"].errors["reason"]
    assert TrainingEvent.objects.get(key="pp-2024").city == "Busan"
    assert Changeset.objects.count() == 2  # nothing proposed
    done = client.post(url, {"reason": "The course stayed in Seoul"})
    assert done.status_code == 302
    revert = Changeset.objects.latest("id")
    assert revert.comment == "The course stayed in Seoul"
    assert revert.changes.get().data["city"] == "Seoul"


def test_the_service_refuses_a_revert_without_a_reason(world):
    _created_by_kim(world, "pp-2024")
    entry = _moved_to_busan(world, "pp-2024")
    with pytest.raises(Invalid) as refused:
        reverting.revert_entry(world["stew"], entry, "")
    assert refused.value.errors[0]["field"] == "reason"
    assert TrainingEvent.objects.get(key="pp-2024").city == "Busan"


def test_a_revert_of_another_institutions_record_waits_for_a_steward(client, world):
    _created_by_kim(world, "pp-2024")
    entry = _moved_to_busan(world, "pp-2024")
    client.force_login(world["sato"])
    client.post(f"/contribute/history/entries/{entry.pk}/revert/", {"reason": "wrong city"})
    proposal = Changeset.objects.get(author=world["sato"])
    assert proposal.status == ChangesetStatus.PENDING
    assert TrainingEvent.objects.get(key="pp-2024").city == "Busan"
    services.approve(world["stew"], proposal.pk)
    assert TrainingEvent.objects.get(key="pp-2024").city == "Seoul"


def test_the_confirmation_of_a_hidden_record_is_404(client, world):
    entry = _created_by_kim(world, "secret", sensitivity="restricted")
    client.force_login(world["sato"])
    url = f"/contribute/history/entries/{entry.pk}/revert/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert TrainingEvent.objects.filter(key="secret").exists()
    client.logout()
    assert client.get(url).status_code == 302  # sign in first


# --- undelete ------------------------------------------------------------------------------------


def test_revert_of_a_create_then_restore_brings_the_record_back_with_its_history(client, world):
    create = _created_by_kim(world, "pp-2024")
    client.force_login(world["stew"])
    preview = client.get(f"/contribute/history/entries/{create.pk}/revert/").context["rows"]
    assert ("City", "Seoul", "—") in preview
    assert all(old != "—" and new == "—" for _field, old, new in preview)  # what goes
    client.post(f"/contribute/history/entries/{create.pk}/revert/", {"reason": "duplicate"})
    assert not TrainingEvent.objects.filter(key="pp-2024").exists()
    history = client.get("/contribute/history/training_event/pp-2024/")
    assert history.status_code == 200 and history.context["deletion"] is not None
    assert b"Restore this record" in history.content
    url = "/contribute/history/training_event/pp-2024/restore/"
    page = client.get(url)
    assert ("City", "—", "Seoul") in page.context["rows"]
    assert client.post(url, {"reason": ""}).status_code == 400
    assert not TrainingEvent.objects.filter(key="pp-2024").exists()
    assert client.post(url, {"reason": "not a duplicate after all"}).status_code == 302
    event = TrainingEvent.objects.get(key="pp-2024")
    assert (event.city, event.host.key) == ("Seoul", "insa")
    history = client.get("/contribute/history/training_event/pp-2024/")
    assert [row["verb"] for row in history.context["rows"]] == ["create", "delete", "create"]
    assert history.context["deletion"] is None
    restore = Changeset.objects.latest("id")
    assert restore.comment == "not a duplicate after all"
    assert HistoryEntry.objects.filter(changeset=restore, record_key="pp-2024").exists()


def test_a_deleted_records_history_is_readable_to_those_who_could_see_it(client, world):
    create = _created_by_kim(world, "secret", sensitivity="restricted")
    services.revert(world["stew"], create, comment="gone")
    url = "/contribute/history/training_event/secret/"
    assert client.get(url).status_code == 404
    client.force_login(world["sato"])
    assert client.get(url).status_code == 404
    assert client.get(f"{url}restore/").status_code == 404
    assert client.post(f"{url}restore/", {"reason": "mine now"}).status_code == 404
    client.force_login(world["kim"])
    assert client.get(url).status_code == 200
    client.force_login(world["stew"])
    assert client.get(url).status_code == 200
    assert not TrainingEvent.objects.filter(key="secret").exists()


def test_a_contributors_restore_of_a_restricted_record_waits_for_a_steward(client, world):
    create = _created_by_kim(world, "secret", sensitivity="restricted")
    services.revert(world["stew"], create, comment="gone")
    client.force_login(world["kim"])
    client.post("/contribute/history/training_event/secret/restore/", {"reason": "ours"})
    proposal = Changeset.objects.latest("id")
    assert proposal.author == world["kim"] and proposal.status == ChangesetStatus.PENDING
    assert not TrainingEvent.objects.filter(key="secret").exists()
    services.approve(world["stew"], proposal.pk)
    assert TrainingEvent.objects.get(key="secret").sensitivity == "restricted"


def test_a_record_that_exists_is_not_restored(world):
    _created_by_kim(world, "pp-2024")
    with pytest.raises(Exception, match="No deleted record"):
        reverting.restore(world["stew"], "training_event", "pp-2024", "why not")
    with pytest.raises(Exception, match="No deleted record"):
        reverting.restore(world["stew"], "nonsense", "pp-2024", "why not")


# --- credit --------------------------------------------------------------------------------------


def test_history_credits_the_author_and_the_reviewer_with_both_times(client, world):
    _created_by_kim(world, "pp-2024")
    changeset = Changeset.objects.get(author=world["kim"])
    page = client.get("/contribute/history/training_event/pp-2024/")
    credit = page.context["rows"][0]["credit"]
    assert (credit.author, credit.reviewer) == (world["kim"], world["stew"])
    assert credit.proposed_at == changeset.created_at
    assert credit.reviewed_at == changeset.reviewed_at and credit.reviewed_at >= credit.proposed_at
    text = page.content.decode()
    assert "proposed by kim" in text and "approved by stew" in text
    assert changeset.created_at.strftime("%Y-%m-%d %H:%M") in text


def test_a_change_applied_at_once_says_it_had_no_review(client, world):
    _created_by_kim(world, "pp-2024")
    _moved_to_busan(world, "pp-2024")
    page = client.get("/contribute/history/training_event/pp-2024/")
    credit = page.context["rows"][0]["credit"]
    assert (credit.author, credit.reviewer) == (world["stew"], None)
    assert "published without review" in page.content.decode()
