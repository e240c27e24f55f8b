"""Decisions on merge suggestions, one or thousands at a time (stewards only).

One planner serves the single accept of the queue and the bulk decision ("accept every pending
suggestion from weight W up"), so both obey the same rules:

- **One report kept per event, no chains.** The reports already merged form groups (following
  ``same_as``); accepting a suggestion joins the duplicate's group to the kept report's group,
  and every report of a group that changed is pointed straight at the group's kept report (the
  kept report of the kept side). Analytics then read one hop, never a chain A → B → C.
- **One reporter reports an event once.** A join that would put two reports of the same
  reporter in one group is skipped, with that reason in the preview.
- **One changeset, one undo.** Every ``same_as`` written by a decision is one changeset through
  ``contributions.services.propose`` (history per report); undoing the decision reverts that
  changeset whole (``revert_changeset``) and puts the reports back in their clusters.

The preview is the plan itself: ``plan`` reads and writes nothing; ``decide`` makes the same
plan inside its transaction and applies it, refusing when it no longer matches what the
steward previewed (``expect``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from nscap.contributions import services as contributions
from nscap.contributions.errors import AlreadyReviewed, Invalid, NotAllowed, NotFound, Stale
from nscap.contributions.models import HistoryEntry
from nscap.core.visibility import is_steward
from nscap.linkage.choices import BulkAction, SuggestionStatus, SuggestionStrength
from nscap.linkage.models import BulkDecision, ClusterMember, LinkCluster, MergeSuggestion
from nscap.linkage.selectors import ReportState, report_states

EXAMPLES = 5  # suggestions shown per kind in a preview
SAME_REPORTER = "two reports of one reporter would be one event"
ALREADY_ONE = "already the same event"


def require_steward(user: Any) -> None:
    if not is_steward(user):
        raise NotAllowed("Only stewards run linkage and decide merges.")


@dataclass
class Selection:
    """Which pending suggestions a bulk decision takes: match weight ``min_weight`` and up
    and/or below ``below_weight``, optionally of one strength ("linked")."""

    action: str
    min_weight: float | None = None
    below_weight: float | None = None
    strength: str = ""

    def __post_init__(self) -> None:
        if self.action not in BulkAction.values:
            raise Invalid([{"field": "action", "message": "accept or reject"}])
        if self.strength and self.strength not in SuggestionStrength.values:
            raise Invalid(
                [{"field": "strength", "message": f"one of {', '.join(SuggestionStrength.values)}"}]
            )
        if self.min_weight is None and self.below_weight is None and not self.strength:
            raise Invalid(
                [
                    {
                        "field": "min_weight",
                        "message": "give a weight to start from, one to stay below, or a strength",
                    }
                ]
            )
        if (
            self.min_weight is not None
            and self.below_weight is not None
            and self.min_weight >= self.below_weight
        ):
            raise Invalid(
                [{"field": "below_weight", "message": "must be above the weight to start from"}]
            )

    def describe(self) -> str:
        parts = []
        if self.min_weight is not None:
            parts.append(f"match weight ≥ {self.min_weight:g}")
        if self.below_weight is not None:
            parts.append(f"match weight < {self.below_weight:g}")
        if self.strength:
            parts.append(f"strength {self.strength}")
        return " and ".join(parts)

    def suggestions(self) -> QuerySet[MergeSuggestion]:
        queryset = MergeSuggestion.objects.filter(status=SuggestionStatus.PENDING)
        if self.min_weight is not None:
            queryset = queryset.filter(match_weight__gte=self.min_weight)
        if self.below_weight is not None:
            queryset = queryset.filter(match_weight__lt=self.below_weight)
        if self.strength:
            queryset = queryset.filter(strength=self.strength)
        return queryset.order_by("-match_weight", "id")


@dataclass
class Plan:
    """What a decision would do: the suggestions it decides, those it skips and why, and the
    ``same_as`` pointers it writes (report pk -> new target pk, or None)."""

    action: str
    selected: int = 0
    decided: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)
    moves: dict[int, int | None] = field(default_factory=dict)
    standing_before: int = 0
    standing_after: int = 0
    events: int = 0  # events (kept reports) that the folded reports now belong to
    examples: list[tuple[int, str]] = field(default_factory=list)  # (suggestion, outcome)
    states: dict[int, ReportState] = field(default_factory=dict, repr=False)

    @property
    def reports_folded(self) -> int:
        return self.standing_before - self.standing_after

    def summary(self) -> dict[str, Any]:
        """The preview in plain values (page, API, CLI), examples with both reports."""
        reasons = Counter(self.skipped.values())
        shown = dict(self.examples)
        rows = MergeSuggestion.objects.filter(pk__in=list(shown)).select_related(
            "kept", "duplicate"
        )
        examples = sorted(
            (
                {
                    "id": s.pk,
                    "match_weight": round(s.match_weight, 2),
                    "kept": s.kept.key,
                    "kept_title": s.kept.title,
                    "duplicate": s.duplicate.key,
                    "duplicate_title": s.duplicate.title,
                    "outcome": shown[s.pk],
                }
                for s in rows
            ),
            key=lambda row: (row["outcome"] != self.action, -row["match_weight"], row["id"]),
        )
        return {
            "action": self.action,
            "selected": self.selected,
            "decided": len(self.decided),
            "skipped": dict(sorted(reasons.items())),
            "reports_changed": len(self.moves),
            "reports_folded": self.reports_folded,
            "events": self.events,
            "standing_before": self.standing_before,
            "standing_after": self.standing_after,
            "examples": examples,
        }


class _Groups:
    """Reports grouped by the event they report (following ``same_as``), with each group's
    reporters; ``join`` refuses a second report of one reporter."""

    def __init__(self, states: dict[int, ReportState]):
        self.states = states
        self.parent: dict[int, int] = {}
        self.members: dict[int, list[int]] = defaultdict(list)
        for pk in states:
            root = self._chain_root(pk)
            self.parent[pk] = root
            self.members[root].append(pk)
        self.reporters = {
            root: Counter(states[m].reporter for m in members if states[m].reporter is not None)
            for root, members in self.members.items()
        }
        self.touched: set[int] = set()

    def _chain_root(self, pk: int) -> int:
        seen = {pk}
        while (target := self.states[pk].same_as_id) is not None and target in self.states:
            if target in seen:
                break  # a cycle written outside the services: its first report is kept
            seen.add(target)
            pk = target
        return pk

    def find(self, pk: int) -> int:
        while self.parent[pk] != pk:
            self.parent[pk] = self.parent[self.parent[pk]]
            pk = self.parent[pk]
        return pk

    def join(self, kept: int, duplicate: int) -> str | None:
        """Fold the duplicate's group into the kept report's; the reason it may not, if any."""
        a, b = self.find(kept), self.find(duplicate)
        if a == b:
            return ALREADY_ONE
        if self.reporters[a].keys() & self.reporters[b].keys():
            return SAME_REPORTER
        self.parent[b] = a
        self.members[a].extend(self.members.pop(b))
        self.reporters[a].update(self.reporters.pop(b))
        self.touched.discard(b)
        self.touched.add(a)
        return None

    def moves(self) -> dict[int, int | None]:
        """The pointers to write: every report of a changed group straight at its root."""
        out: dict[int, int | None] = {}
        for root in self.touched:
            for pk in self.members[root]:
                target = None if pk == root else root
                if self.states[pk].same_as_id != target:
                    out[pk] = target
        return out


def plan(
    user: Any,
    selection: Selection,
    suggestions: Iterable[MergeSuggestion] | None = None,
    *,
    local: bool = False,
) -> Plan:
    """What deciding ``selection`` would do now (``suggestions``: these instead, in order).

    ``local``: read only the events the suggestions touch (a decision on a few: the queue's
    single accept); the standing counts are then of those events alone."""
    require_steward(user)
    chosen = list(
        suggestions
        if suggestions is not None
        else selection.suggestions().only("pk", "kept_id", "duplicate_id")
    )
    result = Plan(selection.action, selected=len(chosen))
    if selection.action == BulkAction.REJECT:
        result.decided = [s.pk for s in chosen]
        result.examples = [(pk, BulkAction.REJECT.value) for pk in result.decided[:EXAMPLES]]
        return result
    around = {pk for s in chosen for pk in (s.kept_id, s.duplicate_id)} if local else None
    states = result.states = report_states(user, around)
    groups = _Groups(states)
    result.standing_before = len(groups.members)
    for suggestion in chosen:
        if suggestion.kept_id not in states or suggestion.duplicate_id not in states:
            result.skipped[suggestion.pk] = "a report is not visible"
            continue
        reason = groups.join(suggestion.kept_id, suggestion.duplicate_id)
        if reason == SAME_REPORTER:
            result.skipped[suggestion.pk] = reason
        else:
            result.decided.append(suggestion.pk)  # "already one event" is accepted as true
    result.moves = groups.moves()
    result.standing_after = len(groups.members)
    result.events = len(groups.touched)
    per_reason: dict[str, list[int]] = defaultdict(list)
    for pk, reason in result.skipped.items():
        per_reason[reason].append(pk)
    result.examples = [(pk, BulkAction.ACCEPT.value) for pk in result.decided[:EXAMPLES]] + [
        (pk, f"skipped: {reason}") for reason, pks in per_reason.items() for pk in pks[:EXAMPLES]
    ]
    return result


def _apply_moves(user: Any, result: Plan, comment: str) -> Any:
    """One changeset pointing every moved report at its new target (None: standing again)."""
    states, moves = result.states, result.moves
    changes = [
        contributions.ProposedChange(
            "update",
            "training_event",
            key=states[pk].key,
            values={"same_as": states[target].key if target is not None else None},
            base_version=states[pk].version,
        )
        for pk, target in sorted(moves.items())
    ]
    return contributions.propose(user, changes, comment=comment, origin="linkage")


def accept_one(user: Any, suggestion: MergeSuggestion, comment: str) -> Any:
    """The queue's single accept (``services.accept``): the same plan for one suggestion.
    Returns the changeset (None when the two reports are one event already)."""
    selection = Selection(BulkAction.ACCEPT, strength=suggestion.strength)
    result = plan(user, selection, [suggestion], local=True)
    if suggestion.pk in result.skipped:
        raise Invalid([{"field": "suggestion", "message": result.skipped[suggestion.pk]}])
    if not result.moves:
        return None
    changeset = _apply_moves(user, result, comment)
    _move_clusters(result.moves)
    return changeset


def _move_clusters(moves: dict[int, int | None]) -> dict[str, dict]:
    """Put each moved report in its new kept report's cluster; return what undo needs."""
    targets = {pk: target for pk, target in moves.items() if target is not None}
    wanted = set(targets) | set(targets.values())
    cluster_of = dict(
        ClusterMember.objects.filter(event_id__in=wanted).values_list("event_id", "cluster_id")
    )
    by_cluster: dict[int, list[int]] = defaultdict(list)
    for pk, target in targets.items():
        if pk in cluster_of and target in cluster_of and cluster_of[pk] != cluster_of[target]:
            by_cluster[cluster_of[target]].append(pk)
    if not by_cluster:
        return {}
    moved = [pk for pks in by_cluster.values() for pk in pks]
    emptied = {cluster_of[pk] for pk in moved}
    before = {
        "members": {str(pk): cluster_of[pk] for pk in moved},
        "clusters": {
            str(c.pk): [c.public_id, c.first_run_id]
            for c in LinkCluster.objects.filter(pk__in=emptied)
        },
    }
    for cluster_id, pks in by_cluster.items():
        for start in range(0, len(pks), 5000):
            ClusterMember.objects.filter(event_id__in=pks[start : start + 5000]).update(
                cluster_id=cluster_id
            )
    LinkCluster.objects.filter(pk__in=emptied, members__isnull=True).delete()
    return before


