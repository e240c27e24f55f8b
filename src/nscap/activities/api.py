"""Read API of courses, training events and aggregate claims."""

from __future__ import annotations

import datetime as dt
from collections import namedtuple

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router

from nscap.activities.fused_schemas import TrainingEventDetailSchema
from nscap.activities.fused_view import fused_block
from nscap.activities.models import AggregateClaim, Course, TrainingEvent
from nscap.activities.nesting import nest_events
from nscap.activities.schemas import (
    AggregateClaimQuery,
    AggregateClaimSchema,
    CourseDetailSchema,
    CourseQuery,
    CourseSchema,
    TrainingEventQuery,
    TrainingEventSchema,
    aggregate_claim_item,
    course_item,
    event_item,
)
from nscap.core.api_support import (
    CitationIndex,
    by_key,
    check_query,
    detail_responses,
    get_visible_or_404,
    list_responses,
    not_found,
    paginate,
    paginate_with,
    ref,
    visible,
)
from nscap.core.partial_dates import PartialDate
from nscap.core.prepared import prepared_count, prepared_rows
from nscap.institutions.models import Institution
from nscap.quantities.schemas import visible_quantities
from nscap.vocabularies.models import TargetGroup, Topic

router = Router(tags=["activities"])


def _vocabularies(user) -> list[Prefetch]:
    return [
        Prefetch("topics", queryset=visible(Topic, user).order_by("key")),
        Prefetch("target_groups", queryset=visible(TargetGroup, user).order_by("key")),
    ]


def _courses(user) -> QuerySet:
    return visible(Course, user).prefetch_related(
        Prefetch("provider", queryset=visible(Institution, user)), *_vocabularies(user)
    )


def _events(user) -> QuerySet:
    """Visible events, latest first (undated last), with their host in the same query (an
    event is visible only with its host)."""
    return visible(TrainingEvent, user).order_by(F("start").desc(nulls_last=True), "key")


# What an event item reads of the event and its host, in one row; what it nests comes from
# ``nest_events``. Rows, not model instances, with SQL compiled once (``core.prepared``).
EVENT_COLUMNS = (
    *("pk", "key", "sensitivity", "note", "version", "course_id", "host__key", "host__name"),
    "host_text",
    *("title", "start", "start_precision", "end", "end_precision", "city", "country"),
    *("delivery_mode", "participants", "participants_qualifier", "iaea_endorsed"),
)


# A training event as the API reads it: ``EVENT_COLUMNS`` as fields (``host__key``: ``host_key``).
EventRow = namedtuple("EventRow", [column.replace("__", "_") for column in EVENT_COLUMNS])


def _event_items(user, events: list[EventRow]) -> list[dict]:
    nested = nest_events(user, events)
    citations = CitationIndex(user, rows=[(TrainingEvent, event.pk) for event in events])
    return [event_item(event, citations, nested[event.pk]) for event in events]


def _filtered_events(user, filters: tuple[str, ...], *values) -> QuerySet:
    """Visible events under ``filters`` (names from ``_event_filters``), with their values."""
    events = _events(user)
    given = iter(values)
    for name in filters:
        if name == "host":
            events = events.filter(host__in=by_key(Institution, user, next(given)))
        elif name == "course":
            events = events.filter(course__in=by_key(Course, user, next(given)))
        elif name == "country":
            events = events.filter(country=next(given))
        elif name == "year":  # the SQL of ``start__year``, with the bounds as values
            events = events.filter(start__range=(next(given), next(given)))
        elif name == "from":
            since = next(given)
            events = events.filter(Q(start__gte=since) | Q(end__gte=since))
        elif name == "to":
            events = events.filter(start__lte=next(given))
    return events


def _event_filters(query: TrainingEventQuery) -> tuple[tuple[str, ...], list]:
    filters: list[str] = []
    values: list = []
    if query.host:
        filters.append("host")
        values.append(query.host)
    if query.course:
        filters.append("course")
        values.append(query.course)
    if query.country:
        filters.append("country")
        values.append(query.country)
    if query.year:
        filters.append("year")
        values += [dt.date(query.year, 1, 1), dt.date(query.year, 12, 31)]
    if query.from_:
        filters.append("from")
        values.append(PartialDate.parse(query.from_).date)
    if query.to:
        filters.append("to")
        values.append(PartialDate.parse(query.to).end)
    return tuple(filters), values


def _aggregate_claims(user) -> QuerySet:
    return visible(AggregateClaim, user).prefetch_related(
        Prefetch("claimant", queryset=visible(Institution, user)),
        Prefetch(
            "quantities",
            queryset=visible_quantities(user).order_by("measure", "key"),
            to_attr="visible_quantities",
        ),
    )


