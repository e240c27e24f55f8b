"""Reads of courses and training events for the web UI, through the visibility filter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from nscap.activities.models import Course, EventPartner, TrainingEvent
from nscap.core.visibility import is_steward
from nscap.institutions.filters import center_q, parent_q, partner_institutions
from nscap.institutions.visible import visible_institutions
from nscap.vocabularies.models import TargetGroup, Topic


def kept_reports(user: Any) -> QuerySet[TrainingEvent]:
    """The visible reports that each stand for one event ("one count per event").

    A report that points nowhere (``same_as`` empty) is kept. A report that points at a report
    hidden from ``user`` is folded by what the viewer sees, not by the hidden link: the
    lowest-numbered visible report pointing at that hidden report stands for it, as in
    ``analytics.supply`` — so a hidden record changes no count a viewer sees, and its API
    record (which shows ``same_as: null``) and the analytics agree (issue 12, finding 22).
    """
    visible = TrainingEvent.objects.visible_to(user)
    if is_steward(user):
        return visible.filter(same_as__isnull=True)
    target_seen = Exists(visible.filter(pk=OuterRef("same_as_id")))
    earlier = Exists(visible.filter(same_as_id=OuterRef("same_as_id"), pk__lt=OuterRef("pk")))
    return visible.filter(Q(same_as__isnull=True) | (~target_seen & ~earlier))


@dataclass
class ActivityFilters:
    """Allow-listed filters of the courses & events list; None means "any"."""

    provider: str | None = None
    country: str | None = None
    kind: str | None = None
    topic: str | None = None
    target_group: str | None = None
    partner_country: str | None = None
    parent: str | None = None
    center: bool = False


def partner_country_q(country: str, user: Any) -> Q:
    """Events with a visible partner institution in ``country`` (a hidden partner never
    matches, so the filter reveals nothing about it)."""
    partners = EventPartner.objects.filter(institution__in=partner_institutions(country, user))
    return Q(pk__in=partners.values("event_id"))


def filter_courses(filters: ActivityFilters, user: Any) -> QuerySet[Course]:
    """Visible courses (of visible providers) matching the filters."""
    courses = Course.objects.visible_to(user).select_related("provider")
    if filters.provider:
        courses = courses.filter(provider__key=filters.provider)
    if filters.country:
        courses = courses.filter(provider__country=filters.country)
    if filters.kind:
        courses = courses.filter(kind=filters.kind)
    if filters.topic:
        courses = courses.filter(topics__key=filters.topic)
    if filters.target_group:
        courses = courses.filter(target_groups__key=filters.target_group)
    if filters.parent:
        courses = courses.filter(parent_q(filters.parent, user, "provider__"))
    if filters.center:
        courses = courses.filter(center_q("provider__"))
    if filters.partner_country:  # courses with a visible run that had such a partner
        runs = TrainingEvent.objects.visible_to(user).filter(
            partner_country_q(filters.partner_country, user)
        )
        courses = courses.filter(pk__in=runs.values("course_id"))
    courses = courses.prefetch_related(
        Prefetch("topics", queryset=Topic.objects.visible_to(user)),
        Prefetch("target_groups", queryset=TargetGroup.objects.visible_to(user)),
    )
    # Only the many-to-many filters can repeat a row; DISTINCT over every course otherwise
    # makes the database sort them all.
    return courses.distinct() if filters.topic or filters.target_group else courses


def filter_events(filters: ActivityFilters, user: Any) -> QuerySet[TrainingEvent]:
    """Visible events (of visible hosts) matching the filters; kind is the course's kind."""
    events = TrainingEvent.objects.visible_to(user).select_related("host", "course")
    if filters.provider:
        events = events.filter(host__key=filters.provider)
    if filters.country:
        events = events.filter(country=filters.country)
    if filters.kind:
        events = events.filter(course__kind=filters.kind)
    if filters.topic:
        events = events.filter(topics__key=filters.topic)
    if filters.target_group:
        events = events.filter(target_groups__key=filters.target_group)
    if filters.parent:
        events = events.filter(parent_q(filters.parent, user, "host__"))
    if filters.center:
        events = events.filter(center_q("host__"))
    if filters.partner_country:
        events = events.filter(partner_country_q(filters.partner_country, user))
    # As for courses: DISTINCT over a million events took 3.7 s on SQLite for the unfiltered page.
    return events.distinct() if filters.topic or filters.target_group else events


def course_events(course: Course, user: Any) -> QuerySet[TrainingEvent]:
    """The visible runs of one course."""
    return TrainingEvent.objects.visible_to(user).filter(course=course).select_related("host")


def event_partners(event: TrainingEvent, user: Any) -> list[EventPartner]:
    """An event's partners, leaving out institutions ``user`` may not see."""
    return list(
        EventPartner.objects.filter(event=event, institution__in=visible_institutions(user))
        .select_related("institution")
        .order_by("role", "institution__name")
    )
