"""Guard of the redaction class (issue 12, findings 3-6): no stored record version shows what the
record's API representation hides.

For every record type there is a public record of institution A that links to restricted
records of institution B (and to steward-only topics and target groups) wherever its type has
a link, and whose past is restricted (created restricted with a canary note, then published).
Every hidden key and every restricted-past note is a canary. The crawl asks every route that
shows stored versions (every URL whose route names a history, a changeset or an edit form,
found in the URL configuration, so a new such route joins the crawl by itself) for every
record, as four viewers: a visitor, a contributor of A (another institution than the hidden
records'), a contributor of B (the hidden records' own institution: may see them) and a
steward. A canary must never reach a viewer who may not see it; the same crawl must find the
canaries each viewer may see, so the test fails both ways.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from nscap.accounts.models import Affiliation
from nscap.contributions import services
from nscap.contributions.api_schemas import WRITE_PATHS
from nscap.contributions.forms import FORMS
from nscap.contributions.models import HistoryEntry
from nscap.contributions.record_types import RECORD_TYPES
from nscap.contributions.services import ProposedChange
from nscap.institutions.models import Institution, TransparencyPolicy
from nscap.testing.factories import (
    make_course,
    make_event,
    make_institution,
    make_network,
    make_target_group,
    make_topic,
)
from nscap.testing.roles import make_cast
from permissions.world import _client

pytestmark = pytest.mark.django_db

VIEWERS = ("visitor", "contributor_a", "contributor_b", "steward")
B_SIDE = frozenset({"contributor_b", "steward"})  # who sees B's restricted records
A_SIDE = frozenset({"contributor_a", "steward"})  # who sees A's restricted past
STEWARD_ONLY = frozenset({"steward"})  # restricted records with no owner (vocabularies)
# Routes that show stored versions: their route text names one of these.
SNAPSHOT_ROUTE = re.compile(r"history|changeset|edit")
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>|\{(?P<ninja>[^}]+)\}")


@dataclass
class RedactionWorld:
    clients: dict[str, Client]
    canaries: dict[str, frozenset[str]] = field(default_factory=dict)  # text -> who may see
    records: dict[str, str] = field(default_factory=dict)  # record type -> public key
    changesets: list[int] = field(default_factory=list)

    def plant(self, text: str, seen_by: frozenset[str]) -> str:
        self.canaries[text] = seen_by
        return text


def _propose(author: Any, action: str, record_type: str, **fields: Any) -> Any:
    return services.propose(author, [ProposedChange(action, record_type, **fields)])


def _hidden_records(world: RedactionWorld, b: Institution, member_b: Any) -> dict[str, str]:
    """B's restricted records (a hidden institution B's contributor belongs to, a course, an
    event, a network) and restricted vocabularies only stewards see; keys are canaries."""
    hidden_institution = make_institution(
        key=world.plant("zq-hid-inst", B_SIDE), sensitivity="restricted"
    )
    Affiliation.objects.create(user=member_b, institution=hidden_institution)
    make_course(key=world.plant("zq-hid-course", B_SIDE), provider=b, sensitivity="restricted")
    make_event(key=world.plant("zq-hid-event", B_SIDE), host=b, sensitivity="restricted")
    make_network(key=world.plant("zq-hid-net", B_SIDE), convener=b, sensitivity="restricted")
    make_topic(key=world.plant("zq-hid-topic", STEWARD_ONLY), sensitivity="restricted")
    make_target_group(key=world.plant("zq-hid-group", STEWARD_ONLY), sensitivity="restricted")
    make_topic(key="rd-open-topic")
    return {
        "institution": "zq-hid-inst",
        "course": "zq-hid-course",
        "training_event": "zq-hid-event",
        "network": "zq-hid-net",
        "topic": "zq-hid-topic",
        "target_group": "zq-hid-group",
    }


def _public_values(record_type: str, a: Institution, c: Institution, hidden: dict) -> dict:
    """The public record of A of ``record_type``, linking to hidden records wherever it can
    (a link that decides the record's own visibility, such as its owner, stays visible)."""
    links = {
        "institution": {
            "name": "Public institution",
            "kind": "university",
            "parent": hidden["institution"],
            "same_as": hidden["institution"],
        },
        "milestone": {"institution": a.key, "kind": "established", "description": "Founded"},
        "course": {
            "provider": a.key,
            "title": "Public course",
            "topics": [hidden["topic"], "rd-open-topic"],
            "target_groups": [hidden["target_group"]],
        },
        "training_event": {
            "host": a.key,
            "title": "Public event",
            "course": hidden["course"],
            "reported_by": hidden["institution"],
            "same_as": hidden["training_event"],
            "topics": [hidden["topic"], "rd-open-topic"],
            "target_groups": [hidden["target_group"]],
            "partners": [
                {"institution": hidden["institution"], "role": "co_organiser"},
                {"institution": c.key, "role": "funder"},
            ],
        },
        "collaboration_claim": {
            "claimant": a.key,
            "partner": c.key,
            "type": "seminar",
            "network": hidden["network"],
        },
        "aggregate_claim": {"claimant": a.key, "description": "Twenty seminars"},
        "source": {"title": "Public source", "owner": a.key},
        "needs_assessment": {
            "title": "Public assessment",
            "assessor": a.key,
            "target_group": hidden["target_group"],
            "topic": hidden["topic"],
        },
        "needs_figure": {
            "needs_assessment": "rd-public-needs-assessment",
            "target_group": hidden["target_group"],
            "topic": hidden["topic"],
            "people": 10,
        },
        "topic": {"name": "Public topic", "parent": hidden["topic"]},
        "target_group": {"name": "Public group"},
    }
    return links[record_type]


def build(cast: Any) -> RedactionWorld:
    """Every record type: created restricted (a canary note), then published with its hidden
    links by a steward; then a pending edit by A's contributor (its changeset holds them too)."""
    steward, member_a = cast.user("steward"), cast.user("contributor_a")
    users = {role: None if role == "visitor" else cast.user(role) for role in VIEWERS}
    world = RedactionWorld(
        clients={role: _client(users[role], verified=role == "steward") for role in VIEWERS}
    )
    hidden = _hidden_records(world, cast.b, cast.user("contributor_b"))
    TransparencyPolicy.objects.filter(institution=cast.a).update(auto_approve_own_public=False)
    for record_type in RECORD_TYPES:
        key = f"rd-public-{record_type.replace('_', '-')}"
        values = {"key": key, **_public_values(record_type, cast.a, cast.c, hidden)}
        owned = RECORD_TYPES[record_type].owner is not None  # else restricted = stewards only
        past_note = world.plant(f"zq-past-{record_type}", A_SIDE if owned else STEWARD_ONLY)
        _propose(
            steward,
            "create",
            record_type,
            values={**values, "sensitivity": "restricted", "note": past_note},
        )
        if record_type == "institution":  # A's contributor is a member of this one too
            Affiliation.objects.create(user=member_a, institution=Institution.objects.get(key=key))
        published = _propose(
            steward,
            "update",
            record_type,
            key=key,
            values={**values, "sensitivity": "public", "note": "published"},
        )
        world.records[record_type] = key
        world.changesets.append(published.pk)
        if RECORD_TYPES[record_type].stewards_only:
            continue  # a vocabulary is the stewards' to change: no contributor's pending edit
        pending = _propose(
            member_a, "update", record_type, key=key, values={"note": "a pending edit"}
        )
        world.changesets.append(pending.pk)
    TransparencyPolicy.objects.filter(institution=cast.a).update(auto_approve_own_public=True)
    return world


@pytest.fixture(scope="module")
def redaction_world(django_db_setup, django_db_blocker) -> RedactionWorld:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build(make_cast("rd-"))
        transaction.set_rollback(True)


def _routes(patterns: list, prefix: str = "") -> list[str]:
    """Every route of the URL configuration, as text (Django and ninja routes alike)."""
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            found += _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            found.append(prefix + str(entry.pattern))
    return found


def _fill(route: str, world: RedactionWorld) -> list[str]:
    """The paths of ``route`` for every record and changeset of the world ([] when the route
    takes a parameter the world has no value for)."""
    names = [m.group("name") or m.group("ninja") for m in PARAMETER.finditer(route)]
    choices: list[dict[str, str]] = [{}]
    if "changeset_id" in names:
        choices = [{"changeset_id": str(pk)} for pk in world.changesets]
    elif "key" in names:
        choices = [
            {"key": key, "record_type": record_type} for record_type, key in world.records.items()
        ]
    paths = []
    for values in choices:
        if any(name not in values for name in names):
            return []
        path = PARAMETER.sub(
            lambda m, given=values: given[m.group("name") or m.group("ninja")], route
        )
        paths.append("/" + path.lstrip("^").rstrip("$"))
    return paths


def snapshot_paths(world: RedactionWorld) -> list[str]:
    """Every GET path that shows stored versions, plus the records' own pages and API."""
    paths = {
        path
        for route in _routes(get_resolver().url_patterns)
        if SNAPSHOT_ROUTE.search(route) and "revert" not in route and "withdraw" not in route
        for path in _fill(route, world)
    }
    paths |= {"/contribute/mine/", "/contribute/queue/", "/api/changesets?limit=500"}
    # Recent changes and every revert confirmation (GET: the diff it would make), issue 16.
    paths |= {"/changes/", "/changes/?page=2", "/api/changes?limit=500"}
    entries = HistoryEntry.objects.filter(record_key__in=list(world.records.values()))
    for entry_id in entries.values_list("pk", flat=True):
        paths.add(f"/contribute/history/entries/{entry_id}/revert/")
    for record_type, key in world.records.items():
        paths.add(f"/api/{WRITE_PATHS[record_type]}/{key}")
    return sorted(paths)


@pytest.fixture(scope="module")
def crawls(redaction_world: RedactionWorld, django_db_blocker) -> dict[str, dict[str, str]]:
    """path -> response text, per viewer."""
    with django_db_blocker.unblock():
        crawled: dict[str, dict[str, str]] = {}
        for role in VIEWERS:
            texts = {}
            for path in snapshot_paths(redaction_world):
                response = redaction_world.clients[role].get(path)
                assert response.status_code < 500, f"{path} as {role}: {response.status_code}"
                texts[path] = response.content.decode("utf-8", "replace")
            crawled[role] = texts
        return crawled


def test_the_crawl_covers_every_record_type_and_way_to_a_stored_version(
    redaction_world: RedactionWorld,
):
    paths = snapshot_paths(redaction_world)
    for record_type, key in redaction_world.records.items():
        assert f"/contribute/history/{record_type}/{key}/" in paths, record_type
        if record_type in FORMS:
            assert f"/contribute/{record_type}/{key}/edit/" in paths, record_type
    for changeset_id in redaction_world.changesets:
        assert f"/api/changesets/{changeset_id}" in paths
        assert f"/contribute/changesets/{changeset_id}/" in paths
    assert set(redaction_world.records) == set(RECORD_TYPES)


@pytest.mark.parametrize("role", VIEWERS)
def test_no_hidden_key_or_restricted_past_reaches_a_viewer_who_may_not_see_it(
    redaction_world: RedactionWorld, crawls, role: str
):
    leaks = [
        (text, path)
        for path, body in crawls[role].items()
        for text, seen_by in redaction_world.canaries.items()
        if role not in seen_by and text in body
    ]
    assert not leaks, f"{role} was shown {len(leaks)} hidden values, e.g. {leaks[:5]}"


@pytest.mark.parametrize("role", VIEWERS)
def test_the_crawl_shows_each_viewer_what_it_may_see(
    redaction_world: RedactionWorld, crawls, role: str
):
    everything = "\n".join(crawls[role].values())
    missing = [
        text
        for text, seen_by in redaction_world.canaries.items()
        if role in seen_by and text not in everything
    ]
    assert not missing, f"{role} should see {missing}"
