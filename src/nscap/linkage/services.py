"""Writes for linkage: run it, and accept, reject or undo a merge suggestion (stewards only).

A run writes only linkage's own tables (clusters, suggestions). A merge is a changeset through
the contribution services that points the duplicate report's ``same_as`` at the report kept
(applied at once: stewards' own changes are); undoing it reverts that changeset.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from nscap.activities.models import TrainingEvent
from nscap.contributions import services as contributions
from nscap.contributions.errors import AlreadyReviewed, NotAllowed, NotFound
from nscap.linkage import decisions, engine
from nscap.linkage.choices import RunStatus, SuggestionStatus, SuggestionStrength
from nscap.linkage.models import ClusterMember, LinkCluster, LinkRun, MergeSuggestion
from nscap.linkage.selectors import event_rows, topic_vocabulary

STRENGTH = {
    "linked": SuggestionStrength.LINKED,
    "suggested": SuggestionStrength.POSSIBLE,
    "ambiguous": SuggestionStrength.AMBIGUOUS,
}


_require_steward = decisions.require_steward


def _new_public_id() -> str:
    while True:
        candidate = f"ev-{secrets.token_hex(4)}"
        if not LinkCluster.objects.filter(public_id=candidate).exists():
            return candidate


def _previous_clusters(full: bool, events: dict[str, TrainingEvent]) -> dict[str, str]:
    """Earlier cluster ids by event key; on a full relink only accepted merges carry over."""
    if not full:
        return dict(ClusterMember.objects.values_list("event__key", "cluster__public_id"))
    by_pk = {event.pk: event for event in events.values()}
    roots: dict[str, str] = {}
    for key, event in events.items():
        root = event
        while root.same_as_id and root.same_as_id in by_pk:
            root = by_pk[root.same_as_id]
        if root is not event:
            roots[key] = roots[root.key] = f"merged-{root.pk}"
    return roots


def run_linkage(
    user: Any, *, incremental: bool = True, progress: Callable[[str], None] | None = None
) -> LinkRun:
    """Link every event the steward may see; keep cluster ids; record new suggestions."""
    _require_steward(user)
    run = LinkRun.objects.create(started_by=user, full=not incremental)
    try:
        rows = list(event_rows(user))
        events = {
            e.key: e
            for e in TrainingEvent.objects.visible_to(user).only(
                "pk", "key", "same_as_id", "reported_by_id"
            )
        }
        previous = _previous_clusters(not incremental, events)
        result = engine.link(
            rows,
            topic_vocabulary=topic_vocabulary(user),
            previous=previous,
            new_cluster_id=_new_public_id,
            progress=progress,
        )
        if progress:
            progress("saving")
        with transaction.atomic():
            _save_clusters(run, result.cluster_of, events, replace=not incremental)
            run.new_suggestions = _save_suggestions(run, result, events)
            run.reports = len(rows)
            run.pairs_scored = len(result.pairs)
            run.clusters = len(set(result.cluster_of.values()))
            run.status = RunStatus.DONE
            run.finished_at = timezone.now()
            run.save()
    except Exception as exc:
        run.status, run.message, run.finished_at = RunStatus.FAILED, str(exc), timezone.now()
        run.save()
        raise
    return run


def _save_clusters(
    run: LinkRun, cluster_of: dict[str, str], events: dict[str, TrainingEvent], replace: bool
) -> None:
    if replace:
        LinkCluster.objects.all().delete()
    real_ids = {}
    for public_id in sorted(set(cluster_of.values())):
        # anchors of a full relink ("merged-12") are placeholders: give them real ids
        real_ids[public_id] = _new_public_id() if public_id.startswith("merged-") else public_id
    existing = {c.public_id: c for c in LinkCluster.objects.filter(public_id__in=real_ids.values())}
    missing = [
        LinkCluster(public_id=p, first_run=run) for p in real_ids.values() if p not in existing
    ]
    for cluster in LinkCluster.objects.bulk_create(missing):
        existing[cluster.public_id] = cluster
    memberships = {m.event_id: m for m in ClusterMember.objects.all()}
    changed, new = [], []
    for key, public_id in cluster_of.items():
        cluster = existing[real_ids[public_id]]
        event = events[key]
        member = memberships.get(event.pk)
        if member is None:
            new.append(ClusterMember(cluster=cluster, event=event))
        elif member.cluster_id != cluster.pk:
            member.cluster = cluster
            changed.append(member)
    ClusterMember.objects.bulk_create(new)
    ClusterMember.objects.bulk_update(changed, ["cluster"])
    LinkCluster.objects.filter(members__isnull=True).delete()


def _keep_order(event: TrainingEvent) -> tuple:
    return (event.same_as_id is not None, event.reported_by_id is not None, event.pk)


def _representatives(cluster_of: dict[str, str], events: dict) -> dict[str, TrainingEvent]:
    """The report each cluster keeps: one not merged away, the host's own if any, else the
    earliest record."""
    members: dict[str, list[TrainingEvent]] = defaultdict(list)
    for key, cluster in cluster_of.items():
        members[cluster].append(events[key])
    return {
        cluster: min(
            group, key=lambda e: (e.same_as_id is not None, e.reported_by_id is not None, e.pk)
        )
        for cluster, group in members.items()
        if len(group) > 1
    }


def _save_suggestions(run: LinkRun, result: engine.LinkResult, events: dict) -> int:
    """Suggestions: every report of a linked cluster against the cluster's kept report, and
    each possible or ambiguous pair across clusters; one per pair, its strongest evidence;
    decided pairs and reports merged already are not suggested again.

    Accepting every "linked" suggestion must give the run's clusters exactly (one report kept
    per cluster, the others pointing at it). A report may be linked to its cluster through
    another duplicate only (the kept report and it were never compared): its suggestion
    against the kept report then carries the strongest pair that linked it. Pending
    suggestions of earlier runs are brought up to date, or deleted when this run no longer
    makes them (accepting a stale "linked" one would join two of this run's clusters)."""
    keep = _representatives(result.cluster_of, events)
    best: dict[tuple[int, int], tuple[bool, engine.Pair]] = {}
    for pair in result.pairs:
        if pair.status == "kept apart":
            continue
        a, b = events[pair.left], events[pair.right]
        if pair.status == "linked":
            kept = keep[result.cluster_of[pair.left]]
            direct = kept.pk in (a.pk, b.pk)
            candidates = [(kept, e, direct) for e in (a, b) if e.pk != kept.pk]
        else:
            candidates = [(*sorted((a, b), key=_keep_order), True)]
        for kept, duplicate, direct in candidates:
            if duplicate.same_as_id is not None:
                continue  # merged already
            current = best.get((kept.pk, duplicate.pk))
            if current is None or (direct, pair.match_weight) > (
                current[0],
                current[1].match_weight,
            ):
                best[kept.pk, duplicate.pk] = (direct, pair)
    decided, pending = set(), {}
    for pk, kept_id, duplicate_id, status in MergeSuggestion.objects.values_list(
        "pk", "kept_id", "duplicate_id", "status"
    ):
        if status == SuggestionStatus.PENDING:
            pending[frozenset((kept_id, duplicate_id))] = pk
        else:
            decided.add(frozenset((kept_id, duplicate_id)))
    new, refreshed = [], []
    for (kept_id, duplicate_id), (_direct, pair) in best.items():
        both = frozenset((kept_id, duplicate_id))
        if both in decided:
            continue
        suggestion = MergeSuggestion(
            pk=pending.pop(both, None),
            run=run,
            kept_id=kept_id,
            duplicate_id=duplicate_id,
            match_weight=pair.match_weight,
            match_probability=pair.match_probability,
            comparisons=pair.comparisons,
            strength=STRENGTH[pair.status],
        )
        (refreshed if suggestion.pk else new).append(suggestion)
    stale = list(pending.values())
    for start in range(0, len(stale), 5000):
        MergeSuggestion.objects.filter(pk__in=stale[start : start + 5000]).delete()
    MergeSuggestion.objects.bulk_update(
        refreshed,
        [
            "run",
            "kept",
            "duplicate",
            "match_weight",
            "match_probability",
            "comparisons",
            "strength",
        ],
        batch_size=500,
    )
    MergeSuggestion.objects.bulk_create(new, batch_size=2000)
    return len(new)


def _pending(user: Any, suggestion_id: int, status: str = SuggestionStatus.PENDING):
    _require_steward(user)
    suggestion = (
        MergeSuggestion.objects.select_for_update(of=("self",))
        .select_related("kept", "duplicate")
        .filter(pk=suggestion_id)
        .first()
    )
    if suggestion is None:
        raise NotFound(f"no merge suggestion {suggestion_id}")
    if suggestion.status != status:
        raise AlreadyReviewed(
            f"merge suggestion {suggestion_id} is {suggestion.get_status_display()}"
        )
    return suggestion


def _decided(suggestion: MergeSuggestion, user: Any, status: str) -> MergeSuggestion:
    suggestion.status, suggestion.decided_by, suggestion.decided_at = status, user, timezone.now()
    suggestion.save()
    return suggestion


def accept(user: Any, suggestion_id: int, comment: str = "") -> MergeSuggestion:
    """Merge: a changeset pointing the duplicate (and any report merged into it) at the kept
    report's event (applied: stewards' own changes are); the duplicate's cluster joins the kept
    report's cluster. Refused when the event would hold two reports of one reporter
    (``decisions``: the same rules as a bulk decision)."""
    with transaction.atomic():
        suggestion = _pending(user, suggestion_id)
        suggestion.changeset = decisions.accept_one(
            user,
            suggestion,
            comment or f"Merge: {suggestion.duplicate.key} reports {suggestion.kept.key}",
        )
        suggestion.bulk_decision = None
        return _decided(suggestion, user, SuggestionStatus.ACCEPTED)


def reject(user: Any, suggestion_id: int) -> MergeSuggestion:
    """The two reports are different events; the pair is not suggested again."""
    with transaction.atomic():
        return _decided(_pending(user, suggestion_id), user, SuggestionStatus.REJECTED)


def undo(user: Any, suggestion_id: int, comment: str = "") -> MergeSuggestion:
    """Revert the merge's changeset (the duplicate counts again); the suggestion is pending
    again, so a steward may decide it anew."""
    with transaction.atomic():
        suggestion = _pending(user, suggestion_id, SuggestionStatus.ACCEPTED)
        if suggestion.bulk_decision_id is not None:
            raise NotAllowed(
                f"merge suggestion {suggestion_id} was accepted in bulk decision "
                f"{suggestion.bulk_decision_id}: undo that decision as a whole"
            )
        if suggestion.changeset_id is not None:
            decisions.check_unchanged_since(suggestion.changeset_id)
            suggestion.undo_changeset = contributions.revert_changeset(
                user, suggestion.changeset_id, comment or f"Undo merge suggestion {suggestion_id}"
            )
        suggestion.status, suggestion.decided_by = SuggestionStatus.PENDING, user
        suggestion.decided_at = timezone.now()
        suggestion.save()
        return suggestion
