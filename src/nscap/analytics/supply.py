"""Supply: people trained per year by country × target group × topic, from what a viewer may see.

Rules (docs/analytics.md, "Training gaps"):

- **One count per event.** A report that duplicates another (``same_as`` set) is folded into the
  report it points at. When the report kept is hidden from the viewer, the lowest-numbered
  visible report of that event stands for it, so a hidden record changes nothing a viewer sees.
- **The fused event counts** (``activities.fusion``, ``linkage.fusing``): an event's figure,
  breakdown, date, topics and groups are its fused values, each possibly from a different report
  of the event. A stand-in for a hidden kept report counts with its own values.
- **Countries from a participant breakdown only.** Participants with no known country are
  ``unattributed`` in the *counted* supply; the fused event's estimate of their countries is
  kept apart (``EventSupply.estimated``) and shown as estimated, never added to the count.
- **Groups and topics** are the fused event's stated ones, else its course's, else those
  inferred from its titles; none known → ``""`` (unspecified). An event with two topics
  counts its participants once under each topic (a person trained in both needed both), and
  once in a total over topics.
- **Aggregate claims** ("over 500 staff, 2010–2012") are reconciled with the fused events of
  their claimant by the one rule of ``claims.py``: overlapping claims are not summed, and only
  the un-itemised ``claimed − logged`` (whole people, qualifier kept) is added, spread over the
  claim's years by largest remainder, as unattributed people of unspecified group and topic.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connections

from nscap.activities.models import (
    Course,
    EventParticipantCountry,
    FusedEvent,
    TrainingEvent,
)
from nscap.analytics.cache import cached_in_process
from nscap.analytics.claims import ClaimExtra, reconcile_claims
from nscap.core.choices import Qualifier
from nscap.vocabularies.models import TargetGroup, Topic

UNATTRIBUTED = "unattributed"
UNSPECIFIED = ""
ANY = "*"


@dataclass(slots=True)
class EventSupply:
    """What one (deduplicated) training event adds to supply."""

    event_id: int
    key: str
    title: str
    host_id: int
    parties: tuple[int, ...]  # host, reporters and partners of every report of the event
    start: dt.date | None
    participants: int | None
    qualifier: str
    countries: tuple[tuple[str, int], ...]  # (country or "unattributed", people)
    groups: tuple[str, ...]
    topics: tuple[str, ...]
    reports: tuple[int, ...]  # ids of every visible report folded into this one
    course_id: int | None = None
    people: int = 0  # everyone counted, the unattributed included
    year: int | None = None
    # (country, people, low, high): the unattributed placed by the fused event's estimate.
    estimated: tuple[tuple[str, int, int, int], ...] = ()


@dataclass
class Supply:
    """Every event's contribution and every claim's extra, for one viewer."""

    events: list[EventSupply]
    claims: list[ClaimExtra]
    undated_events: int
    uncounted_events: int  # visible events with no participant figure at all
    folded_reports: int


def _canonical_groups(rows: list[tuple]) -> dict[int, list[tuple]]:
    """Visible reports grouped by the event they report, keyed by the report kept: the one the
    others point at when visible, else the lowest-numbered visible report."""
    by_id = {row[0]: row for row in rows}
    pointed = {row[7] for row in rows if row[7]}
    result: dict[int, list[tuple]] = {}
    groups: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        if row[7] is None and row[0] not in pointed:
            result[row[0]] = [row]  # the common case: a report nobody duplicates
            continue
        target, seen = row[0], set()
        while target in by_id and by_id[target][7] and target not in seen:
            seen.add(target)
            target = by_id[target][7]
        groups[target].append(row)
    for target, members in groups.items():
        members.sort(key=lambda r: (r[0] != target, r[0]))
        result[members[0][0]] = members
    return result


def _raw(queryset: Any) -> list[tuple]:
    """The rows of a ``values_list`` queryset, fetched without per-value converters (fast)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _labels(user: Any, through: Any, owner: str, model: type, owners: set[int]) -> dict:
    visible = dict(model.objects.visible_to(user).values_list("pk", "key"))
    related = "topic_id" if model is Topic else "targetgroup_id"
    labels: dict[int, list[str]] = defaultdict(list)
    for owner_id, related_id in through.objects.values_list(owner, related).iterator(10_000):
        if owner_id in owners and related_id in visible:
            labels[owner_id].append(visible[related_id])
    return labels


