"""Canary leak tests: every planted string stays out of every body and header of every response
to anyone who may not see it, and every count is the count of what the viewer may see.

For each role the test walks the pages and API endpoints that show records (lists, details,
search, filters, citations, the collaboration page, figures, sources, home counts, history,
changesets, export once it exists) and looks for the canaries policy.py says the role must not
see. The same walk must find the canaries the role may see, so the test can fail both ways.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from nscap.testing.roles import ROLES
from permissions.policy import OWNERS, PENDING_AUTHOR, SENSITIVITIES, may_see
from permissions.world import World, history_paths

pytestmark = pytest.mark.django_db

WEB_PAGES = [
    "/",
    "/institutions/",
    "/institutions/?q=zq",
    "/courses/",
    "/collaboration/",
    "/networks/",
    "/needs/",
    "/figures/",
    "/sources/",
    "/contribute/",
    "/contribute/mine/",
    "/contribute/queue/",
    "/contribute/confirmations/",
]
API_LISTS = [
    "/api/institutions?limit=500",
    "/api/institutions?q=zq&limit=500",
    "/api/institutions/resolve?q=zq&limit=50",
    "/api/center-profiles?limit=500",
    "/api/milestones?limit=500",
    "/api/courses?limit=500",
    "/api/events?limit=500",
    "/api/collaboration-claims?limit=500",
    "/api/aggregate-claims?limit=500",
    "/api/networks?limit=500",
    "/api/memberships?limit=500",
    "/api/quantities?limit=500",
    "/api/sources?limit=500",
    "/api/citations?limit=500",
    "/api/changesets?limit=500",
    # Collaboration analytics: claim keys and the keys of claims made back (issue 13).
    "/api/analytics/collaboration",
    "/api/analytics/collaboration/edges",
    "/api/analytics/collaboration/unplaced",
]
EXPORT_CANDIDATES = [
    "/api/export?format=jsonl",
    "/api/export?format=jsonld",
    "/api/export?format=csv",
    "/api/export?format=xlsx",
    "/data/export?format=jsonl",
    "/data/export?format=xlsx",
]
CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
# API list path -> the canary kind it lists (a canary's text starts with "zq-<kind>-").
COUNTED = {
    "/api/events": "ev",
    "/api/courses": "course",
    "/api/collaboration-claims": "claim",
    "/api/aggregate-claims": "aggregate",
    "/api/milestones": "milestone",
    "/api/sources": "source",
    "/api/quantities": "figure",
}


def _resolves(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path.split("?", 1)[0])
    except Resolver404:
        return False
    return True


def _paths(world: World) -> list[tuple[str, str, str]]:
    """(channel, path, key the path itself names or ""): everything the walk requests."""
    cast = world.cast
    paths = [("web", p, "") for p in WEB_PAGES if _resolves(p)]
    for institution in (cast.a, cast.b, cast.c):
        paths += [
            ("web", f"/institutions/{institution.key}/", ""),
            ("web", f"/accounts/institutions/{institution.key}/transparency/", ""),
            ("api", f"/api/institutions/{institution.key}", ""),
            ("web", f"/courses/?provider={institution.key}", ""),
            ("api", f"/api/events?host={institution.key}&limit=500", ""),
            ("api", f"/api/courses?provider={institution.key}&limit=500", ""),
        ]
    paths += [
        ("web", f"/networks/{cast.network.key}/", ""),
        ("api", f"/api/networks/{cast.network.key}", ""),
    ]
    paths += [("api", p, "") for p in API_LISTS]
    paths += [("api", p, "") for p in EXPORT_CANDIDATES if _resolves(p)]
    for path, key in world.detail_paths:
        paths.append(("api" if path.startswith("/api/") else "web", path, key))
    for key in world.event_keys.values():
        paths += [(channel, path, key) for channel, path in history_paths("training_event", key)]
    for changeset_id in [*world.changesets.values(), *world.pending_updates]:
        paths.append(("api", f"/api/changesets/{changeset_id}", ""))
        if _resolves(f"/contribute/changesets/{changeset_id}/"):
            paths.append(("web", f"/contribute/changesets/{changeset_id}/", ""))
    return [p for p in paths if _resolves(p[1])]


def _walk(world: World, role: str) -> tuple[list[tuple[str, str, str]], dict[str, dict]]:
    """(responses as (path, text with headers, key named), JSON of the API lists)."""
    seen, lists = [], {}
    for channel, path, key in _paths(world):
        clients = (
            [world.api_clients[role], world.clients[role]]
            if channel == "api"
            else [world.clients[role]]
        )
        for client in clients:
            response = client.get(path)
            assert response.status_code < 500, f"{path} as {role}: {response.status_code}"
            headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
            text = headers + "\n" + _text(response.content)
            seen.append((path, text, key))
            if (
                client is world.api_clients[role]
                and response.status_code == 200
                and path.split("?")[0] in COUNTED
                and "host=" not in path
                and "provider=" not in path
            ):
                lists[path.split("?")[0]] = response.json()
    return seen, lists


def _text(content: bytes) -> str:
    """A response body as text; a zip (XLSX, zipped CSVs) as the text of all its members."""
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return content.decode("utf-8", "replace")


def _without(text: str, key: str) -> str:
    """A response's text less the key its own request named: a 404 that repeats the key the
    caller gave does not leak it."""
    return text.replace(key, "") if key else text


@pytest.fixture(scope="module")
def walks(world_once: World, django_db_blocker) -> dict[str, tuple]:
    """One walk per role, shared by the tests below (reads only)."""
    with django_db_blocker.unblock():
        return {role: _walk(world_once, role) for role in ROLES}


@pytest.mark.parametrize("role", ROLES)
def test_no_canary_reaches_anyone_who_may_not_see_it(world: World, walks, role: str):
    seen, _ = walks[role]
    hidden = [c for c in world.canaries if c.hidden_from(role)]
    assert hidden or role in ("steward", "superuser")
    leaks = [
        (c.text, path) for path, text, key in seen for c in hidden if c.text in _without(text, key)
    ]
    assert not leaks, f"{role} was shown {len(leaks)} hidden canaries, e.g. {leaks[:5]}"


@pytest.mark.parametrize("role", ROLES)
def test_the_walk_finds_what_the_role_may_see(world: World, walks, role: str):
    seen, _ = walks[role]
    everything = "\n".join(_without(text, key) for _, text, key in seen)
    missing = [
        c.text
        for c in world.canaries
        if c.state == "published" and not c.hidden_from(role) and c.text not in everything
    ]
    assert not missing, f"{role} should see {missing}"
    for owner in OWNERS:
        if role in ("steward", "superuser", PENDING_AUTHOR[owner]):
            assert f"zq-pending-note-{owner}" in everything, f"{role}: own/queued pending change"


@pytest.mark.parametrize("role", [r for r in ROLES if r != "revoked_token"])
def test_counts_are_counts_of_what_the_role_may_see(world: World, walks, role: str):
    _, lists = walks[role]
    for path, kind in COUNTED.items():
        want = sum(
            may_see(role, owner, sensitivity) for owner in OWNERS for sensitivity in SENSITIVITIES
        )
        assert lists[path]["count"] == want, f"{path} as {role}"
        keys = {item["key"] for item in lists[path]["items"]}
        assert all(key.startswith(f"zq-{kind}-") for key in keys), path


@pytest.mark.parametrize("role", [r for r in ROLES if r != "revoked_token"])
def test_home_counts_are_counts_of_what_the_role_may_see(world: World, role: str):
    response = world.clients[role].get("/")
    assert response.status_code == 200
    counts = response.context["counts"]
    visible = [
        (owner, sensitivity)
        for owner in OWNERS
        for sensitivity in SENSITIVITIES
        if may_see(role, owner, sensitivity)
    ]
    assert counts["courses"] == len(visible)
    assert counts["claims"] == len(visible)
    assert counts["institutions"] == 3 + len(visible)  # A, B, C and the published family


def test_revoked_token_is_refused_on_every_api_path(world: World, walks):
    seen, lists = walks["revoked_token"]
    assert lists == {}  # no API list answered it


@pytest.mark.parametrize("role", ROLES)
def test_a_hidden_record_answers_exactly_like_one_that_never_existed(world: World, role: str):
    """No existence oracle: status, headers and body match those for a made-up key."""
    hidden = [
        key
        for (owner, sensitivity, state), key in world.event_keys.items()
        if state == "published" and not may_see(role, owner, sensitivity)
    ]
    for key in hidden:
        made_up = "zz" + key[2:]  # same length, never existed
        for clients, pattern in (
            (world.api_clients, "/api/events/{}"),
            (world.clients, "/courses/events/{}/"),
            (world.clients, "/contribute/history/training_event/{}/"),
            (world.clients, "/contribute/training_event/{}/edit/"),
        ):
            if not _resolves(pattern.format(key)):
                continue
            answers = []
            for name in (key, made_up):
                response = clients[role].get(pattern.format(name))
                headers = sorted(
                    (k, v.replace(name, "KEY"))
                    for k, v in response.headers.items()
                    if k.lower() not in ("date", "set-cookie")
                )
                body = CSRF_VALUE.sub("csrf", response.content.decode().replace(name, "KEY"))
                answers.append((response.status_code, headers, body))
            assert answers[0] == answers[1], f"{pattern.format(key)} as {role}"


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("visitor", "revoked_token")])
@pytest.mark.parametrize("export_format", ["jsonl", "csv", "jsonld"])
def test_cli_export_for_a_user_holds_only_what_they_may_see(
    world: World, tmp_path, role: str, export_format: str
):
    """`nscap export --user NAME` is one more way out: the same canaries stay hidden."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    output = tmp_path / f"export.{export_format}"
    user = world.cast.user(role)
    if role == "deactivated":
        with pytest.raises(CommandError, match="deactivated"):
            call_command("export", format=export_format, user=user.username, output=str(output))
        assert not output.exists() or not output.read_bytes()
        return
    call_command("export", format=export_format, user=user.username, output=str(output))
    text = _text(output.read_bytes())
    leaked = [c.text for c in world.canaries if c.hidden_from(role) and c.text in text]
    assert not leaked, f"{role}: {leaked}"
    for key, canary in world.event_keys.items():
        owner, sensitivity, state = key
        if state == "published":
            assert (canary in text) == may_see(role, owner, sensitivity), canary
