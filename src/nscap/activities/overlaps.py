"""Duplicated effort: offerings of the same topic for the same audience, in one region and time
window, by different providers — where coordinators could pool courses instead of repeating them.

Rules (documented in ``docs/analytics.md``):

- An *offering* is a training event the viewer may see that is not a duplicate report of another
  (``same_as`` is empty, or points at a report the viewer may not see: ``selectors.kept_reports``),
  with its host as provider, read as its *fused* event (date, place, count, labels from all its
  reports: ``activities.fusion``). Its topics and target groups are those any of its reports
  states, else its course's, else those inferred from its titles (only visible topics and
  groups).
- Its *region* is the UN M49 sub-region (``regions.py``) of the event's country, or of the host's
  country when the event has none. Events with neither are left out (counted as unplaced).
- Its *month* is its start date's month; events without a start date, or known only to the
  year, are left out (counted as undated): a year is too coarse to say two runs overlap.
- An *overlap group* is a set of offerings for one (topic, target group, region) that all start
  within ``window`` months of the group's first offering (start month minus first start month
  at most ``window``), by at least two different providers. Groups are bounded in time, not
  chained: a window opens at the earliest offering not yet grouped; if it holds two providers
  or more it becomes a group and the next window opens at the first offering after it,
  otherwise the window slides to the next offering (``_windows``). Groups of one (topic, group,
  region) are therefore disjoint and none spans more than ``window`` months. Its combined
  participants add the offerings' participant counts as whole numbers (offerings without a
  count add nothing and are counted apart). An offering with several topics or groups can sit
  in several groups.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from nscap.activities.models import Course, FusedEvent, TrainingEvent
from nscap.activities.regions import region_name, region_of
from nscap.activities.selectors import kept_reports
from nscap.vocabularies.models import TargetGroup, Topic

DEFAULT_WINDOW = 6
MAX_WINDOW = 60


@dataclass(frozen=True)
class Offering:
    """One deduplicated, visible training event, placed in a region and a month."""

    pk: int
    key: str
    title: str
    provider_key: str
    provider: str
    start: dt.date
    region: str
    participants: int | None

    @property
    def month(self) -> int:
        return self.start.year * 12 + self.start.month - 1


@dataclass
class OverlapCluster:
    """Offerings of one topic for one target group in one region that overlap in time."""

    topic: str
    topic_name: str
    target_group: str
    target_group_name: str
    region: str
    offerings: list[Offering] = field(default_factory=list)

    @property
    def region_name(self) -> str:
        return region_name(self.region)

    @property
    def providers(self) -> list[str]:
        return sorted({o.provider for o in self.offerings})

    @property
    def participants(self) -> int:
        return sum(o.participants or 0 for o in self.offerings)

    @property
    def without_count(self) -> int:
        return sum(1 for o in self.offerings if o.participants is None)

    @property
    def start(self) -> dt.date:
        """The first offering's start: where the group's window opens."""
        return min(o.start for o in self.offerings)

    @property
    def end(self) -> dt.date:
        """The last offering's start, at most ``window`` months after ``start``."""
        return max(o.start for o in self.offerings)


@dataclass(frozen=True)
class OverlapReport:
    """The clusters, largest combined participants first, and what could not be compared."""

    window: int
    region: str | None
    clusters: list[OverlapCluster]
    offerings: int
    undated: int
    unplaced: int
    unclassified: int