# Columns of a report read for supply (``_canonical_groups`` and ``build_events`` index them).
EVENT_COLUMNS = (
    "pk",
    "key",
    "title",
    "host_id",
    "start",
    "participants",
    "participants_qualifier",
    "same_as_id",
    "course_id",
    "reported_by_id",
)
CHUNK = 5_000  # ids per ``IN (…)`` list


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def event_supply(user: Any) -> tuple[list[EventSupply], int, int, int]:
    """(events, undated, uncounted, folded) for ``user``; see the module's rules."""
    rows = _raw(TrainingEvent.objects.visible_to(user).order_by().values_list(*EVENT_COLUMNS))
    groups = _canonical_groups(rows)
    events, undated, uncounted = build_events(user, groups, course_labels(user))
    folded = sum(len(members) - 1 for members in groups.values())
    return events, undated, uncounted, folded


def course_labels(user: Any) -> dict[int | None, tuple[tuple[str, ...], tuple[str, ...]]]:
    """(groups, topics) of every visible course, sorted; ``None`` (no visible course): none."""
    visible_courses = set(Course.objects.visible_to(user).values_list("pk", flat=True))
    course_topics = _labels(user, Course.topics.through, "course_id", Topic, visible_courses)
    course_groups = _labels(
        user, Course.target_groups.through, "course_id", TargetGroup, visible_courses
    )
    # One shared, sorted tuple per course (events of a course share it).
    labels: dict[int | None, tuple[tuple[str, ...], tuple[str, ...]]] = {
        course: (
            tuple(sorted(course_groups.get(course, ()))),
            tuple(sorted(course_topics.get(course, ()))),
        )
        for course in visible_courses
    }
    labels[None] = ((), ())
    return labels


def build_events(
    user: Any, groups: dict[int, list[tuple]], courses: dict, *, only_these: bool = False
) -> tuple[list[EventSupply], int, int]:
    """(events, undated, uncounted) of the canonical ``groups``; ``only_these``: read the
    breakdowns of these events alone (a few among many) rather than all of them."""
    kept = groups.keys()
    breakdown: dict[int, list[tuple[str, int]]] = defaultdict(list)
    countries_qs = EventParticipantCountry.objects.visible_to(user).order_by("event_id", "country")
    parts = (
        [countries_qs.filter(event_id__in=ids) for ids in _chunks(sorted(kept))]
        if only_these
        else [countries_qs]
    )
    for part in parts:
        for event_id, country, count in _raw(part.values_list("event_id", "country", "count")):
            if event_id in kept:
                breakdown[event_id].append((country, count))
    event_topics = _labels(user, TrainingEvent.topics.through, "trainingevent_id", Topic, kept)
    event_groups = _labels(
        user, TrainingEvent.target_groups.through, "trainingevent_id", TargetGroup, kept
    )
    fused = fused_values(user, kept, only_these=only_these)
    none = courses[None]
    events, undated, uncounted = [], 0, 0
    for event_id, members in groups.items():
        row = members[0]
        own = fused.get(event_id) if row[7] is None else None  # None: a stand-in counts alone
        countries = own.countries if own else breakdown.get(event_id, [])
        participants = own.participants if own else row[5]
        if participants is None and not countries:
            uncounted += 1
            continue
        known = sum(count for _, count in countries)
        people = known
        if participants is not None and participants > known:
            countries = [*countries, (UNATTRIBUTED, participants - known)]
            people = participants
        start = own.start if own else _date(row[4])
        if start is None:
            undated += 1
        course = row[8] if row[8] in courses else None
        groups_of, topics_of = courses.get(course, none)
        if event_id in event_groups:
            groups_of = tuple(sorted(event_groups[event_id]))
        if event_id in event_topics:
            topics_of = tuple(sorted(event_topics[event_id]))
        if own:
            groups_of = own.labels(own.groups, groups_of)
            topics_of = own.labels(own.topics, topics_of)
        if len(members) == 1:
            parties = (row[3],) if row[9] is None else (row[3], row[9])
        else:
            parties = tuple({m[3] for m in members} | {m[9] for m in members if m[9]})
        if own and own.partners:  # partners of any report: the claims of each count it
            parties = tuple(dict.fromkeys((*parties, *own.partners)))
        events.append(
            EventSupply(
                event_id,
                row[1],
                row[2],
                row[3],
                parties,
                start,
                participants,
                own.qualifier if own else row[6],
                tuple(countries),
                groups_of,
                topics_of,
                tuple(m[0] for m in members),
                course,
                people,
                start.year if start else None,
                own.estimated if own else (),
            )
        )
    return events, undated, uncounted


