"""What an API training event nests, loaded for a whole page at once.

One ``values_list`` query per relation, each filtered by the related model's visibility rule
(``visibility_q``, joined in the same query), grouped by event in Python: no model
instance per nested row and no related manager per event. Django's ``prefetch_related`` built
both (about 270 model instances and 200 queryset clones for a page of 50 events), which was
most of the list endpoint's time once its SQL took a millisecond. Each query's SQL is compiled
once per viewer class and page size (``core.prepared``): building it cost more than running it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from nscap.activities.models import (
    Course,
    EventParticipantCountry,
    EventPartner,
    TrainingEvent,
)
from nscap.core.api_support import key_ref, visible
from nscap.core.prepared import prepared_rows
from nscap.core.visibility import visibility_q
from nscap.institutions.models import Institution
from nscap.vocabularies.models import TargetGroup, Topic


@dataclass
class EventNesting:
    """The nested parts of one event, already shaped as API items."""

    course: dict | None = None
    topics: list[dict] = field(default_factory=list)
    target_groups: list[dict] = field(default_factory=list)
    partners: list[dict] = field(default_factory=list)
    participant_countries: list[dict] = field(default_factory=list)


def _grouped(rows: Sequence) -> dict[Any, list[tuple]]:
    """``values_list`` rows grouped by their first column (the event's id), in query order."""
    grouped: dict[Any, list[tuple]] = defaultdict(list)
    for event_id, *rest in rows:
        grouped[event_id].append(rest)
    return grouped


def _courses(user: Any, *course_ids: int) -> QuerySet:
    return visible(Course, user).filter(pk__in=course_ids).values_list("pk", "key", "title")


def _topics(user: Any, *ids: int) -> QuerySet:
    return (
        TrainingEvent.topics.through.objects.filter(trainingevent_id__in=ids)
        .filter(visibility_q(Topic, user, "topic__"))
        .order_by("topic__key")
        .values_list("trainingevent_id", "topic__key", "topic__name")
    )


def _target_groups(user: Any, *ids: int) -> QuerySet:
    return (
        TrainingEvent.target_groups.through.objects.filter(trainingevent_id__in=ids)
        .filter(visibility_q(TargetGroup, user, "targetgroup__"))
        .order_by("targetgroup__key")
        .values_list("trainingevent_id", "targetgroup__key", "targetgroup__name")
    )


def _partners(user: Any, *ids: int) -> QuerySet:
    return (
        EventPartner.objects.filter(event_id__in=ids)
        .filter(visibility_q(Institution, user, "institution__"))
        .order_by("institution__key", "role")
        .values_list("event_id", "institution__key", "institution__name", "role")
    )


def _countries(user: Any, *ids: int) -> QuerySet:
    return (
        EventParticipantCountry.objects.filter(event_id__in=ids)
        .order_by("country")
        .values_list("event_id", "country", "count")
    )


def _rows(user: Any, build, values: Sequence[int]) -> list:
    """The rows of ``build``'s query for ``values``, its SQL compiled once per viewer class."""
    return prepared_rows(
        f"nesting.{build.__name__}", user, lambda *marks: build(user, *marks), values
    )


def nest_events(user: Any, events: Sequence[Any]) -> dict[int, EventNesting]:
    """The nested parts of ``events`` that ``user`` may see, by event id.

    ``events`` are TrainingEvent instances or objects with ``pk`` and ``course_id``.
    A hidden course is no course; hidden topics, target groups and partner institutions are left
    out: every related row passes through its model's visibility rule, as the pages do.
    """
    ids = [event.pk for event in events]
    if not ids:
        return {}
    course_ids = sorted({event.course_id for event in events if event.course_id})
    courses = (
        {pk: key_ref(key, title) for pk, key, title in _rows(user, _courses, course_ids)}
        if course_ids
        else {}
    )
    topics = _grouped(_rows(user, _topics, ids))
    groups = _grouped(_rows(user, _target_groups, ids))
    partners = _grouped(_rows(user, _partners, ids))
    countries = _grouped(_rows(user, _countries, ids))
    return {
        event.pk: EventNesting(
            course=courses.get(event.course_id),
            topics=[key_ref(key, name) for key, name in topics.get(event.pk, ())],
            target_groups=[key_ref(key, name) for key, name in groups.get(event.pk, ())],
            partners=[
                {"institution": key_ref(key, name), "role": role}
                for key, name, role in partners.get(event.pk, ())
            ],
            participant_countries=[
                {"country": country, "count": count}
                for country, count in countries.get(event.pk, ())
            ],
        )
        for event in events
    }
