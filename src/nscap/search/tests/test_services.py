"""The index follows every write of the changeset services: create, update, delete, an
institution's change reaching its courses, and the same through the write API."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import AnonymousUser

from nscap.accounts.choices import TokenScope
from nscap.accounts.tokens import create_token
from nscap.contributions import services
from nscap.contributions.models import HistoryEntry
from nscap.contributions.services import ProposedChange
from nscap.search.models import SearchEntry
from nscap.search.selectors import ranked, start
from nscap.search.services import rebuild_index
from nscap.testing.factories import make_institution
from nscap.testing.roles import make_steward, make_user

VISITOR = AnonymousUser()


def found(text: str, user=VISITOR) -> set[str]:
    return {entry.key for entry in ranked(start(text, user))}


def apply(steward, *changes: ProposedChange) -> None:
    """A steward's changeset, applied at once."""
    assert services.propose(steward, list(changes)).status == "applied"


@pytest.mark.django_db
def test_create_update_and_delete_through_the_services_keep_the_index(steward):
    host = make_institution(key="host", name="Host", country="JP")
    rebuild_index()
    values = {"key": "gd-1", "provider": "host", "title": "Gadolinium safeguards"}
    apply(steward, ProposedChange("create", "course", values=values))
    assert HistoryEntry.objects.filter(record_key="gd-1", action__endswith=".create").exists()
    assert found("gadolinium") == {"gd-1"}
    entry = SearchEntry.objects.get(key="gd-1")
    assert (entry.record_type, entry.country) == ("course", host.country)

    update = ProposedChange(
        "update", "course", key="gd-1", values={"title": "Hafnium safeguards"}, base_version=1
    )
    apply(steward, update)
    assert found("gadolinium") == set()
    assert found("hafnium") == {"gd-1"}

    apply(steward, ProposedChange("delete", "course", key="gd-1", base_version=2))
    assert found("hafnium") == set()
    assert not SearchEntry.objects.filter(key="gd-1").exists()


@pytest.mark.django_db
def test_an_institutions_new_country_reaches_its_courses(steward):
    make_institution(key="host", name="Host", country="JP")
    apply(
        steward,
        ProposedChange(
            "create", "course", values={"key": "c1", "provider": "host", "title": "Osmium basics"}
        ),
    )
    apply(
        steward,
        ProposedChange(
            "update", "institution", key="host", values={"country": "KR"}, base_version=1
        ),
    )
    assert SearchEntry.objects.get(key="c1").country == "KR"
    assert SearchEntry.objects.get(key="host", record_type="institution").country == "KR"


@pytest.mark.django_db
def test_a_restricted_record_written_by_a_member_is_found_by_members_only(client):
    owner = make_institution(key="owner", name="Owner")
    member = make_user("member", institution=owner)
    other = make_user("other", institution=make_institution(key="other", name="Other"))
    _, token = create_token(member, "write", TokenScope.WRITE)
    body = {
        "key": "ev-iridium",
        "host": "owner",
        "title": "Iridium drill",
        "sensitivity": "restricted",
    }
    response = client.post(
        "/api/events",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 202, response.json()  # restricted: waits for a steward
    assert found("iridium", member) == set()  # nothing applied, nothing indexed yet
    services.approve(make_steward("reviewer"), response.json()["id"])
    assert found("iridium", member) == {"ev-iridium"}
    assert found("iridium", other) == set()
    assert found("iridium") == set()


@pytest.mark.django_db
def test_did_you_mean_learns_the_words_of_a_new_record(steward):
    from nscap.search.suggestions import did_you_mean

    make_institution(key="host", name="Host", country="JP")
    rebuild_index()
    assert did_you_mean("berylium", VISITOR) == []  # and the vocabulary is now cached
    values = {"key": "be-1", "provider": "host", "title": "Beryllium handling"}
    apply(steward, ProposedChange("create", "course", values=values))
    assert "beryllium" in did_you_mean("berylium", VISITOR)
