"""Search reads through the one visibility filter: a restricted record whose name matches the
query is never a hit, a count, a facet value or a suggestion for those who may not see it, on
the selectors, the page and the API alike (visitor, contributor of another institution, owner,
network peer, steward)."""

from __future__ import annotations

import pytest

from nscap.search.selectors import facets, ranked, start
from nscap.search.services import rebuild_index
from nscap.search.suggestions import did_you_mean
from nscap.testing.factories import (
    make_course,
    make_event,
    make_institution,
    make_network,
    make_source,
    make_topic,
)
from nscap.testing.roles import make_cast

# Who sees the restricted records (all owned by institution A) and the network-only one.
SEES_RESTRICTED = {
    "visitor": False,
    "contributor_b": False,
    "contributor_a": True,
    "network_member": False,
    "steward": True,
}
SEES_NETWORK = {**SEES_RESTRICTED, "network_member": True}
HIDDEN_KEYS = {"zr-inst", "zr-course", "zr-event", "zr-source", "zr-network", "zr-hosted"}


@pytest.fixture
def world(db):
    cast = make_cast()
    secret_topic = make_topic(key="zr-topic", name="Zirconium handling")
    hidden = make_institution(
        key="zr-inst",
        name="Zirconium Security Academy",
        country="MN",
        sensitivity="restricted",
        labels=[("지르코늄아카데미", "ko", "Kore", "name")],
    )
    # Owned by A (restricted): A's members and stewards see them.
    course = make_course(
        key="zr-course",
        title="Zirconium course",
        provider=cast.a,
        sensitivity="restricted",
        kind="exercise",
    )
    course.topics.add(secret_topic)
    make_event(
        key="zr-event", title="Zirconium drill", host=cast.a, country="MN", sensitivity="restricted"
    )
    make_source(key="zr-source", title="Zirconium report", owner=cast.a, sensitivity="restricted")
    make_network(
        key="zr-network", name="Zirconium forum", convener=cast.a, sensitivity="restricted"
    )
    # Public, but hosted by the restricted institution: hidden through its host.
    make_event(key="zr-hosted", title="Zirconium open day", host=hidden, country="MN")
    # Network-only, owned by A: A's network peer (C) sees it, B does not.
    make_event(key="zr-peer", title="Zirconium seminar", host=cast.a, sensitivity="network")
    make_course(key="public-course", title="Public course", provider=cast.b)
    # Public, hosted by public B, a run of the restricted course: shown to everyone, and the
    # hidden course's kind (exercise) must not show through the kind facet.
    make_event(key="zr-walk", title="Zirconium walk", host=cast.b, course=course)
    rebuild_index()
    return cast


def expected_keys(role: str) -> set[str]:
    keys = {"zr-walk"} | ({"zr-peer"} if SEES_NETWORK[role] else set())
    if SEES_RESTRICTED[role]:
        keys |= {"zr-course", "zr-event", "zr-source", "zr-network"}
    if role == "steward":
        keys |= {"zr-inst", "zr-hosted"}
    return keys


@pytest.mark.parametrize("role", list(SEES_RESTRICTED))
def test_hits_counts_and_facets_hold_only_what_the_viewer_sees(world, role):
    user = world.user(role)
    search = start("zirconium", user)
    found = {entry.key for entry in ranked(search)}
    assert found == expected_keys(role)
    assert search.total == len(found)
    values = facets(search)
    countries = {v.value for v in values["country"]}
    topics = {v.value for v in values["topic"]}
    kinds = {v.value for v in values["kind"]}
    assert ("MN" in countries) == (SEES_RESTRICTED[role])  # zr-event / zr-inst / zr-hosted
    assert ("zr-topic" in topics) == SEES_RESTRICTED[role]
    assert ("exercise" in kinds) == SEES_RESTRICTED[role]
    if role != "steward":
        assert not found & {"zr-inst", "zr-hosted"}


@pytest.mark.parametrize("role", list(SEES_RESTRICTED))
def test_suggestions_never_name_a_hidden_record(world, role):
    user = world.user(role)
    # Only the hidden institution has "academy" in its name; its Korean label too.
    suggestions = did_you_mean("zirconium acadmy", user)
    assert ("zirconium academy" in suggestions) == (role == "steward")
    assert all(s != "Zirconium Security Academy" for s in suggestions) or role == "steward"
    assert (start("지르코늄", user).total > 0) == (role == "steward")


@pytest.mark.parametrize("role", list(SEES_RESTRICTED))
def test_the_api_and_the_page_agree_with_the_selectors(world, client, role):
    user = world.user(role)
    if role != "visitor":
        client.force_login(user)
    body = client.get("/api/search", {"q": "zirconium", "limit": 50}).json()
    assert {item["key"] for item in body["items"]} == expected_keys(role)
    assert body["count"] == sum(body["counts"].values()) == len(expected_keys(role))
    assert ("MN" in {v["value"] for v in body["facets"]["country"]}) == SEES_RESTRICTED[role]
    page = client.get("/search/", {"q": "zirconium"}).content.decode()
    assert ("Zirconium Security Academy" in page) == (role == "steward")
    assert ("Zirconium drill" in page) == SEES_RESTRICTED[role]
    assert ("Mongolia" in page) == SEES_RESTRICTED[role]
    miss = client.get("/api/search", {"q": "zirconium acadmy"}).json()
    assert ("zirconium academy" in miss["suggestions"]) == (role == "steward")


def test_a_stewards_cached_vocabulary_never_serves_a_visitor(world):
    assert "zirconium academy" in did_you_mean("zirconium acadmy", world.user("steward"))
    assert "zirconium academy" not in did_you_mean("zirconium acadmy", world.user("visitor"))
    assert "zirconium academy" not in did_you_mean("zirconium acadmy", world.user("contributor_b"))