def _restore_clusters(before: dict[str, dict]) -> None:
    for cluster_id, (public_id, first_run_id) in (before.get("clusters") or {}).items():
        LinkCluster.objects.get_or_create(
            pk=int(cluster_id), defaults={"public_id": public_id, "first_run_id": first_run_id}
        )
    by_cluster: dict[int, list[int]] = defaultdict(list)
    for event_id, cluster_id in (before.get("members") or {}).items():
        by_cluster[cluster_id].append(int(event_id))
    for cluster_id, pks in by_cluster.items():
        ClusterMember.objects.filter(event_id__in=pks).update(cluster_id=cluster_id)


def decide(
    user: Any, selection: Selection, *, expect: int | None = None, comment: str = ""
) -> BulkDecision:
    """Decide every suggestion of ``selection`` as one unit. ``expect``: the number of
    suggestions the steward's preview decided; another number means the queue changed since,
    and nothing is done (Stale). A selection that decides nothing is refused (Invalid)."""
    require_steward(user)
    with transaction.atomic():
        chosen = list(
            selection.suggestions()
            .select_for_update(of=("self",))
            .only("pk", "kept_id", "duplicate_id")
        )
        result = plan(user, selection, chosen)
        if not result.decided:
            raise Invalid([{"field": "min_weight", "message": _nothing(selection, result)}])
        if expect is not None and expect != len(result.decided):
            raise Stale(
                f"the preview decided {expect} suggestions, now it would be "
                f"{len(result.decided)}: the queue changed; preview again"
            )
        bulk = BulkDecision.objects.create(
            action=selection.action,
            min_weight=selection.min_weight,
            below_weight=selection.below_weight,
            strength=selection.strength,
            decided_by=user,
            decided=len(result.decided),
            skipped=len(result.skipped),
            reports_folded=result.reports_folded,
        )
        changeset = None
        if result.moves:
            changeset = _apply_moves(
                user,
                result,
                comment
                or f"Bulk merge {bulk.pk}: {len(result.decided)} suggestions "
                f"({selection.describe()})",
            )
            bulk.changeset = changeset
            bulk.clusters_before = _move_clusters(result.moves)
            bulk.save(update_fields=["changeset", "clusters_before"])
        status = (
            SuggestionStatus.ACCEPTED
            if selection.action == BulkAction.ACCEPT
            else SuggestionStatus.REJECTED
        )
        now = timezone.now()
        for start in range(0, len(result.decided), 5000):
            MergeSuggestion.objects.filter(pk__in=result.decided[start : start + 5000]).update(
                status=status,
                decided_by=user,
                decided_at=now,
                changeset=changeset,
                undo_changeset=None,
                bulk_decision=bulk,
            )
        return bulk


