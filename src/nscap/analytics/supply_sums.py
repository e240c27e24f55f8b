"""Supply summed in the database: what the gap analysis needs, without one object per event.

The rules are those of ``supply.py``; only the way of counting differs. Every visible report
with no ``same_as`` is the report kept for its event (``_canonical_groups`` keeps the report the
others point at, and such a report points nowhere), so the reports with no ``same_as`` and no
labels of their own are summed by the database, grouped by (year, country, course, qualifier).
The few reports kept that do point somewhere (their target is hidden) and the events with
labels of their own are built one by one as ``supply.build_events`` does, and so are the
reports whose fused event infers labels from titles (a lone report's other fused values are its
own). The estimate of the countries of people with no country is summed apart
(``SupplySums.estimated``), from the fused events.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast, ExtractYear, Substr

from nscap.activities.models import EventParticipantCountry, FusedEvent, TrainingEvent
from nscap.analytics.supply import (
    EVENT_COLUMNS,
    UNATTRIBUTED,
    ClaimExtra,
    EventSupply,
    _canonical_groups,
    _chunks,
    _date,
    _raw,
    build_events,
    course_labels,
    reconcile_claims,
)

# (year, country, groups, topics, qualifier) → people
Signatures = dict[tuple[int, str, tuple[str, ...], tuple[str, ...], str], int]
# (year, country, groups, topics) → [people estimated, low, high]
Estimates = dict[tuple[int, str, tuple[str, ...], tuple[str, ...]], list[int]]


@dataclass
class SupplySums:
    """Supply for one viewer as sums: per signature, and the totals the gap analysis shows."""

    signatures: Signatures
    claims: list[ClaimExtra]
    events: int
    people: int
    undated_events: int
    uncounted_events: int
    folded_reports: int
    # Counted events whose host is still held as written (issue 14): counted like any other,
    # never dropped nor given a guessed host, and shown apart so the reader knows.
    unreconciled_events: int = 0
    unreconciled_people: int = 0
    estimated: Estimates = field(default_factory=dict)

    @property
    def estimated_people(self) -> int:
        return sum(v[0] for v in self.estimated.values())


def estimates_of(events: list[EventSupply], estimates: Estimates | None = None) -> Estimates:
    """People of dated ``events`` placed in a country by estimate, with bounds, by signature."""
    estimates = defaultdict(lambda: [0, 0, 0]) if estimates is None else estimates
    for event in events:
        if event.year is None:
            continue
        for country, people, low, high in event.estimated:
            cell = estimates[(event.year, country, event.groups, event.topics)]
            cell[0] += people
            cell[1] += low
            cell[2] += high
    return estimates


def signatures_of(events: list[EventSupply], signatures: Signatures | None = None) -> Signatures:
    """People of dated ``events`` summed by signature (added to ``signatures`` when given)."""
    signatures = defaultdict(int) if signatures is None else signatures
    for event in events:
        if event.year is None:
            continue
        for country, count in event.countries:
            signatures[(event.year, country, event.groups, event.topics, event.qualifier)] += count
    return signatures


def _year(field: str) -> Any:
    # ExtractYear calls back into Python for every row on SQLite; ISO dates start with the year.
    if connections[TrainingEvent.objects.db].vendor == "sqlite":
        return Cast(Substr(field, 1, 4), IntegerField())
    return Cast(ExtractYear(field), IntegerField())  # PostgreSQL 14+ extracts a numeric


def _known(user: Any) -> Subquery:
    """People of the event with a known country (NULL: no breakdown at all)."""
    return Subquery(
        EventParticipantCountry.objects.visible_to(user)
        .filter(event_id=OuterRef("pk"))
        .order_by()
        .values("event_id")
        .annotate(total=Sum("count"))
        .values("total")
    )


def _labelled(prefix: str = "") -> Q:
    """Events with labels of their own, visible or not (``build_events`` sorts that out);
    ``prefix``: the path to the event (``event_``)."""
    pk = OuterRef(f"{prefix}id" if prefix else "pk")
    return Q(
        Exists(TrainingEvent.topics.through.objects.filter(trainingevent_id=pk))
        | Exists(TrainingEvent.target_groups.through.objects.filter(trainingevent_id=pk))
    )


def _grouped(queryset: Any, select: str, group: str) -> list[tuple]:
    """``SELECT select FROM (queryset) GROUP BY group``: sums over rows the viewer may see.

    Materialized, so that a subquery of ``queryset`` runs once a row, not once a use."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            f"WITH visible AS MATERIALIZED ({sql}) SELECT {select} FROM visible GROUP BY {group}",  # noqa: S608
            params,
        )
        return cursor.fetchall()


