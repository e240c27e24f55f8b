"""Reads for linkage: the report rows the engine links, and the steward's queue."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from django.db.models import Q, QuerySet

from nscap.activities.models import EventPartner, TrainingEvent
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
    partners: dict[int, list[str]] = {}
    for event_id, institution_id in (
        EventPartner.objects.visible_to(user)
        .filter(event__in=events.values("pk"))
        .order_by("pk")
        .values_list("event_id", "institution_id")
    ):
        partners.setdefault(event_id, []).append(str(_canonical(institution_id, same_as)))
    for event in events.order_by("pk").iterator(chunk_size=2000):
        host = _canonical(event.host_id, same_as)
        reporter = _canonical(event.reported_by_id, same_as) or host
        yield {
            "key": event.key,
            # An unreconciled host (issue 14) is no institution: not one shared "None" host
            # that would block every such report together; its text is kept for the engine.
            "host_id": str(host) if host is not None else None,
            "host_text": event.host_text,
            "reporter": str(reporter) if reporter is not None else None,
            "title": event.title,
            "start": PartialDate(event.start, event.start_precision).isoformat()
            if event.start
            else None,
            # the end and the count's qualifier: an event's length, and counts that exclude
            # each other ("more than 60" and exactly 60), are evidence too
            "end": PartialDate(event.end, event.end_precision).isoformat() if event.end else None,
            "city": event.city,
            "country": event.country,
            "participants": event.participants,
            "participants_qualifier": event.participants_qualifier,
            "topics": topics.get(event.pk, []),
            "partners": partners.get(event.pk, []),  # a self-named host's true host is here
        }


class ReportState(NamedTuple):
    """What a merge needs to know of one report."""

    key: str
    same_as_id: int | None
    version: int
    reporter: int | None


def report_states(user: Any, around: Iterable[int] | None = None) -> dict[int, ReportState]:
    """Training events ``user`` may see, by primary key, with their ``same_as`` pointer and
    reporter (``reported_by``, else the host; a merged institution counts as the one it points
    at, as in ``event_rows``): plain values, for merges of thousands.

    ``around``: only these reports and every report of their events (``same_as`` followed both
    ways), a few queries for a decision on a few; else all of them in one query.
    """
    from nscap.institutions.models import Institution

    same_as = dict(
        Institution.objects.visible_to(user)
        .filter(same_as__isnull=False)
        .values_list("pk", "same_as_id")
    )
    visible = TrainingEvent.objects.visible_to(user).order_by()
    columns = ("pk", "key", "same_as_id", "version", "reported_by_id", "host_id")
    found: dict[int, ReportState] = {}

    def read(queryset) -> list[int]:
        rows = list(queryset.values_list(*columns).iterator(chunk_size=5000))
        for pk, key, same, version, reported_by, host in rows:
            found[pk] = ReportState(key, same, version, _canonical(reported_by or host, same_as))
        return [row[0] for row in rows]

    if around is None:
        read(visible)
        return found
    expanded: set[int] = set()
    frontier = set(around)
    while frontier:
        expanded |= frontier
        ids = sorted(frontier)
        read(visible.filter(Q(pk__in=ids) | Q(same_as__in=ids)))
        frontier = {pk for pk in found if pk not in expanded} | {
            state.same_as_id
            for state in found.values()
            if state.same_as_id is not None and state.same_as_id not in expanded
        }
    return found


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
