"""Reads of the reconciliation queue, through the one read filter.

A mention is seen with its record: only when ``visible_to(user)`` returns the record it names.
Stewards see every mention; a contributor only those of rows that came in for one of their
institutions (``owner``). Stored candidates were computed for the importer, so every read
filters them again by what the viewer may see (``visible_candidates``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Count, Min, Q, QuerySet

from nscap.accounts.selectors import can_contribute, institution_ids_of
from nscap.contributions.choices import ChangesetStatus
from nscap.contributions.record_types import RECORD_TYPES
from nscap.core.visibility import is_steward
from nscap.institutions.models import Institution
from nscap.reconciliation.choices import MentionState
from nscap.reconciliation.models import NameMention

CLOSED = (ChangesetStatus.REJECTED, ChangesetStatus.WITHDRAWN)
WAITING = (ChangesetStatus.PENDING, ChangesetStatus.NEEDS_MORE)


@dataclass(frozen=True)
class GroupKey:
    """One name in one context: what one decision is about."""

    normalized: str
    country: str
    reporter: str

    def as_dict(self) -> dict[str, str]:
        return {
            "normalized": self.normalized,
            "country": self.country,
            "reported_by": self.reporter,
        }


def pending_q() -> Q:
    """Mentions waiting for a decision: none made, or its changeset was turned down."""
    return Q(decision="") | Q(changeset__status__in=CLOSED)


def state_of(mention: NameMention) -> str:
    if mention.decision == "" or (mention.changeset and mention.changeset.status in CLOSED):
        return MentionState.PENDING
    if mention.changeset is not None and mention.changeset.status in WAITING:
        return MentionState.PROPOSED
    return MentionState.DECIDED


def visible_mentions(user: Any) -> QuerySet[NameMention]:
    """Mentions ``user`` may see and reconcile: their record is visible to them, and (unless
    they are a steward) the row came in for one of their institutions. For the whole queue;
    one group's mentions are read by ``group_mentions``, which checks only their records."""
    mentions = _reconcilable_by(user)
    seen = Q()
    for name in mentions.order_by().values_list("record_type", flat=True).distinct():
        if name in RECORD_TYPES:
            model = apps.get_model(RECORD_TYPES[name].model_label)
            seen |= Q(record_type=name, record_key__in=model.objects.visible_to(user).values("key"))
    return mentions.filter(seen) if seen else NameMention.objects.none()


def _reconcilable_by(user: Any) -> QuerySet[NameMention]:
    """Mentions ``user`` may reconcile before their records' visibility: every one for a
    steward, those of rows that came in for their institutions for a contributor."""
    if not can_contribute(user):
        return NameMention.objects.none()
    if is_steward(user):
        return NameMention.objects.all()
    return NameMention.objects.filter(owner_id__in=institution_ids_of(user))


def queue_groups(user: Any, *, limit: int = 200, offset: int = 0) -> tuple[list[dict], int]:
    """(groups, how many) of pending mentions by name and context, most rows first."""
    grouped = (
        visible_mentions(user)
        .filter(pending_q())
        .order_by()
        .values("normalized", "context_country", "context_reporter")
        .annotate(rows=Count("pk"), text=Min("text"))
    )
    total = grouped.count()
    page = list(grouped.order_by("-rows", "normalized")[offset : offset + limit])
    for group in page:
        group["key"] = GroupKey(
            group["normalized"], group["context_country"], group["context_reporter"]
        )
        group["candidates"] = visible_candidates(user, _first_candidates(user, group["key"]))
    return page, total


def _first_candidates(user: Any, key: GroupKey) -> list[dict]:
    first = group_mentions(user, key).first()
    return first.candidates if first else []


def group_mentions(user: Any, key: GroupKey, *, pending: bool = True) -> QuerySet[NameMention]:
    """The group's mentions ``user`` may see and reconcile (its pending ones by default).

    The group is found first, by its name-and-context index, then only its records are checked
    with ``visible_to(user)``: a few queries whatever the group's size. (Filtering by ``record_key
    IN (every visible record)`` let SQLite walk the whole table: 88-143 ms a group at 20k reports
    against 7 ms for the group alone.)"""
    mentions = _reconcilable_by(user).filter(
        normalized=key.normalized,
        context_country=key.country,
        context_reporter=key.reporter,
    )
    if pending:
        mentions = mentions.filter(pending_q())
    return mentions.exclude(pk__in=_unseen(user, mentions))


def _unseen(user: Any, mentions: QuerySet[NameMention]) -> list[int]:
    """Ids of ``mentions`` whose record ``user`` may not see or that does not exist (yet)."""
    by_type: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for pk, record_type, record_key in mentions.order_by().values_list(
        "pk", "record_type", "record_key"
    ):
        by_type[record_type][record_key].append(pk)
    unseen: list[int] = []
    for name, keys in by_type.items():
        if name not in RECORD_TYPES:
            unseen += [pk for pks in keys.values() for pk in pks]
            continue
        visible = RECORD_TYPES[name].model.objects.visible_to(user)
        ordered = sorted(keys)
        seen = {
            record_key
            for start in range(0, len(ordered), 5000)  # SQLite limits a query's parameters
            for record_key in visible.filter(key__in=ordered[start : start + 5000]).values_list(
                "key", flat=True
            )
        }
        unseen += [pk for record_key, pks in keys.items() if record_key not in seen for pk in pks]
    return unseen


def visible_candidates(user: Any, candidates: list[dict]) -> list[dict]:
    """The stored candidates ``user`` may see, in their ranked order."""
    keys = [c.get("key") for c in candidates]
    seen = set(
        Institution.objects.visible_to(user).filter(key__in=keys).values_list("key", flat=True)
    )
    return [c for c in candidates if c.get("key") in seen]


def mentions_of(user: Any, record_type: str, key: str) -> list[dict]:
    """The names of one record still held as written (shown on its page and in the API), with
    their state; the caller has already checked that ``user`` may see the record."""
    rows = NameMention.objects.filter(record_type=record_type, record_key=key).select_related(
        "changeset"
    )
    return [
        {
            "field": m.field,
            "role": m.role,
            "text": m.text,
            "state": state_of(m),
            "decision": m.decision,
        }
        for m in rows
    ]


def unreconciled_events(user: Any) -> dict[str, int]:
    """Visible event reports whose host is held as written (no institution chosen), and
    visible mentions still waiting: the analytics' "unreconciled" figures."""
    events = apps.get_model("activities", "TrainingEvent").objects.visible_to(user)
    return {
        "events_without_host": events.filter(host__isnull=True).count(),
        "events_unreconciled_host": events.filter(host__isnull=True).exclude(host_text="").count(),
    }