def supply_sums(user: Any) -> SupplySums:
    """Supply for ``user`` as sums (see the module's docstring)."""
    visible = TrainingEvent.objects.visible_to(user).order_by()
    pointed = visible.filter(same_as__isnull=False).values("same_as_id")
    linked = _raw(
        visible.filter(Q(same_as__isnull=False) | Q(pk__in=pointed)).values_list(*EVENT_COLUMNS)
    )
    linked_groups = _canonical_groups(linked)
    folded = sum(len(members) - 1 for members in linked_groups.values())
    own_labels = {
        event_id
        for through in (TrainingEvent.topics.through, TrainingEvent.target_groups.through)
        for event_id in through.objects.values_list("trainingevent_id", flat=True).distinct()
    }
    # Built one by one: every linked event (its fused values come from several reports) and
    # the events labelled themselves.
    one_by_one = dict(linked_groups)
    # Lone reports whose fused labels are inferred from titles are built one by one too.
    own_labels |= set(
        FusedEvent.objects.filter(has_inferred=True, event__same_as__isnull=True).values_list(
            "event_id", flat=True
        )
    )
    simple_labelled = sorted(own_labels - {row[0] for row in linked})  # folded ones stay out
    for ids in _chunks(simple_labelled):
        for row in _raw(visible.filter(pk__in=ids).values_list(*EVENT_COLUMNS)):
            one_by_one[row[0]] = [row]
    courses = course_labels(user)
    events, undated, uncounted = build_events(user, one_by_one, courses, only_these=True)
    signatures = signatures_of(events)
    estimated = estimates_of(events)
    people = sum(e.people for e in events)
    counted = len(events)

    summed = (
        visible.filter(same_as__isnull=True)
        .exclude(pk__in=pointed)
        .exclude(_labelled())
        .exclude(fused__has_inferred=True)
    )
    _summed_estimates(user, summed, courses, estimated)
    # Breakdown rows by (year, country, course, qualifier).
    breakdowns = (
        EventParticipantCountry.objects.visible_to(user)
        .filter(event__same_as__isnull=True)
        .exclude(event_id__in=pointed)
        .exclude(_labelled("event_"))
        .exclude(event__fused__has_inferred=True)
        .order_by()
        .annotate(year=_year("event__start"))
        .values("year", "country", "event__course_id", "event__participants_qualifier")
        .annotate(people=Sum("count"))
        .values_list(
            "year", "country", "event__course_id", "event__participants_qualifier", "people"
        )
    )
    none = courses[None]
    for year, country, course, qualifier, count in _raw(breakdowns):
        if year is None:
            continue
        groups, topics = courses.get(course, none)
        signatures[(year, country, groups, topics, qualifier)] += count
    # Per event: people beyond the breakdown are unattributed; no figure at all: uncounted.
    per_event = summed.annotate(y=_year("start"), c=F("course_id"), known=_known(user)).values(
        "y", "c", "participants_qualifier", "participants", "known"
    )
    for year, course, qualifier, n, missing, total, unattributed, beyond in _grouped(
        per_event,
        "y, c, participants_qualifier, COUNT(*),"
        " SUM(CASE WHEN participants IS NULL AND known IS NULL THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN participants > COALESCE(known, 0) THEN participants"
        " ELSE COALESCE(known, 0) END),"
        " SUM(CASE WHEN participants > COALESCE(known, 0)"
        " THEN participants - COALESCE(known, 0) ELSE 0 END),"
        " SUM(CASE WHEN participants > COALESCE(known, 0) THEN 1 ELSE 0 END)",
        "y, c, participants_qualifier",
    ):
        counted += n - missing
        uncounted += missing
        people += total
        if year is None:
            undated += n - missing
        elif beyond:
            groups, topics = courses.get(course, none)
            signatures[(year, UNATTRIBUTED, groups, topics, qualifier)] += unattributed

    def logged_by(claimants: set[int], earliest: dt.date, latest: dt.date) -> dict:
        return _logged_by(user, claimants, earliest, latest, linked_groups, events)

    unreconciled = (
        visible.filter(same_as__isnull=True, host__isnull=True)
        .exclude(host_text="")
        .aggregate(n=Count("pk"), people=Sum("participants"))
    )
    return SupplySums(
        signatures,
        reconcile_claims(user, logged_by),
        counted,
        people,
        undated,
        uncounted,
        folded,
        unreconciled["n"],
        unreconciled["people"] or 0,
        dict(estimated),
    )


