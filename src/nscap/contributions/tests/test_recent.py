"""Recent changes (issue 16): the page ``/changes/`` and ``GET /api/changes`` list only the
changes of records the viewer may see, even as counts; filters and pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from nscap.accounts.models import Affiliation
from nscap.contributions import services
from nscap.contributions.models import HistoryEntry
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


def _event(key: str, host: str, sensitivity: str = "public") -> services.ProposedChange:
    values = {"key": key, "title": f"Course {key}", "host": host, "sensitivity": sensitivity}
    return services.ProposedChange("create", "training_event", values=values)


@pytest.fixture
def world(django_user_model):
    """INSA's restricted event (made by kim, approved, then deleted by the steward) and ISCN's
    public one (made by sato, approved)."""
    insa = make_institution(key="insa", name="INSA", country="KR")
    iscn = make_institution(key="iscn", name="ISCN", country="JP")
    people = {
        "kim": _user(django_user_model, "kim", insa),
        "sato": _user(django_user_model, "sato", iscn),
        "stew": _user(django_user_model, "stew", steward=True),
    }
    secret = services.propose(people["kim"], [_event("secret-run", "insa", "restricted")])
    services.approve(people["stew"], secret.pk)
    public = services.propose(people["sato"], [_event("open-day", "iscn")])
    services.approve(people["stew"], public.pk)
    return people


def _page(client, viewer, query: str = ""):
    client.logout()
    if viewer is not None:
        client.force_login(viewer)
    return client.get(f"/changes/{query}")


def _api(client, viewer, query: str = ""):
    client.logout()
    if viewer is not None:
        client.force_login(viewer)
    return client.get(f"/api/changes{query}")


def _keys(rows) -> set[str]:
    return {row["entry"].record_key for row in rows}


@pytest.mark.parametrize(
    "viewer, sees_secret", [(None, False), ("sato", False), ("kim", True), ("stew", True)]
)
def test_a_restricted_records_changes_show_only_to_who_may_see_it(
    client, world, viewer, sees_secret
):
    person = world.get(viewer) if viewer else None
    page = _page(client, person)
    assert page.status_code == 200
    expected = {"open-day", "secret-run"} if sees_secret else {"open-day"}
    assert _keys(page.context["rows"]) == expected
    assert page.context["page"].paginator.count == len(expected)  # not even as a count
    assert (b"secret-run" in page.content) is sees_secret
    answer = _api(client, person).json()
    assert {item["record_key"] for item in answer["items"]} == expected
    assert answer["count"] == len(expected)


@pytest.mark.parametrize(
    "viewer, sees_secret", [(None, False), ("sato", False), ("kim", True), ("stew", True)]
)
def test_a_deleted_records_changes_show_as_it_was_seen_when_deleted(
    client, world, viewer, sees_secret
):
    create = HistoryEntry.objects.get(record_key="secret-run")
    services.revert(world["stew"], create, comment="gone")
    person = world.get(viewer) if viewer else None
    rows = _page(client, person).context["rows"]
    secret = [row for row in rows if row["entry"].record_key == "secret-run"]
    assert [row["verb"] for row in secret] == (["delete", "create"] if sees_secret else [])
    answer = _api(client, person, "?action=delete").json()
    assert answer["count"] == (1 if sees_secret else 0)


def test_filters_narrow_the_changes(client, world):
    stew = world["stew"]
    assert _keys(_page(client, stew, "?institution=iscn").context["rows"]) == {"open-day"}
    assert _keys(_page(client, stew, "?actor=kim").context["rows"]) == {"secret-run"}
    assert _keys(_page(client, stew, "?record_type=institution").context["rows"]) == set()
    assert _keys(_page(client, stew, "?action=update").context["rows"]) == set()
    assert _keys(_page(client, stew, "?since=2000-01-01").context["rows"]) == {
        "open-day",
        "secret-run",
    }
    assert _keys(_page(client, stew, "?until=2000-01-01").context["rows"]) == set()
    answer = _api(client, stew, "?actor=sato&record_type=training_event").json()
    assert [item["record_key"] for item in answer["items"]] == ["open-day"]
    item = answer["items"][0]
    assert (item["author"], item["reviewer"], item["action"]) == ("sato", "stew", "create")
    assert item["after"]["host"] == "iscn"


def test_an_institution_filter_does_not_reveal_hidden_changes(client, world):
    assert _keys(_page(client, world["sato"], "?institution=insa").context["rows"]) == set()
    assert _api(client, None, "?institution=insa").json()["count"] == 0


def test_bad_filters_are_named_not_a_500(client, world):
    page = _page(client, None, "?since=yesterday&action=explode")
    assert page.status_code == 200
    assert set(page.context["form"].errors) == {"since", "action"}
    assert page.context["rows"] == []
    backwards = _page(client, None, "?since=2024-05-02&until=2024-05-01")
    assert "until" in backwards.context["form"].errors
    assert _api(client, None, "?since=yesterday").status_code in (400, 422)
    assert _api(client, None, "?colour=red").status_code == 400


def test_changes_come_a_page_at_a_time(client, world):
    stew = world["stew"]
    services.propose(stew, [_event(f"ev-{n:02}", "iscn") for n in range(55)])
    first = _page(client, stew)
    assert first.context["page"].paginator.count == 57
    assert len(first.context["rows"]) == 50 and first.context["page"].has_next()
    second = _page(client, stew, "?record_type=training_event&page=2")
    assert len(second.context["rows"]) == 7
    assert b"record_type=training_event&amp;page=1" in second.content
    answer = _api(client, stew, "?limit=20&offset=40").json()
    assert answer["count"] == 57 and len(answer["items"]) == 17


def test_a_page_costs_the_same_queries_whatever_its_length(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.propose(world["stew"], [_event(f"ev-{n:02}", "iscn") for n in range(10)])
    client.force_login(world["sato"])
    client.get("/changes/")  # the session's first use
    with CaptureQueriesContext(connection) as few:
        assert len(client.get("/changes/").context["rows"]) == 11
    services.propose(world["stew"], [_event(f"more-{n:02}", "insa") for n in range(40)])
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/changes/").context["rows"]) == 50
    assert len(many) == len(few)
