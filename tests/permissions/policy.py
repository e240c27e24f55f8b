"""The permission policy in one table: who may see and do what, as the tests expect it.

This is the oracle of the permission matrix (test_matrix.py) and the canary leak tests
(test_canaries.py). It is written from the rules of issue 3 and DESIGN.md, not from the code:

- public records are seen by everyone; stewards and superusers see everything;
- a network record by signed-in members of any institution sharing a network with its owner;
- a restricted record only by its owner institution's members;
- a deactivated user and a revoked token are nobody (a visitor); so is anyone signed out;
- a pending change is seen by no one but stewards and its author (its institution's colleagues
  may or may not see it; the tests do not pin that down);
- a deleted record is listed and shown to no one; its history keeps the old values, which
  only those who could see the record may ever see;
- anyone affiliated (and stewards) may propose; a contributor's change to its own institution's
  public record applies at once when that institution's policy says so (A: yes, B: no);
  anything else waits for a steward; stewards' changes apply at once; only stewards review,
  never their own changeset, and never one already reviewed;
- a record's owner and sensitivity are changed only by stewards (at once) and by members of
  its owner (never at once); anyone else is refused (issue 12, finding 1: "repoint" moves the
  record to the actor's institution, or away from it when it is theirs; "restrict" flips it
  between restricted and public).

The cast (nscap.testing.roles): institutions A, B, C; A and C share a network, B is alone.
"""

from __future__ import annotations

from itertools import product

from nscap.testing.roles import ROLES

OWNERS = ("a", "b")
SENSITIVITIES = ("public", "network", "restricted")
STATES = ("pending", "published", "deleted")
READ_ACTIONS = ("list", "detail", "search", "filter", "history", "export")
WRITE_ACTIONS = ("create", "update", "delete", "approve", "import", "repoint", "restrict")

# What each role is to the registry.
MEMBER_OF: dict[str, frozenset[str]] = {
    "contributor_a": frozenset({"a"}),
    "admin_a": frozenset({"a"}),
    "contributor_b": frozenset({"b"}),
    "network_member": frozenset({"c"}),
}
NETWORK_PEERS: dict[str, frozenset[str]] = {
    "a": frozenset({"a", "c"}),
    "b": frozenset({"b"}),
    "c": frozenset({"a", "c"}),
}
AUTO_APPROVE_OWN_PUBLIC = {"a": True, "b": False, "c": False}
SEES_ALL = frozenset({"steward", "superuser"})
NOBODY = frozenset({"visitor", "deactivated", "revoked_token"})
# Who proposed each pending change in the world (the contributor of its owner).
PENDING_AUTHOR = {"a": "contributor_a", "b": "contributor_b"}

# Outcomes.
SHOWN, HIDDEN, EITHER = "shown", "hidden", "either"
APPLIED, PENDING, NOT_ALLOWED, NOT_FOUND = "applied", "pending", "not_allowed", "not_found"
ALREADY_REVIEWED, INVALID = "already_reviewed", "invalid"


def institutions_of(role: str) -> frozenset[str]:
    return MEMBER_OF.get(role, frozenset())


def may_see(role: str, owner: str, sensitivity: str) -> bool:
    """May ``role`` see a published record of ``owner`` at ``sensitivity``?"""
    if role in SEES_ALL:
        return True
    if sensitivity == "public":
        return True
    own = institutions_of(role)
    if sensitivity == "network":
        return any(owner in NETWORK_PEERS[mine] for mine in own)
    return owner in own


def may_contribute(role: str) -> bool:
    return role not in NOBODY


def sees_pending(role: str, owner: str) -> str:
    """SHOWN, HIDDEN or EITHER: may ``role`` see a change of ``owner`` that waits for review?"""
    if role in SEES_ALL or role == PENDING_AUTHOR[owner]:
        return SHOWN
    if owner in institutions_of(role):
        return EITHER  # a colleague of the author
    return HIDDEN


def new_record(role: str, owner: str, sensitivity: str) -> str:
    """What proposing a new or changed record of (owner, sensitivity) by ``role`` leads to."""
    if not may_contribute(role):
        return NOT_ALLOWED
    if role in SEES_ALL:
        return APPLIED
    own = owner in institutions_of(role)
    if own and sensitivity == "public" and AUTO_APPROVE_OWN_PUBLIC[owner]:
        return APPLIED
    return PENDING


def expected(role: str, action: str, owner: str, sensitivity: str, state: str) -> str:
    """The outcome of ``action`` by ``role`` on the record of (owner, sensitivity, state).

    Reads answer SHOWN / HIDDEN / EITHER (allowed, but the route may choose); writes answer
    with the service's outcome. ``state`` is the target record's: a pending record exists only
    in its changeset, a deleted one only in history.
    """
    visible = may_see(role, owner, sensitivity)
    if action in ("list", "detail", "search", "filter", "export"):
        return SHOWN if state == "published" and visible else HIDDEN
    if action == "history":
        if state == "pending":
            return HIDDEN
        if state == "deleted":
            return EITHER if visible else HIDDEN
        return SHOWN if visible else HIDDEN
    if action == "create":
        # A create with the target's key: refused while a record holds it (keys are global).
        if not may_contribute(role):
            return NOT_ALLOWED
        if state == "published":
            return INVALID
        return new_record(role, owner, sensitivity)
    if action in ("update", "delete"):
        if not may_contribute(role):
            return NOT_ALLOWED
        if state != "published" or not visible:
            return NOT_FOUND
        return new_record(role, owner, sensitivity)
    if action == "import":
        # A row with the target's key: an update when the importer may see the record, an
        # error when the key belongs to a record it may not see, else a create.
        if not may_contribute(role):
            return NOT_ALLOWED
        if state == "published" and not visible:
            return INVALID
        return new_record(role, owner, sensitivity)
    if action in ("repoint", "restrict"):
        if not may_contribute(role):
            return NOT_ALLOWED
        if state != "published" or not visible:
            return NOT_FOUND
        if role in SEES_ALL:
            return APPLIED
        return PENDING if owner in institutions_of(role) else INVALID
    if action == "approve":
        if role not in SEES_ALL:
            return NOT_ALLOWED
        return APPLIED if state == "pending" else ALREADY_REVIEWED
    raise ValueError(f"no policy for action {action!r}")


def new_owner(role: str, owner: str) -> str:
    """Where "repoint" moves a record of ``owner``: to the actor's institution (the takeover),
    or, when the record is theirs already (or the actor has none), to another."""
    mine = sorted(institutions_of(role) - {owner})
    if mine and owner not in institutions_of(role):
        return mine[0]
    return "b" if owner == "a" else "a"


def new_sensitivity(sensitivity: str) -> str:
    """Where "restrict" moves a record's sensitivity."""
    return "public" if sensitivity == "restricted" else "restricted"


def cases(actions: tuple[str, ...]) -> list[tuple[str, str, str, str, str]]:
    """Every (role, action, owner, sensitivity, state) of ``actions``."""
    return list(product(ROLES, actions, OWNERS, SENSITIVITIES, STATES))
