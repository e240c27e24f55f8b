"""Users of every role the registry knows, for tests: one call builds the whole cast.

The cast is three public institutions A, B and C; A and C share a network (so C's members are
A's network peers), B belongs to no network. Its users are: a contributor of A, a contributor
of B, an admin of A, a contributor of C (the network member), a steward, a superuser, a
deactivated former contributor of A, and a contributor of A whose only API token is revoked.
A's transparency policy publishes its contributors' changes to its own public records without
review; B's does not.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group

from nscap.accounts.choices import AffiliationRole, TokenScope
from nscap.accounts.models import Affiliation
from nscap.accounts.tokens import create_token, revoke_token
from nscap.core.visibility import STEWARDS_GROUP
from nscap.institutions.models import Institution, TransparencyPolicy
from nscap.testing.factories import make_institution, make_membership, make_network

ROLES: tuple[str, ...] = (
    "visitor",
    "contributor_a",
    "contributor_b",
    "admin_a",
    "network_member",
    "steward",
    "superuser",
    "deactivated",
    "revoked_token",
)

PASSWORD = "a-long-test-password-9"  # noqa: S105 - test-only password
_counter = itertools.count(1)


def make_user(
    username: str | None = None,
    *,
    institution: Institution | None = None,
    role: str = AffiliationRole.CONTRIBUTOR,
    steward: bool = False,
    superuser: bool = False,
    active: bool = True,
) -> Any:
    """A user, optionally affiliated with ``institution`` (as contributor or admin) or a steward."""
    user_model = get_user_model()
    username = username or f"user-{next(_counter)}"
    if superuser:
        user = user_model.objects.create_superuser(username, f"{username}@example.org", PASSWORD)
    else:
        user = user_model.objects.create_user(username, f"{username}@example.org", PASSWORD)
    if institution is not None:
        Affiliation.objects.create(user=user, institution=institution, role=role)
    if steward:
        user.groups.add(Group.objects.get_or_create(name=STEWARDS_GROUP)[0])
    if not active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    return user


def make_steward(username: str | None = None) -> Any:
    """A member of the stewards group (the neutral third party)."""
    return make_user(username, steward=True)


@dataclass
class Cast:
    """The institutions and the user of each role; ``actor(role)`` is who the services see."""

    a: Institution
    b: Institution
    c: Institution
    network: Any
    users: dict[str, Any]
    revoked_token_text: str
    write_tokens: dict[str, str] = field(default_factory=dict)

    def user(self, role: str) -> Any:
        """The Django user behind ``role`` (visitor: an AnonymousUser)."""
        return self.users[role]

    def actor(self, role: str) -> Any:
        """Who a service call acts as: a revoked token authenticates nobody (a visitor)."""
        if role == "revoked_token":
            from nscap.accounts.tokens import authenticate_token

            token = authenticate_token(self.revoked_token_text)
            return token.user if token is not None else AnonymousUser()
        return self.users[role]


def make_cast(prefix: str = "") -> Cast:
    """Build the cast described in this module's docstring (keys ``<prefix>inst-a`` ...)."""
    a = make_institution(key=f"{prefix}inst-a", name=f"{prefix}Institution A")
    b = make_institution(key=f"{prefix}inst-b", name=f"{prefix}Institution B", country="KR")
    c = make_institution(key=f"{prefix}inst-c", name=f"{prefix}Institution C", country="CN")
    network = make_network(key=f"{prefix}net-ac", name=f"{prefix}Network of A and C")
    make_membership(key=f"{prefix}member-a", network=network, institution=a)
    make_membership(key=f"{prefix}member-c", network=network, institution=c)
    TransparencyPolicy.objects.create(institution=a, auto_approve_own_public=True)
    TransparencyPolicy.objects.create(institution=b, auto_approve_own_public=False)
    name = f"{prefix.replace('-', '')}"
    users: dict[str, Any] = {
        "visitor": AnonymousUser(),
        "contributor_a": make_user(f"{name}contributor-a", institution=a),
        "contributor_b": make_user(f"{name}contributor-b", institution=b),
        "admin_a": make_user(f"{name}admin-a", institution=a, role=AffiliationRole.ADMIN),
        "network_member": make_user(f"{name}member-c", institution=c),
        "steward": make_steward(f"{name}steward"),
        "superuser": make_user(f"{name}superuser", superuser=True),
        "deactivated": make_user(f"{name}deactivated", institution=a, active=False),
        "revoked_token": make_user(f"{name}token-holder", institution=a),
    }
    token, text = create_token(users["revoked_token"], "revoked", TokenScope.WRITE)
    revoke_token(token)
    write_tokens = {
        role: create_token(users[role], "matrix", TokenScope.WRITE)[1]
        for role in ("contributor_a", "contributor_b", "admin_a", "network_member", "steward")
    }
    return Cast(a, b, c, network, users, text, write_tokens)
