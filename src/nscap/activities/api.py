"""Read API of courses, training events and aggregate claims."""

from __future__ import annotations

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router

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
    paginate,
    ref,
    visible,
)
from nscap.core.partial_dates import PartialDate
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
    """Visible events with their host in the same query (an event is visible only with its
    host); what they nest comes from ``_event_items``."""
    return visible(TrainingEvent, user).select_related("host")


def _event_items(user, events: list[TrainingEvent]) -> list[dict]:
    nested = nest_events(user, events)
    citations = CitationIndex(user, events)
    return [event_item(event, citations, nested[event.pk]) for event in events]


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
    events = _events(user).order_by(F("start").desc(nulls_last=True), "key")
    if query.host:
        events = events.filter(host__in=by_key(Institution, user, query.host))
    if query.course:
        events = events.filter(course__in=by_key(Course, user, query.course))
    if query.country:
        events = events.filter(country=query.country)
    if query.year:
        events = events.filter(start__year=query.year)
    if query.from_:
        since = PartialDate.parse(query.from_).date
        events = events.filter(Q(start__gte=since) | Q(end__gte=since))
    if query.to:
        events = events.filter(start__lte=PartialDate.parse(query.to).end)
    return paginate(request, query, events, lambda page: _event_items(user, page))


@router.get("/events/{key}", response=detail_responses(TrainingEventSchema))
def get_event(request: HttpRequest, key: str):
    """One training event with its partners and participants by country."""
    event = get_visible_or_404(request, _events(request.user), key, _("training event"))
    return _event_items(request.user, [event])[0]


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