def _summed_estimates(user: Any, summed: Any, courses: dict, estimated: Estimates) -> None:
    """Add the estimates of the fused events of the reports summed by the database."""
    none = courses[None]
    rows = (
        FusedEvent.objects.visible_to(user)
        .filter(has_estimate=True, event__in=summed.values("pk"))
        .order_by()
        .values_list("event__start", "event__course_id", "data")
    )
    for start, course, data in rows.iterator(5_000):
        start = _date(start)
        if start is None:
            continue
        groups, topics = courses.get(course, none)
        for country, people, low, high in (data.get("estimate") or {}).get("countries", ()):
            cell = estimated[(start.year, country, groups, topics)]
            cell[0] += people
            cell[1] += low
            cell[2] += high


def _logged_by(
    user: Any,
    claimants: set[int],
    earliest: dt.date,
    latest: dt.date,
    linked_groups: dict[int, list[tuple]],
    built: list[EventSupply],
) -> dict[int, list[tuple[str, dt.date | None, int]]]:
    """(key, start, people) of the events each claimant hosted or reported (any report of the
    event), among kept events starting in ``earliest``..``latest``."""
    # event id → (key, start, people, parties)
    logged: dict[int, tuple[str, dt.date | None, int, tuple[int, ...]]] = {}
    visible = TrainingEvent.objects.visible_to(user).order_by()
    reports = (
        visible.filter(same_as__isnull=True, start__gte=earliest, start__lte=latest)
        .filter(Q(host_id__in=claimants) | Q(reported_by_id__in=claimants))
        .annotate(known=_known(user))
        .values_list("pk", "key", "start", "participants", "known", "host_id", "reported_by_id")
    )
    # Kept reports others were folded into: every report's host and reporter are parties.
    merged = {
        kept: tuple({m[3] for m in members} | {m[9] for m in members if m[9]})
        for kept, members in linked_groups.items()
        if len(members) > 1 and members[0][7] is None
    }
    merged_ids = [kept for kept, parties in merged.items() if claimants.intersection(parties)]
    parts = [reports] + [
        visible.filter(pk__in=ids, start__gte=earliest, start__lte=latest)
        .annotate(known=_known(user))
        .values_list("pk", "key", "start", "participants", "known", "host_id", "reported_by_id")
        for ids in _chunks(merged_ids)
    ]
    for part in parts:
        for pk, key, start, participants, known, host, reporter in _raw(part):
            if participants is None and known is None:
                continue  # uncounted
            known = known or 0
            people = participants if participants is not None and participants > known else known
            parties = merged.get(pk) or ((host,) if reporter is None else (host, reporter))
            logged[pk] = (key, _date(start), people, parties)
    for event in built:
        logged[event.event_id] = (event.key, event.start, event.people, event.parties)
    by_party: dict[int, list[tuple[str, dt.date | None, int]]] = defaultdict(list)
    for key, start, people, parties in logged.values():
        for party in parties:
            if party in claimants:
                by_party[party].append((key, start, people))
    return by_party
