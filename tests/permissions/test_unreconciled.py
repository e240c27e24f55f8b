"""The permission matrix for the unreconciled state (issue 14): an event whose host is held as
written (no institution yet) belongs to its reporter, and the reconciliation queue shows each
contributor only the rows that came in for their institution.

Same oracle (policy.may_see) as the matrix: the event is shown exactly when a published event
of its reporter at that sensitivity would be. The records are imported through the importer,
as a steward would; each test runs in a savepoint on the module's world.
"""

from __future__ import annotations

import csv
import io
from itertools import product

import pytest

from nscap.interchange.importer import run_import
from nscap.testing.roles import ROLES
from permissions.policy import OWNERS, SENSITIVITIES, may_see

pytestmark = pytest.mark.django_db

HOST_TEXT = "Canary Unlisted Centre {owner}"


def _title(owner: str, sensitivity: str) -> str:
    return f"unreconciled-canary-{owner}-{sensitivity}"


@pytest.fixture
def unreconciled(world):
    """One event per reporter (A, B) x sensitivity, its host unknown to the registry."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["key", "host", "title", "country", "reported_by", "sensitivity"])
    for owner, sensitivity in product(OWNERS, SENSITIVITIES):
        reporter = getattr(world.cast, owner).key
        writer.writerow(
            [
                f"unrec-{owner}-{sensitivity}",
                HOST_TEXT.format(owner=owner.upper()),
                _title(owner, sensitivity),
                "MY",
                reporter,
                sensitivity,
            ]
        )
    result = run_import(world.cast.user("steward"), "training_event.csv", out.getvalue().encode())
    assert result.plan.ok and result.changeset.status == "applied", result.plan.errors
    return world


@pytest.mark.parametrize(
    ("role", "owner", "sensitivity"), list(product(ROLES, OWNERS, SENSITIVITIES))
)
def test_an_unreconciled_event_is_seen_as_its_reporters_record(
    unreconciled, role, owner, sensitivity
):
    world = unreconciled
    key, title = f"unrec-{owner}-{sensitivity}", _title(owner, sensitivity)
    shown = may_see(role, owner, sensitivity)
    for channel, path in (
        ("api", "/api/events?limit=500"),
        ("api", f"/api/events/{key}"),
        ("web", "/courses/"),
        ("web", f"/courses/events/{key}/"),
    ):
        clients = world.api_clients if channel == "api" else world.clients
        response = clients[role].get(path)
        body = response.content.decode()
        where = f"{channel} {path} as {role}"
        if channel == "api" and role == "revoked_token":
            assert response.status_code == 401, where
        elif shown:
            assert response.status_code == 200 and title in body, where
            if channel == "api" and path.endswith(key):
                record = response.json()
                assert record["host"] is None, where
                assert record["host_text"] == HOST_TEXT.format(owner=owner.upper()), where
            elif path.endswith(f"{key}/"):
                assert HOST_TEXT.format(owner=owner.upper()) in body, where
                assert "unreconciled: no institution chosen yet" in body, where
        else:
            assert title not in body, f"{where}: leaked"
            assert response.status_code in (200, 404), where


QUEUE_SEES = {  # role -> reporters whose rows are in the role's queue
    "steward": {"a", "b"},
    "superuser": {"a", "b"},
    "contributor_a": {"a"},
    "admin_a": {"a"},
    "contributor_b": {"b"},
    "network_member": set(),  # shares a network with A, but the rows are not C's
}


@pytest.mark.parametrize("role", ROLES)
def test_the_queue_shows_each_role_only_its_rows_and_visible_candidates(unreconciled, role):
    world = unreconciled
    response = world.api_clients[role].get("/api/reconciliation/groups?limit=500")
    if role not in QUEUE_SEES:
        assert response.status_code == 401, role
        return
    assert response.status_code == 200, role
    items = response.json()["items"]
    reporters = {world.cast.a.key: "a", world.cast.b.key: "b"}
    seen = {reporters[g["reported_by"]] for g in items if g["reported_by"] in reporters}
    assert seen == QUEUE_SEES[role], role
    for group in items:
        for candidate in group["candidates"]:
            assert (
                world.api_clients[role].get(f"/api/institutions/{candidate['key']}").status_code
                == 200
            )