def _offerings(user: Any) -> tuple[list[Offering], int, int]:
    """Visible, deduplicated events placed in a region and a month; and how many were not.
    Date, place and count are the fused event's (from all its reports) when it has one."""
    rows = kept_reports(user).values_list(
        "pk",
        "key",
        "title",
        "host__key",
        "host__name",
        "start",
        "start_precision",
        "country",
        "host__country",
        "participants",
        "host_text",
    )
    fused = dict(
        FusedEvent.objects.visible_to(user)
        .filter(event__same_as__isnull=True)
        .values_list("event_id", "data")
    )
    offerings, undated, unplaced = [], 0, 0
    for row in rows:
        pk, key, title, host_key, host, start, precision, country, host_country, count, text = row
        if host_key is None:  # unreconciled host (issue 14): a provider of its own, as written
            host_key, host = f"unreconciled:{key}", f"{text} (unreconciled)"
        if pk in fused:
            start, precision, country, count = _fused_values(
                fused[pk], start, precision, country, count
            )
        if start is None or precision == "year":
            undated += 1
            continue
        if not (country or host_country):
            unplaced += 1
            continue
        offerings.append(
            Offering(
                pk,
                key,
                title,
                host_key,
                host,
                start,
                region_of(country or host_country),
                _whole(count),
            )
        )
    return offerings, undated, unplaced


def _whole(count: Any) -> int | None:
    """A participant count as a whole number of people (fused figures may arrive as floats)."""
    return None if count is None else round(float(count))


def _fused_values(data: dict, start: Any, precision: str, country: str, count: Any) -> tuple:
    """(start, precision, country, participants) of a fused event, the report's own where the
    fused event has none."""
    fields = data.get("fields", {})

    def value(name: str, default: Any) -> Any:
        return fields[name]["value"] if name in fields else default

    fused_start = value("start", None)
    if fused_start is not None:
        start = dt.date.fromisoformat(fused_start)
        precision = value("start_precision", precision)
    return start, precision, value("country", country), value("participants", count)