def _serialize(user, item):
    def serialize(objects: list) -> list[dict]:
        nested = [q for obj in objects for q in getattr(obj, "visible_quantities", [])]
        citations = CitationIndex(user, objects, nested)
        return [item(obj, citations) for obj in objects]

    return serialize


@router.get("/courses", response=list_responses(CourseSchema))
def list_courses(request: HttpRequest, query: Query[CourseQuery]):
    """Courses by key. Filters: provider, topic, target_group, kind."""
    check_query(request, CourseQuery)
    user = request.user
    courses = _courses(user).order_by("key")
    if query.provider:
        courses = courses.filter(provider__in=by_key(Institution, user, query.provider))
    if query.topic:
        tagged = Course.objects.filter(topics__in=by_key(Topic, user, query.topic))
        courses = courses.filter(pk__in=tagged.values("pk"))
    if query.target_group:
        groups = by_key(TargetGroup, user, query.target_group)
        courses = courses.filter(
            pk__in=Course.objects.filter(target_groups__in=groups).values("pk")
        )
    if query.kind:
        courses = courses.filter(kind=query.kind.value)
    return paginate(request, query, courses, _serialize(user, course_item))


@router.get("/courses/{key}", response=detail_responses(CourseDetailSchema))
def get_course(request: HttpRequest, key: str):
    """One course with the events that ran it."""
    user = request.user
    courses = _courses(user).prefetch_related(
        Prefetch(
            "events",
            queryset=visible(TrainingEvent, user).order_by(F("start").desc(nulls_last=True), "key"),
            to_attr="visible_events",
        )
    )
    course = get_visible_or_404(request, courses, key, _("course"))
    item = course_item(course, CitationIndex(user, [course]))
    item["events"] = [ref(event, "title") for event in course.visible_events]
    return item


@router.get("/events", response=list_responses(TrainingEventSchema))
def list_events(request: HttpRequest, query: Query[TrainingEventQuery]):
    """Training events, latest first (undated last). Filters: host, course, country, year, from,
    to; ``from``/``to`` leave out undated events."""
    check_query(request, TrainingEventQuery)
    user = request.user
    filters, values = _event_filters(query)

    def fetch(limit: int, offset: int) -> list[EventRow]:
        rows = prepared_rows(
            "events.list",
            user,
            lambda *marks: _filtered_events(user, filters, *marks).values_list(*EVENT_COLUMNS),
            values,
            shape=filters,
            page=(limit, offset),
        )
        return [EventRow._make(row) for row in rows]

    def count() -> int:
        return prepared_count(
            "events.list",
            user,
            lambda *marks: _filtered_events(user, filters, *marks).order_by().values("pk"),
            values,
            shape=filters,
        )

    return paginate_with(request, query, fetch, count, lambda page: _event_items(user, page))


@router.get("/events/{key}", response=detail_responses(TrainingEventDetailSchema))
def get_event(request: HttpRequest, key: str):
    """One training event with its partners and participants by country, and ``fused``: the
    event fused from all its reports, each value with the reports it came from."""
    check_query(request, ())
    user = request.user
    rows = prepared_rows(
        "events.detail",
        user,
        lambda mark: visible(TrainingEvent, user).filter(key=mark).values_list(*EVENT_COLUMNS)[:1],
        [key],
    )
    if not rows:
        raise not_found(_("training event"), key)
    event = request.nscap_record = EventRow._make(rows[0])  # for its ETag (``add_etag``)
    return {**_event_items(user, [event])[0], "fused": fused_block(user, event.pk)}


@router.get("/aggregate-claims", response=list_responses(AggregateClaimSchema))
def list_aggregate_claims(request: HttpRequest, query: Query[AggregateClaimQuery]):
    """Aggregate claims by key, each with its quantities. Filter: claimant."""
    check_query(request, AggregateClaimQuery)
    user = request.user
    claims = _aggregate_claims(user).order_by("key")
    if query.claimant:
        claims = claims.filter(claimant__in=by_key(Institution, user, query.claimant))
    return paginate(request, query, claims, _serialize(user, aggregate_claim_item))


@router.get("/aggregate-claims/{key}", response=detail_responses(AggregateClaimSchema))
def get_aggregate_claim(request: HttpRequest, key: str):
    """One aggregate claim with its quantities."""
    claim = get_visible_or_404(request, _aggregate_claims(request.user), key, _("aggregate claim"))
    return _serialize(request.user, aggregate_claim_item)([claim])[0]