@dataclass(slots=True)
class FusedSupply:
    """What supply reads of one fused event (``FusedEvent.data``), labels filtered to those
    the viewer may see."""

    participants: int | None
    qualifier: str
    countries: list[tuple[str, int]]
    start: dt.date | None
    topics: tuple[tuple[str, ...], str]  # (keys, basis)
    groups: tuple[tuple[str, ...], str]
    estimated: tuple[tuple[str, int, int, int], ...]
    partners: tuple[int, ...] = ()  # institutions named partner by any report

    @staticmethod
    def labels(fused: tuple[tuple[str, ...], str], course: tuple[str, ...]) -> tuple[str, ...]:
        """Stated labels of the event, else the course's, else the inferred ones."""
        keys, basis = fused
        if keys and basis == "stated":
            return keys
        return course or keys

    @classmethod
    def of(cls, data: dict, topics: set[str], groups: set[str]) -> FusedSupply:
        fields = data.get("fields", {})

        def value(name: str, default: Any = None) -> Any:
            return fields.get(name, {}).get("value", default)

        def labels(name: str, visible: set[str]) -> tuple[tuple[str, ...], str]:
            keys = tuple(sorted(k for k in value(name, ()) if k in visible))
            return keys, fields.get(name, {}).get("basis", "stated")

        estimate = data.get("estimate") or {}
        return cls(
            value("participants"),
            value("participants_qualifier", Qualifier.EXACT),
            [(c, n) for c, n in value("breakdown", ())],
            _date(value("start")),
            labels("topics", topics),
            labels("target_groups", groups),
            tuple(tuple(c) for c in estimate.get("countries", ())),
            tuple(sorted({p[0] for p in value("partners", ()) if p[0] is not None})),
        )


def fused_values(user: Any, ids: Any, *, only_these: bool = False) -> dict[int, FusedSupply]:
    """The fused event of each kept report in ``ids`` that has one, as supply reads it."""
    topics = set(Topic.objects.visible_to(user).values_list("key", flat=True))
    groups = set(TargetGroup.objects.visible_to(user).values_list("key", flat=True))
    visible = FusedEvent.objects.visible_to(user).order_by()
    parts = (
        [visible.filter(event_id__in=chunk) for chunk in _chunks(sorted(ids))]
        if only_these
        else [visible]
    )
    out: dict[int, FusedSupply] = {}
    for part in parts:
        for event_id, data in part.values_list("event_id", "data"):
            if event_id in ids:
                out[event_id] = FusedSupply.of(data, topics, groups)
    return out


def claim_extras(user: Any, events: list[EventSupply]) -> list[ClaimExtra]:
    """Each visible claim reconciled (``claims.reconcile_claims``) with ``events``."""

    def logged_by(claimants: set[int], earliest: dt.date, latest: dt.date) -> dict:
        by_party: dict[int, list[tuple[str, dt.date | None, int]]] = defaultdict(list)
        for event in events:
            for party in event.parties:
                if party in claimants:
                    by_party[party].append((event.key, event.start, event.people))
        return by_party

    return reconcile_claims(user, logged_by)


def _supply(user: Any) -> Supply:
    events, undated, uncounted, folded = event_supply(user)
    return Supply(events, claim_extras(user, events), undated, uncounted, folded)


def supply(user: Any) -> Supply:
    """Events and claims as supply for ``user``, kept in this process per visibility class and
    data version (gaps, achievements and drill-downs share it)."""
    return cached_in_process("supply", user, lambda: _supply(user))
