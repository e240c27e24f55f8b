"""Keep every linked event's ``FusedEvent`` in step with its reports.

The write services call ``refuse_touched`` after applying a changeset that created, changed or
deleted event reports (a ``same_as`` link included), and ``nscap fuse`` rebuilds them all; no
signals. Rules of fusion: ``activities.fusion``.

**Visibility.** A fused event is read with its kept report's visibility, so it is fused only
from reports *at least as visible as the kept report* (``qualifying``): the kept report itself,
reports with the same sensitivity and host (the same read condition), and reports any visitor may
see. A restricted or network duplicate of a public event therefore adds nothing to it, not even
for a steward; its data stays on its own page, for those who may see it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from nscap.activities.fusion import ReportFacts, fuse
from nscap.activities.models import (
    EventParticipantCountry,
    EventPartner,
    FusedEvent,
    TrainingEvent,
)
from nscap.institutions.models import Institution
from nscap.linkage.features import TopicInferrer
from nscap.vocabularies.models import TargetGroup, Topic

CHUNK = 2_000
COLUMNS = (
    "pk",
    "key",
    "host_id",
    "reported_by_id",
    "title",
    "start",
    "start_precision",
    "end",
    "end_precision",
    "country",
    "city",
    "delivery_mode",
    "participants",
    "participants_qualifier",
    "same_as_id",
    "sensitivity",
)


def _vocabulary(model: type) -> dict[str, list[str]]:
    return {
        row.key: [label for label in (row.name, row.name_zh, *row.aliases) if label]
        for row in model.objects.all()
    }


def roots(ids: Iterable[int]) -> set[int]:
    """The kept report of each report in ``ids`` (following ``same_as`` to its end)."""
    pending, found = set(ids), set()
    seen: set[int] = set()
    while pending:
        seen |= pending
        ordered = sorted(pending)
        rows = [
            row
            for start in range(0, len(ordered), CHUNK)
            for row in TrainingEvent.objects.filter(
                pk__in=ordered[start : start + CHUNK]
            ).values_list("pk", "same_as_id")
        ]
        pending = set()
        for pk, same_as in rows:
            if same_as is None:
                found.add(pk)
            elif same_as not in seen:
                pending.add(same_as)
    return found


def _members(root_ids: list[int]) -> dict[int, list[tuple]]:
    """Every report of each root event (the root first), as ``COLUMNS`` rows."""
    rows = {r[0]: r for r in TrainingEvent.objects.filter(pk__in=root_ids).values_list(*COLUMNS)}
    root_of = {pk: pk for pk in rows}
    frontier = list(rows)
    while frontier:
        children = list(TrainingEvent.objects.filter(same_as_id__in=frontier).values_list(*COLUMNS))
        frontier = []
        for row in children:
            if row[0] not in root_of:
                root_of[row[0]] = root_of[row[14]]
                rows[row[0]] = row
                frontier.append(row[0])
    groups: dict[int, list[tuple]] = defaultdict(list)
    for pk, row in rows.items():
        groups[root_of[pk]].append(row)
    for members in groups.values():
        members.sort(key=lambda r: (r[14] is not None, r[0]))
    return groups


def qualifying(kept: tuple, members: list[tuple], public: set[int]) -> list[tuple]:
    """Members at least as visible as ``kept`` (see the module's rule); ``public``: ids of the
    members an anonymous visitor may see."""
    return [
        m
        for m in members
        if m[0] == kept[0] or (m[15], m[2]) == (kept[15], kept[2]) or m[0] in public
    ]


def refuse(root_ids: Iterable[int]) -> int:
    """Recompute the fused events of these kept reports; returns how many were written."""
    root_ids = sorted(set(root_ids))
    if not root_ids:
        return 0
    topics = TopicInferrer(_vocabulary(Topic)).infer
    groups_of = TopicInferrer(_vocabulary(TargetGroup)).infer
    written = 0
    for start in range(0, len(root_ids), CHUNK):
        written += _refuse_chunk(root_ids[start : start + CHUNK], topics, groups_of)
    return written


def _refuse_chunk(root_ids: list[int], infer_topics: Any, infer_groups: Any) -> int:
    groups = _members(root_ids)
    ids = [row[0] for members in groups.values() for row in members]
    public = set(
        TrainingEvent.objects.visible_to(AnonymousUser())
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )
    breakdown: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for event_id, country, count in EventParticipantCountry.objects.filter(
        event_id__in=ids
    ).values_list("event_id", "country", "count"):
        breakdown[event_id].append((country, count))
    labels: dict[str, dict[int, list[str]]] = {"topics": defaultdict(list), "groups": {}}
    labels["groups"] = defaultdict(list)
    for event_id, key in TrainingEvent.topics.through.objects.filter(
        trainingevent_id__in=ids
    ).values_list("trainingevent_id", "topic__key"):
        labels["topics"][event_id].append(key)
    for event_id, key in TrainingEvent.target_groups.through.objects.filter(
        trainingevent_id__in=ids
    ).values_list("trainingevent_id", "targetgroup__key"):
        labels["groups"][event_id].append(key)
    partners: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for event_id, institution, role in EventPartner.objects.filter(event_id__in=ids).values_list(
        "event_id", "institution_id", "role"
    ):
        partners[event_id].append((institution, role))
    reporters = {r[i] for members in groups.values() for r in members for i in (2, 3) if r[i]}
    countries = dict(Institution.objects.filter(pk__in=reporters).values_list("pk", "country"))
    rows = []
    for root, members in groups.items():
        kept = members[0]
        facts = [
            ReportFacts(
                id=m[0],
                key=m[1],
                host=m[2],
                reported_by=m[3],
                title=m[4],
                start=m[5],
                start_precision=m[6],
                end=m[7],
                end_precision=m[8],
                country=m[9],
                city=m[10],
                delivery_mode=m[11],
                participants=m[12],
                qualifier=m[13],
                breakdown=tuple(sorted(breakdown.get(m[0], ()))),
                topics=tuple(sorted(labels["topics"].get(m[0], ()))),
                target_groups=tuple(sorted(labels["groups"].get(m[0], ()))),
                partners=tuple(sorted(partners.get(m[0], ()))),
            )
            for m in qualifying(kept, members, public)
        ]
        fused = fuse(
            facts,
            root,
            infer_topics=infer_topics,
            infer_groups=infer_groups,
            country_of=lambda pk: countries.get(pk, ""),
        )
        rows.append(
            FusedEvent(
                event_id=root,
                data=fused.as_json(),
                has_inferred=any(f.basis == "inferred" for f in fused.fields.values()),
                has_estimate=fused.estimate is not None,
            )
        )
    with transaction.atomic():
        duplicates = [row[0] for members in groups.values() for row in members[1:]]
        FusedEvent.objects.filter(event_id__in=[*root_ids, *duplicates]).delete()
        FusedEvent.objects.bulk_create(rows)
    return len(rows)


def refuse_touched(event_keys: Iterable[str], former_same_as: Iterable[str] = ()) -> int:
    """After a write: refuse the events these reports belong to now, and those they were
    linked to before (an undone link leaves the former kept report to be fused again)."""
    keys = sorted(set(event_keys) | {k for k in former_same_as if k})
    ids = [
        pk
        for start in range(0, len(keys), CHUNK)
        for pk in TrainingEvent.objects.filter(key__in=keys[start : start + CHUNK]).values_list(
            "pk", flat=True
        )
    ]
    return refuse(roots(ids))


def refuse_hosted_by(institution_keys: Iterable[str]) -> int:
    """After a host's sensitivity changed: refuse every event one of its reports belongs to."""
    if not institution_keys:
        return 0
    ids = TrainingEvent.objects.filter(host__key__in=list(institution_keys)).values_list(
        "pk", flat=True
    )
    return refuse(roots(ids))


def rebuild_all() -> int:
    """Fuse every event again (``nscap fuse``), and drop fused rows of reports now linked."""
    FusedEvent.objects.filter(event__same_as__isnull=False).delete()
    return refuse(TrainingEvent.objects.filter(same_as__isnull=True).values_list("pk", flat=True))
