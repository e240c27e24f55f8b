"""The data the permission tests run against, built once per module through the write path.

For each owner (A, B) x sensitivity (public, network, restricted) x state (pending, published,
deleted) there is a training event and an institution (the search target) whose key is a unique
canary string; published and deleted ones were written by a steward through changesets (so
they have history), pending ones wait in a changeset by the owner's contributor. Published
courses, collaboration and aggregate claims, milestones, sources, citations and figures carry
canaries too, as does a pending update of each owner's public event.

"Owner A" for an institution record means one of A's family: its members are A's members and
it is in A's network, so the sensitivity rules read the same as for A's events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product
from typing import Any

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from nscap.accounts.choices import AffiliationRole, TokenScope
from nscap.accounts.models import Affiliation
from nscap.accounts.tokens import create_token
from nscap.activities.models import AggregateClaim, TrainingEvent
from nscap.contributions import services
from nscap.contributions.services import ProposedChange
from nscap.institutions.models import Institution, Milestone, TransparencyPolicy
from nscap.testing.factories import (
    cite,
    make_course,
    make_membership,
    make_quantity,
    make_source,
)
from nscap.testing.roles import ROLES, Cast, make_cast
from permissions.policy import (
    HIDDEN,
    OWNERS,
    PENDING_AUTHOR,
    SENSITIVITIES,
    STATES,
    may_see,
    sees_pending,
)

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
TWO_FACTOR_ROLES = ("steward", "superuser", "admin_a")
OTHER_KINDS = ("course", "claim", "aggregate", "milestone", "source", "citation", "figure")


@dataclass(frozen=True)
class Canary:
    """A unique string planted in one record or change, and who must never see it."""

    text: str
    owner: str
    sensitivity: str
    state: str

    def hidden_from(self, role: str) -> bool:
        if self.state == "pending":
            return sees_pending(role, self.owner) == HIDDEN
        return not may_see(role, self.owner, self.sensitivity)


@dataclass
class World:
    cast: Cast
    clients: dict[str, Client]
    api_clients: dict[str, Client]
    event_keys: dict[tuple[str, str, str], str] = field(default_factory=dict)
    institution_keys: dict[tuple[str, str, str], str] = field(default_factory=dict)
    changesets: dict[tuple[str, str, str], int] = field(default_factory=dict)
    canaries: list[Canary] = field(default_factory=list)
    detail_paths: list[tuple[str, str]] = field(default_factory=list)  # (path, key it names)
    pending_updates: list[int] = field(default_factory=list)  # changeset ids

    def plant(self, text: str, owner: str, sensitivity: str, state: str) -> str:
        self.canaries.append(Canary(text, owner, sensitivity, state))
        return text


def event_key(owner: str, sensitivity: str, state: str) -> str:
    return f"zq-ev-{owner}-{sensitivity}-{state}"


def institution_key(owner: str, sensitivity: str, state: str) -> str:
    return f"zq-in-{owner}-{sensitivity}-{state}"


def event_title(key: str) -> str:
    return f"Title of {key}"


def _create(author: Any, record_type: str, values: dict) -> Any:
    return services.propose(author, [ProposedChange("create", record_type, values=values)])


def _delete(author: Any, record_type: str, key: str) -> Any:
    return services.propose(author, [ProposedChange("delete", record_type, key=key)])


def _client(user: Any | None, *, verified: bool = False, token: str = "") -> Client:
    client = Client(headers={"authorization": f"Bearer {token}"} if token else None)
    if user is not None:
        client.force_login(user, backend=MODEL_BACKEND)
        if verified:  # a signed-in steward or admin has passed the second factor
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
    return client


def _clients(cast: Cast) -> tuple[dict[str, Client], dict[str, Client]]:
    """Web clients use sessions; API clients use write tokens (the revoked one for its role)."""
    web: dict[str, Client] = {}
    api: dict[str, Client] = {}
    for role in ROLES:
        user = None if role in ("visitor", "revoked_token") else cast.user(role)
        web[role] = _client(user, verified=role in TWO_FACTOR_ROLES)
        if role == "revoked_token":
            web[role] = _client(None, token=cast.revoked_token_text)
            api[role] = web[role]
        elif role in ("visitor", "deactivated"):
            api[role] = web[role]  # no token: a visitor, or a session that no longer counts
        else:
            text = (
                cast.write_tokens.get(role)
                or create_token(cast.user(role), "matrix", TokenScope.WRITE)[1]
            )
            api[role] = _client(None, token=text)
    return web, api


def _family(world: World, steward: Any) -> None:
    """Institutions owned (as family) by A and B: the targets of search."""
    cast = world.cast
    members = {"a": ("contributor_a", "admin_a", "deactivated"), "b": ("contributor_b",)}
    for owner, sensitivity, state in product(OWNERS, SENSITIVITIES, STATES):
        key = world.plant(institution_key(owner, sensitivity, state), owner, sensitivity, state)
        world.institution_keys[(owner, sensitivity, state)] = key
        values = {
            "key": key,
            "name": f"Name {key}",
            "kind": "university",
            "sensitivity": sensitivity,
        }
        if state == "pending":
            _create(cast.user(PENDING_AUTHOR[owner]), "institution", values)
            continue
        _create(steward, "institution", values)
        if state == "deleted":
            _delete(steward, "institution", key)
            continue
        institution = Institution.objects.get(key=key)
        for role in members[owner]:
            role_name = AffiliationRole.ADMIN if role == "admin_a" else AffiliationRole.CONTRIBUTOR
            Affiliation.objects.create(
                user=cast.user(role), institution=institution, role=role_name
            )
        if owner == "a":
            make_membership(key=f"m-{key}", network=cast.network, institution=institution)
        world.detail_paths += [(f"/institutions/{key}/", key), (f"/api/institutions/{key}", key)]


def _events(world: World, steward: Any) -> None:
    cast = world.cast
    for owner, sensitivity, state in product(OWNERS, SENSITIVITIES, STATES):
        key = world.plant(event_key(owner, sensitivity, state), owner, sensitivity, state)
        world.event_keys[(owner, sensitivity, state)] = key
        host = getattr(cast, owner).key
        values = {"key": key, "host": host, "title": event_title(key), "sensitivity": sensitivity}
        author = cast.user(PENDING_AUTHOR[owner]) if state == "pending" else steward
        changeset = _create(author, "training_event", values)
        if state == "deleted":
            changeset = _delete(steward, "training_event", key)
        world.changesets[(owner, sensitivity, state)] = changeset.pk
        world.detail_paths += [(f"/courses/events/{key}/", key), (f"/api/events/{key}", key)]
    for owner in OWNERS:  # a pending edit of a public record: its new values wait too
        note = world.plant(f"zq-pending-note-{owner}", owner, "public", "pending")
        pending = services.propose(
            cast.user(PENDING_AUTHOR[owner]),
            [
                ProposedChange(
                    "update",
                    "training_event",
                    key=event_key(owner, "public", "published"),
                    values={"note": note},
                )
            ],
        )
        world.pending_updates.append(pending.pk)


def _other_records(world: World) -> None:
    """Published records of every other kind, one per owner x sensitivity."""
    cast = world.cast
    for owner, sensitivity in product(OWNERS, SENSITIVITIES):
        institution = getattr(cast, owner)

        def canary(kind: str, owner: str = owner, sensitivity: str = sensitivity) -> str:
            return world.plant(f"zq-{kind}-{owner}-{sensitivity}", owner, sensitivity, "published")

        course = make_course(key=canary("course"), provider=institution, sensitivity=sensitivity)
        # Through the write path, so the partner gets a confirmation request.
        claim_key = canary("claim")
        _create(
            world.cast.user("steward"),
            "collaboration_claim",
            {
                "key": claim_key,
                "claimant": institution.key,
                "partner": cast.c.key,
                "type": "seminar",
                "sensitivity": sensitivity,
            },
        )

        aggregate = AggregateClaim.objects.create(
            key=canary("aggregate"),
            claimant=institution,
            description=f"Aggregate {owner} {sensitivity}",
            sensitivity=sensitivity,
        )
        milestone = Milestone.objects.create(
            key=canary("milestone"),
            institution=institution,
            kind="established",
            description=f"Milestone {owner} {sensitivity}",
            sensitivity=sensitivity,
        )
        source = make_source(key=canary("source"), owner=institution, sensitivity=sensitivity)
        public_event = TrainingEvent.objects.get(key=event_key(owner, "public", "published"))
        cite(public_event, source, locator=canary("citation"))
        figure = make_quantity(
            key=canary("figure"),
            institution=institution,
            description=f"Figure {owner} {sensitivity}",
            sensitivity=sensitivity,
        )
        world.detail_paths += [
            (f"/courses/{course.key}/", course.key),
            (f"/api/courses/{course.key}", course.key),
            (f"/api/collaboration-claims/{claim_key}", claim_key),
            (f"/api/aggregate-claims/{aggregate.key}", aggregate.key),
            (f"/api/milestones/{milestone.key}", milestone.key),
            (f"/sources/{source.key}/", source.key),
            (f"/api/sources/{source.key}", source.key),
            (f"/api/quantities/{figure.key}", figure.key),
        ]


def build_world() -> World:
    """Everything above; A's auto-approval is off while the pending changes are proposed."""
    cast = make_cast()
    web, api = _clients(cast)
    world = World(cast=cast, clients=web, api_clients=api)
    steward = cast.user("steward")
    TransparencyPolicy.objects.filter(institution=cast.a).update(auto_approve_own_public=False)
    _family(world, steward)
    _events(world, steward)
    _other_records(world)
    TransparencyPolicy.objects.filter(institution=cast.a).update(auto_approve_own_public=True)
    for user in cast.users.values():  # affiliations changed: drop per-user caches
        for cached in ("_nscap_viewer_institutions", "_nscap_is_steward"):
            if hasattr(user, cached):
                delattr(user, cached)
    return world


HISTORY_CANDIDATES = (
    ("web", "/contribute/history/{record_type}/{key}/"),
    ("api", "/api/history/{record_type}/{key}"),
    ("api", "/api/events/{key}/history"),
)


def history_paths(record_type: str, key: str) -> list[tuple[str, str]]:
    """The history routes that exist (the contribution UI names one; the API may add one)."""
    from django.urls import Resolver404, resolve

    found = []
    for channel, pattern in HISTORY_CANDIDATES:
        path = pattern.format(record_type=record_type, key=key)
        try:
            resolve(path)
        except Resolver404:
            continue
        found.append((channel, path))
    return found
