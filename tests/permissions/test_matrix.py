"""The permission matrix: role x action x owner x sensitivity x state, against policy.py.

Reads go through the real HTTP routes (web pages with a session, the API with a token); writes
through the services, the write API (token) and the web forms (session), imports through the
importer and the upload page. Each case asks policy.expected() what must happen and checks
that the route or service does exactly that. Datasette's parametrized permission tables are
the model: one row per case, one oracle.

Size: 9 roles x 6 read actions x 2 owners x 3 sensitivities x 3 states = 972 read cases, and
9 x 7 write actions x 18 = 1,134 write cases on up to three channels = 3,240: 4,212 in all.

A new endpoint joins by adding its request to ``_read_requests`` (a read) or a channel to
``test_write`` (a write), and its rule, if it differs, to policy.expected().
"""

from __future__ import annotations

from typing import Any

import pytest

from nscap.activities.models import TrainingEvent
from nscap.contributions import services
from nscap.contributions.choices import ChangesetStatus
from nscap.contributions.errors import AlreadyReviewed, Invalid, NotAllowed, NotFound
from nscap.contributions.models import Changeset, HistoryEntry
from nscap.contributions.services import ProposedChange
from permissions.policy import (
    ALREADY_REVIEWED,
    APPLIED,
    EITHER,
    HIDDEN,
    INVALID,
    NOT_ALLOWED,
    NOT_FOUND,
    PENDING,
    READ_ACTIONS,
    SHOWN,
    WRITE_ACTIONS,
    cases,
    expected,
    may_contribute,
    new_owner,
    new_record,
    new_sensitivity,
)
from permissions.world import World, event_title, history_paths

pytestmark = pytest.mark.django_db

READ_CASES = cases(READ_ACTIONS)
WRITE_CASES = cases(WRITE_ACTIONS)
CHANNELS = ("service", "api", "web")
NO_ROUTE = {("api", "import")}  # imports are uploaded on the web or run by the CLI
WRITE_PARAMS = [
    (channel, *case)
    for case in WRITE_CASES
    for channel in CHANNELS
    if (channel, case[1]) not in NO_ROUTE
]