def _links(model, owner: str, owners, user: Any) -> dict[int, tuple[set[int], set[int]]]:
    """For each of ``owners`` (events or courses), its visible topic and target group ids."""
    found: dict[int, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    for slot, (relation, vocabulary, column) in enumerate(
        (("topics", Topic, "topic_id"), ("target_groups", TargetGroup, "targetgroup_id"))
    ):
        through = getattr(model, relation).through.objects.filter(
            **{f"{owner}__in": owners, f"{column}__in": vocabulary.objects.visible_to(user)}
        )
        for pk, item in through.values_list(owner, column):
            found[pk][slot].add(item)
    return found


# Past this many ids a filter uses the visible-events subquery instead of a literal IN list
# (SQLite refuses more than 32,766 parameters; 1M events overflowed it).
MAX_LISTED_IDS = 5000


def _classification(user: Any, events: list[int]) -> dict[int, tuple[set[int], set[int]]]:
    """Each event's visible topics and target groups (its course's when it lists none)."""
    owners = kept_reports(user).values("pk") if len(events) > MAX_LISTED_IDS else events
    own = _links(TrainingEvent, "trainingevent_id", owners, user)
    course_of = dict(
        TrainingEvent.objects.filter(
            pk__in=owners, course__in=Course.objects.visible_to(user)
        ).values_list("pk", "course_id")
    )
    courses = set(course_of.values())
    if len(courses) > MAX_LISTED_IDS:
        courses = Course.objects.visible_to(user).values("pk")
    by_course = _links(Course, "course_id", courses, user)
    fused = _fused_labels(user, events)
    result = {}
    for event in events:
        event_topics, event_groups = own.get(event, (set(), set()))
        course = by_course.get(course_of.get(event), (set(), set()))
        (topics, topics_stated), (groups, groups_stated) = fused.get(
            event, ((set(), True), (set(), True))
        )
        result[event] = (
            (topics if topics_stated else set()) or event_topics or course[0] or topics,
            (groups if groups_stated else set()) or event_groups or course[1] or groups,
        )
    return result


def _fused_labels(user: Any, events: list[int]) -> dict[int, tuple]:
    """Each fused event's visible topic and group ids, with whether they are stated (not
    inferred): stated labels of any report first, then the course's, then inferred ones."""
    ids = {
        name: dict(model.objects.visible_to(user).values_list("key", "pk"))
        for name, model in (("topics", Topic), ("target_groups", TargetGroup))
    }
    wanted = set(events)
    result = {}
    rows = FusedEvent.objects.visible_to(user).filter(event__same_as__isnull=True)
    for event_id, data in rows.values_list("event_id", "data"):
        if event_id not in wanted:
            continue
        labels = []
        for name in ("topics", "target_groups"):
            found = data.get("fields", {}).get(name) or {"value": (), "basis": "stated"}
            keys = {ids[name][k] for k in found["value"] if k in ids[name]}
            labels.append((keys, found["basis"] == "stated"))
        result[event_id] = tuple(labels)
    return result


def _windows(offerings: list[Offering], window: int) -> list[list[Offering]]:
    """Disjoint groups, each inside one window: a window of ``window`` months opens at the
    earliest offering not yet grouped and takes every later one starting within it. If it holds
    two providers or more it is a group and the next window opens after it; if it holds one
    provider only, it is no duplicated effort: the window slides to the next offering (those
    offerings may still join a later window). Greedy from the earliest, so a run of offerings
    every two months over years gives one group per window, never one chain across years."""
    ordered = sorted(offerings, key=lambda o: (o.start, o.key))
    groups, first = [], 0
    while first < len(ordered):
        last = first
        while last + 1 < len(ordered) and ordered[last + 1].month - ordered[first].month <= window:
            last += 1
        members = ordered[first : last + 1]
        if len({o.provider_key for o in members}) > 1:
            groups.append(members)
            first = last + 1
        else:
            first += 1
    return groups


def _labels(model: type[Topic] | type[TargetGroup], user: Any):
    return model.objects.visible_to(user).values_list("pk", "key", "name")


def find_overlaps(
    user: Any, window: int = DEFAULT_WINDOW, region: str | None = None
) -> OverlapReport:
    """Overlap clusters among the offerings ``user`` may see (see the module docstring)."""
    if not 0 <= window <= MAX_WINDOW:
        raise ValueError(f"window must be 0 to {MAX_WINDOW} months")
    offerings, undated, unplaced = _offerings(user)
    if region:
        offerings = [o for o in offerings if o.region == region]
    classes = _classification(user, [o.pk for o in offerings])
    by_key: dict[tuple[int, int, str], list[Offering]] = defaultdict(list)
    unclassified = 0
    for offering in offerings:
        event_topics, event_groups = classes[offering.pk]
        if not event_topics or not event_groups:
            unclassified += 1
        for topic in event_topics:
            for group in event_groups:
                by_key[(topic, group, offering.region)].append(offering)
    topics = {pk: (key, name) for pk, key, name in _labels(Topic, user)}
    groups = {pk: (key, name) for pk, key, name in _labels(TargetGroup, user)}
    clusters = []
    for (topic, group, place), members in by_key.items():
        if len({o.provider_key for o in members}) < 2:
            continue
        for component in _windows(members, window):
            clusters.append(
                OverlapCluster(
                    topic=topics[topic][0],
                    topic_name=topics[topic][1],
                    target_group=groups[group][0],
                    target_group_name=groups[group][1],
                    region=place,
                    offerings=component,
                )
            )
    clusters.sort(key=lambda c: (-c.participants, -len(c.offerings), c.topic, c.target_group))
    return OverlapReport(
        window=window,
        region=region or None,
        clusters=clusters,
        offerings=len(offerings),
        undated=undated,
        unplaced=unplaced,
        unclassified=unclassified,
    )


def cached_overlaps(
    user: Any, window: int = DEFAULT_WINDOW, region: str | None = None
) -> OverlapReport:
    """``find_overlaps``, cached per viewer class, data version and filters (the page and the
    API: 24 s at 1M events on SQLite, uncached)."""
    from nscap.analytics.cache import cached

    params = {"window": window, "region": region}
    return cached("overlap-groups", user, params, lambda: find_overlaps(user, window, region))