def _nothing(selection: Selection, result: Plan) -> str:
    if not result.selected:
        return f"no pending suggestion has {selection.describe()}: nothing to decide"
    return (
        f"all {result.selected} pending suggestions with {selection.describe()} are skipped "
        f"({', '.join(sorted(set(result.skipped.values())))}): nothing to decide"
    )


def check_unchanged_since(changeset_id: int) -> None:
    """Refuse (Stale) to revert a merge changeset when one of its reports was changed since
    (a later history entry): a revert writes each report back whole and would undo the later
    change unseen."""
    entries = HistoryEntry.objects.filter(changeset_id=changeset_id)
    last = max(entries.values_list("pk", flat=True), default=0)
    keys = sorted(set(entries.values_list("record_key", flat=True)))
    for start in range(0, len(keys), 5000):
        later = (
            HistoryEntry.objects.filter(
                record_type="training_event", record_key__in=keys[start : start + 5000], pk__gt=last
            )
            .values_list("record_key", flat=True)
            .first()
        )
        if later is not None:
            raise Stale(
                f"report {later} changed since this decision: undo the later change or decision "
                "first"
            )


def undo(user: Any, bulk_id: int, comment: str = "") -> BulkDecision:
    """Undo a bulk decision whole: revert its changeset (history says so), put the reports
    back in their clusters, and make its suggestions pending again. Refused (Stale) when a
    report changed since."""
    require_steward(user)
    with transaction.atomic():
        bulk = BulkDecision.objects.select_for_update().filter(pk=bulk_id).first()
        if bulk is None:
            raise NotFound(f"no bulk decision {bulk_id}")
        if bulk.undone_at is not None:
            raise AlreadyReviewed(f"bulk decision {bulk_id} is undone already")
        if bulk.changeset_id:
            check_unchanged_since(bulk.changeset_id)
            bulk.undo_changeset = contributions.revert_changeset(
                user, bulk.changeset_id, comment or f"Undo bulk decision {bulk_id}"
            )
            _restore_clusters(bulk.clusters_before)
        MergeSuggestion.objects.filter(bulk_decision=bulk).exclude(
            status=SuggestionStatus.PENDING
        ).update(
            status=SuggestionStatus.PENDING,
            decided_by=user,
            decided_at=timezone.now(),
            undo_changeset=bulk.undo_changeset,
        )
        bulk.undone_by, bulk.undone_at = user, timezone.now()
        bulk.save(update_fields=["undo_changeset", "undone_by", "undone_at"])
        return bulk
