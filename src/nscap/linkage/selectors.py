"""Reads for linkage: the report rows the engine links, and the steward's queue."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from django.db.models import QuerySet

from nscap.activities.models import TrainingEvent
from nscap.contributions.record_types import PREFETCH
from nscap.core.partial_dates import PartialDate
from nscap.linkage.choices import SuggestionStatus
from nscap.linkage.models import MergeSuggestion
from nscap.vocabularies.models import Topic


def _canonical(institution_id: int | None, same_as: dict[int, int]) -> int | None:
    """The institution a merged institution record points at (following the chain)."""
    seen = set()
    while institution_id in same_as and institution_id not in seen:
        seen.add(institution_id)
        institution_id = same_as[institution_id]
    return institution_id


def event_rows(user: Any) -> Iterator[dict]:
    """Every training event ``user`` may see as a plain report row for ``engine.link``.

    The host is already resolved (an institution id), and institutions merged by a steward
    (``Institution.same_as``) count as the institution they point at.
    """
    from nscap.institutions.models import Institution

    same_as = dict(
        Institution.objects.visible_to(user)
        .filter(same_as__isnull=False)
        .values_list("pk", "same_as_id")
    )
    events = TrainingEvent.objects.visible_to(user).select_related("host")
    topics: dict[int, list[str]] = {}
    for event_id, key in TrainingEvent.topics.through.objects.filter(
        trainingevent__in=events.values("pk"), topic__in=Topic.objects.visible_to(user)
    ).values_list("trainingevent_id", "topic__key"):
        topics.setdefault(event_id, []).append(key)
    for event in events.order_by("pk").iterator(chunk_size=2000):
        host = _canonical(event.host_id, same_as)
        reporter = _canonical(event.reported_by_id, same_as) or host
        yield {
            "key": event.key,
            "host_id": str(host),
            "reporter": str(reporter),
            "title": event.title,
            "start": PartialDate(event.start, event.start_precision).isoformat()
            if event.start
            else None,
            "city": event.city,
            "country": event.country,
            "participants": event.participants,
            "topics": topics.get(event.pk, []),
        }


class ReportState(NamedTuple):
    """What a merge needs to know of one report."""

    key: str
    same_as_id: int | None
    version: int
    reporter: int | None


def report_states(user: Any) -> dict[int, ReportState]:
    """Every training event ``user`` may see, by primary key, with its ``same_as`` pointer and
    its reporter (``reported_by``, else the host; a merged institution counts as the one it
    points at, as in ``event_rows``): one query of plain values, for merges of thousands."""
    from nscap.institutions.models import Institution

    same_as = dict(
        Institution.objects.visible_to(user)
        .filter(same_as__isnull=False)
        .values_list("pk", "same_as_id")
    )
    rows = (
        TrainingEvent.objects.visible_to(user)
        .order_by()
        .values_list("pk", "key", "same_as_id", "version", "reported_by_id", "host_id")
    )
    return {
        pk: ReportState(key, same, version, _canonical(reported_by or host, same_as))
        for pk, key, same, version, reported_by, host in rows.iterator(chunk_size=5000)
    }


def topic_vocabulary(user: Any) -> dict[str, list[str]]:
    """Topic key -> its names and aliases in every language the registry holds."""
    return {
        topic.key: [label for label in (topic.name, topic.name_zh, *topic.aliases) if label]
        for topic in Topic.objects.visible_to(user)
    }


def suggestion_queue(status: str = SuggestionStatus.PENDING) -> QuerySet[MergeSuggestion]:
    """Suggestions in one status, strongest first, with both reports (stewards only: the
    caller checks, since a steward sees every event)."""
    sides = ("kept", "duplicate")
    return (
        MergeSuggestion.objects.filter(status=status)
        .select_related(
            *(
                f"{side}__{name}"
                for side in sides
                for name in ("host", "reported_by", "same_as", "course")
            )
        )
        .prefetch_related(
            *(f"{side}__{name}" for side in sides for name in PREFETCH["training_event"]),
            *(f"{side}__{name}__labels" for side in sides for name in ("host", "reported_by")),
        )
    )