def _resolves(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def _id(case: Any) -> str:
    return "-".join(case) if isinstance(case, tuple) else str(case)


# -- reads -----------------------------------------------------------------------------------


def _read_requests(world: World, action: str, owner: str, sensitivity: str, state: str):
    """(channel, path, needle): the needle is in the body exactly when the target is shown."""
    event = world.event_keys[(owner, sensitivity, state)]
    title = event_title(event)
    host = getattr(world.cast, owner).key
    if action == "list":
        return [("api", "/api/events?limit=500", title), ("web", "/courses/", title)]
    if action == "detail":
        return [("api", f"/api/events/{event}", title), ("web", f"/courses/events/{event}/", title)]
    if action == "filter":
        return [
            ("api", f"/api/events?host={host}&limit=500", title),
            ("web", f"/courses/?provider={host}", title),
        ]
    if action == "search":
        institution = world.institution_keys[(owner, sensitivity, state)]
        return [
            ("api", f"/api/institutions?q={institution}&limit=500", f'"key": "{institution}"'),
            ("api", f"/api/institutions/resolve?q={institution}", f'"key": "{institution}"'),
            ("web", f"/institutions/?q={institution}", f'href="/institutions/{institution}/"'),
        ]
    if action == "export":
        if not _resolves("/api/export") or not _resolves("/data/export"):
            pytest.skip("no export routes yet")
        return [
            ("api", "/api/export?format=jsonl&type=training_event", title),
            ("api", "/api/export?format=csv&type=training_event", title),
            ("web", "/data/export?format=jsonld&type=training_event", title),
        ]
    if action == "history":
        paths = history_paths("training_event", event)
        if not paths:
            pytest.skip("no history route yet (contributions history page or API)")
        return [(channel, path, title) for channel, path in paths]
    raise ValueError(action)


_RESPONSES: dict[tuple[int, str, str, str], tuple[int, str]] = {}


def _get(world: World, channel: str, role: str, path: str) -> tuple[int, str]:
    """GET ``path`` as ``role``; a read answers the same to every case that asks it, so each
    (world, channel, role, path) is requested once per module."""
    cache_key = (id(world), channel, role, path)
    if cache_key not in _RESPONSES:
        clients = world.api_clients if channel == "api" else world.clients
        response = clients[role].get(path)
        _RESPONSES[cache_key] = (response.status_code, response.content.decode())
    return _RESPONSES[cache_key]


@pytest.mark.parametrize(("role", "action", "owner", "sensitivity", "state"), READ_CASES, ids=_id)
def test_read(world: World, role: str, action: str, owner: str, sensitivity: str, state: str):
    want = expected(role, action, owner, sensitivity, state)
    for channel, path, needle in _read_requests(world, action, owner, sensitivity, state):
        status, body = _get(world, channel, role, path)
        where = f"{channel} {path} as {role}"
        if channel == "api" and role == "revoked_token":
            # A revoked token is refused outright, never read as a visitor.
            assert status == 401, where
            assert "revoked" in body, where
        elif want == SHOWN:
            assert status == 200, where
            assert needle in body, f"{where}: {needle!r} should be shown"
        elif want == HIDDEN:
            assert needle not in body, f"{where}: {needle!r} leaked"
            if action in ("detail", "history"):
                assert status == 404, where
            else:
                assert status == 200, where
        else:
            assert want == EITHER
            assert status in (200, 404), where


# -- writes ----------------------------------------------------------------------------------


def _owner_or_sensitivity(world: World, role: str, action: str, owner: str, sensitivity: str):
    """The values of a "repoint" or "restrict" by ``role`` (policy.new_owner / new_sensitivity)."""
    if action == "repoint":
        return {"host": getattr(world.cast, new_owner(role, owner)).key}
    return {"sensitivity": new_sensitivity(sensitivity)}


def _change(
    world: World, action: str, owner: str, sensitivity: str, state: str, role: str = ""
) -> ProposedChange:
    key = world.event_keys[(owner, sensitivity, state)]
    if action in ("repoint", "restrict"):
        values = _owner_or_sensitivity(world, role, action, owner, sensitivity)
        return ProposedChange("update", "training_event", key=key, values=values)
    if action == "create":
        values = {
            "key": key,
            "host": getattr(world.cast, owner).key,
            "title": "Created in the matrix",
            "sensitivity": sensitivity,
        }
        return ProposedChange("create", "training_event", values=values)
    if action == "update":
        return ProposedChange("update", "training_event", key=key, values={"note": "edited"})
    return ProposedChange("delete", "training_event", key=key)


def _service_outcome(world: World, role: str, action: str, target: tuple) -> tuple[str, Any]:
    actor = world.cast.actor(role)
    try:
        if action == "approve":
            changeset = services.approve(actor, world.changesets[target], "ok")
        elif action == "import":
            importer = pytest.importorskip("nscap.interchange.importer")
            result = importer.run_import(actor, "training_event.csv", _import_file(world, target))
            if not result.plan.ok:
                return INVALID, None
            changeset = result.changeset
        else:
            changeset = services.propose(actor, [_change(world, action, *target, role)])
    except NotAllowed:
        return NOT_ALLOWED, None
    except NotFound:
        return NOT_FOUND, None
    except AlreadyReviewed:
        return ALREADY_REVIEWED, None
    except Invalid:
        return INVALID, None
    return {ChangesetStatus.APPLIED: APPLIED, ChangesetStatus.PENDING: PENDING}[
        changeset.status
    ], changeset


def _import_file(world: World, target: tuple) -> bytes:
    """A one-row CSV of training events naming the target's key (an update or a create)."""
    owner, sensitivity, _ = target
    key = world.event_keys[target]
    host = getattr(world.cast, owner).key
    return (
        "key,host,title,sensitivity,note\r\n"
        f"{key},{host},Imported in the matrix,{sensitivity},imported\r\n"
    ).encode()


API_STATUS = {
    APPLIED: (200, 201),
    PENDING: (202,),
    NOT_FOUND: (404,),
    INVALID: (422,),
    ALREADY_REVIEWED: (409,),
}


def _api_expected(role: str, action: str, owner: str, sensitivity: str, state: str) -> str:
    """The write API has no rule of its own: its owner and sensitivity rules are the
    services' (contributions.rules), the same for every channel."""
    return expected(role, action, owner, sensitivity, state)


def _api_request(world: World, role: str, action: str, target: tuple):
    client = world.api_clients[role]
    if action == "approve":
        return client.post(
            f"/api/changesets/{world.changesets[target]}/approve",
            {"comment": "ok"},
            content_type="application/json",
        )
    change = _change(world, action, *target, role)
    if action == "create":
        return client.post("/api/events", change.values, content_type="application/json")
    if action in ("update", "repoint", "restrict"):
        return client.patch(
            f"/api/events/{change.key}", change.values, content_type="application/json"
        )
    return client.delete(f"/api/events/{change.key}")


def _web_expected(role: str, action: str, owner: str, sensitivity: str, state: str) -> str:
    """The web form has no key field: a create always makes a new record, whatever the state."""
    if action == "create":
        return new_record(role, owner, sensitivity) if may_contribute(role) else NOT_ALLOWED
    return expected(role, action, owner, sensitivity, state)


def _web_outcome(world: World, role: str, action: str, target: tuple) -> str:
    """Post the web form (or the review form) and read the outcome from what was written."""
    client = world.clients[role]
    owner, sensitivity, _ = target
    if action == "import":
        from django.core.files.uploadedfile import SimpleUploadedFile

        if not _resolves("/data/import/"):
            pytest.skip("no import page yet")
        newest = Changeset.objects.order_by("-pk").values_list("pk", flat=True).first()
        upload = SimpleUploadedFile("training_event.csv", _import_file(world, target), "text/csv")
        response = client.post("/data/import/", {"file": upload, "record_type": "training_event"})
        if response.status_code == 200 and response.context and response.context.get("token"):
            response = client.post(f"/data/import/{response.context['token']}/submit/")
        made = Changeset.objects.filter(pk__gt=newest or 0).first()
        before, after = None, made.status if made else None
        if response.status_code == 422:
            return INVALID
    elif action == "approve":
        changeset_id = world.changesets[target]
        before = Changeset.objects.get(pk=changeset_id).status
        response = client.post(
            f"/contribute/changesets/{changeset_id}/review/",
            {"decision": "approve", "comment": "ok"},
        )
        after = Changeset.objects.get(pk=changeset_id).status
    else:
        key = world.event_keys[target]
        current = TrainingEvent.objects.filter(key=key).first()
        data = {
            "title": "Written on the web",
            "host": getattr(world.cast, owner).key,
            "delivery_mode": "unknown",
            "participants_qualifier": "exact",
            "sensitivity": sensitivity,
            "note": "edited",
            "base_version": current.version if current else 1,
        }
        if action == "delete":
            data["delete"] = "1"
        if action in ("repoint", "restrict"):
            data.update(_owner_or_sensitivity(world, role, action, owner, sensitivity))
        path = (
            "/contribute/training_event/new/"
            if action == "create"
            else f"/contribute/training_event/{key}/edit/"
        )
        newest = Changeset.objects.order_by("-pk").values_list("pk", flat=True).first()
        response = client.post(path, data)
        made = Changeset.objects.filter(pk__gt=newest or 0).first()
        before, after = None, made.status if made else None
    if response.status_code == 302 and "/accounts/sign-in/" in response["Location"]:
        return NOT_ALLOWED
    if response.status_code == 403:
        return NOT_ALLOWED
    if response.status_code == 404:
        return NOT_FOUND
    if after == ChangesetStatus.APPLIED and before != ChangesetStatus.APPLIED:
        return APPLIED
    if action == "approve":
        return ALREADY_REVIEWED if after == before else f"unexpected {after}"
    if after == ChangesetStatus.PENDING:
        return PENDING
    return INVALID if response.status_code == 200 else f"unexpected {response.status_code}"


@pytest.mark.parametrize(
    ("channel", "role", "action", "owner", "sensitivity", "state"), WRITE_PARAMS, ids=_id
)
def test_write(
    world: World, channel: str, role: str, action: str, owner: str, sensitivity: str, state: str
):
    target = (owner, sensitivity, state)
    changesets, history = Changeset.objects.count(), HistoryEntry.objects.count()
    if channel == "service":
        want = expected(role, action, *target)
        got, changeset = _service_outcome(world, role, action, target)
        assert got == want
    elif channel == "web":
        want = _web_expected(role, action, *target)
        assert _web_outcome(world, role, action, target) == want
        changeset = None
    else:
        want = _api_expected(role, action, *target)
        response = _api_request(world, role, action, target)
        if want == NOT_ALLOWED:
            # Nobody signed in (or a revoked token): 401; signed in without the right: 403.
            refused = (401,) if role in ("visitor", "deactivated", "revoked_token") else (403,)
            assert response.status_code in refused, response.content
        else:
            assert response.status_code in API_STATUS[want], response.content
        changeset = None
    if want == APPLIED:
        assert HistoryEntry.objects.count() == history + 1  # every applied write leaves history
    else:
        assert HistoryEntry.objects.count() == history
    if want in (NOT_ALLOWED, NOT_FOUND, INVALID, ALREADY_REVIEWED):
        assert Changeset.objects.count() == changesets  # a refusal writes nothing
    if changeset is not None and want == APPLIED:
        assert HistoryEntry.objects.filter(changeset=changeset).exists()


def test_matrix_size():
    """The number of cases, for the report: reads + writes on three channels."""
    assert len(READ_CASES) == 9 * 6 * 2 * 3 * 3
    assert len(WRITE_PARAMS) == 9 * 2 * 3 * 3 * (6 * 3 + 2)


def test_a_deactivated_users_token_is_refused_not_read_as_a_visitor(world: World):
    from django.test import Client

    from nscap.accounts.tokens import create_token

    user = world.cast.user("deactivated")
    _, text = create_token(user, "before deactivation", "write")
    client = Client(headers={"authorization": f"Bearer {text}"})
    for path in ("/api/events", f"/api/events/{world.event_keys[('a', 'public', 'published')]}"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert "deactivated" in response.json()["detail"]
    response = client.post(
        "/api/events",
        {"host": world.cast.a.key, "title": "x"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert not Changeset.objects.filter(author=user).exists()
