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
- **Aggregate claims** ("over 500 staff, 2010–2012") are reconciled with the events the same
  institution hosted or reported in that period: only ``claimed − logged`` (floored at 0, with
  the claim's qualifier) is added, spread evenly over the claim's years, as unattributed people
  of unspecified group and topic.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections

from nscap.activities.models import (
    AggregateClaim,
    Course,
    EventParticipantCountry,
    FusedEvent,
    TrainingEvent,
)
from nscap.analytics.cache import cached_in_process
from nscap.analytics.qualifiers import Range
from nscap.core.choices import Qualifier
from nscap.core.partial_dates import PartialDate
from nscap.quantities.models import Quantity
from nscap.vocabularies.models import TargetGroup, Topic

UNATTRIBUTED = "unattributed"
UNSPECIFIED = ""
ANY = "*"
# Measures of an aggregate claim that count people, in order of preference.
PEOPLE_MEASURES = ("people_trained", "participants_hosted")


@dataclass(slots=True)
class EventSupply:
    """What one (deduplicated) training event adds to supply."""

    event_id: int
    key: str
    title: str
    host_id: int
    parties: tuple[int, ...]  # host and reporters of every report of the event
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
class ClaimExtra:
    """An aggregate claim set against the events its claimant logged in the same period."""

    claim_id: int
    key: str
    description: str
    claimant_id: int
    period_start: dt.date | None
    period_end: dt.date | None
    measure: str = ""
    claimed_value: float = 0.0
    qualifier: str = Qualifier.EXACT
    logged: int = 0
    logged_events: list[str] = field(default_factory=list)
    extra: Range = field(default_factory=Range.zero)
    years: tuple[int, ...] = ()
    overlaps: list[str] = field(default_factory=list)
    reason: str = ""  # why nothing was added, when nothing was
    country: str = ""  # the claim's scope, when it names one country
    courses: int | None = None
    courses_qualifier: str = Qualifier.EXACT

    @property
    def claimed(self) -> Range:
        return Range.of(self.claimed_value, self.qualifier)


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


def _period_end(claim: AggregateClaim) -> dt.date | None:
    if claim.period_end is None:
        return PartialDate(claim.period_start, claim.period_start_precision).end
    return PartialDate(claim.period_end, claim.period_end_precision).end


# (key, start, people) of the events logged by each party, for the parties asked about.
LoggedBy = Callable[[set[int], dt.date, dt.date], dict[int, list[tuple[str, dt.date | None, int]]]]


def claim_extras(user: Any, events: list[EventSupply]) -> list[ClaimExtra]:
    """Each visible aggregate claim with what it adds beyond the events logged in its period."""

    def logged_by(claimants: set[int], earliest: dt.date, latest: dt.date) -> dict:
        by_party: dict[int, list[tuple[str, dt.date | None, int]]] = defaultdict(list)
        for event in events:
            for party in event.parties:
                if party in claimants:
                    by_party[party].append((event.key, event.start, event.people))
        return by_party

    return reconcile_claims(user, logged_by)


def reconcile_claims(user: Any, logged_by: LoggedBy) -> list[ClaimExtra]:
    """Each visible aggregate claim set against the events ``logged_by`` gives its claimant."""
    claims = list(AggregateClaim.objects.visible_to(user).order_by("claimant_id", "period_start"))
    quantities: dict[int, list[Quantity]] = defaultdict(list)
    for quantity in Quantity.objects.visible_to(user).filter(
        aggregate_claim__in=[c.pk for c in claims], measure__in=PEOPLE_MEASURES
    ):
        quantities[quantity.aggregate_claim_id].append(quantity)
    periods = [(c.period_start, _period_end(c)) for c in claims if c.period_start]
    by_party = (
        logged_by(
            {c.claimant_id for c in claims if c.period_start},
            min(start for start, _ in periods),
            max(end for _, end in periods),
        )
        if periods
        else {}
    )
    results = []
    for claim in claims:
        extra = ClaimExtra(
            claim_id=claim.pk,
            key=claim.key,
            description=claim.description,
            claimant_id=claim.claimant_id,
            period_start=claim.period_start,
            period_end=_period_end(claim) if claim.period_start else None,
            country=claim.country,
            courses=claim.courses,
            courses_qualifier=claim.courses_qualifier,
        )
        results.append(extra)
        people = sorted(
            quantities.get(claim.pk, ()), key=lambda q: PEOPLE_MEASURES.index(q.measure)
        )
        if claim.people is not None:  # the claim's own figure, as written through the product
            extra.measure, extra.qualifier = PEOPLE_MEASURES[0], claim.people_qualifier
            extra.claimed_value = float(claim.people)
        elif people:
            extra.measure, extra.qualifier = people[0].measure, people[0].qualifier
            extra.claimed_value = float(people[0].value)
        else:
            extra.reason = "no count of people"
            continue
        if claim.period_start is None:
            extra.reason = "no period"
            continue
        logged = [
            (key, people)
            for key, start, people in by_party.get(claim.claimant_id, ())
            if start and extra.period_start <= start <= extra.period_end
        ]
        extra.logged = sum(people for _, people in logged)
        extra.logged_events = sorted(key for key, _ in logged)
        extra.extra = extra.claimed.minus(Range.of(extra.logged))
        extra.years = tuple(range(extra.period_start.year, extra.period_end.year + 1))
        if extra.extra.value == 0 and extra.extra.high == 0:
            extra.reason = "covered by logged events"
    for extra in results:
        extra.overlaps = [
            other.key
            for other in results
            if other is not extra
            and other.claimant_id == extra.claimant_id
            and other.period_start
            and extra.period_start
            and other.period_start <= extra.period_end
            and extra.period_start <= other.period_end
        ]
    return results


def _supply(user: Any) -> Supply:
    events, undated, uncounted, folded = event_supply(user)
    return Supply(events, claim_extras(user, events), undated, uncounted, folded)


def supply(user: Any) -> Supply:
    """Events and claims as supply for ``user``, kept in this process per visibility class and
    data version (gaps, achievements and drill-downs share it)."""
    return cached_in_process("supply", user, lambda: _supply(user))
