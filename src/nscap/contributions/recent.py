"""Recent changes: the site-wide stream of history entries, as one viewer may see it (issue 16).

The page (``/changes/``) and the API (``GET /api/changes``) read it here, so both filter alike.
An entry is listed only when the viewer may see its record: an existing record through the one
read filter (``visible_to``), a deleted one as it was when deleted (``reverting``, judged by
``redaction``). The filter is part of the query, so counts and pages never include a hidden
record's changes. The values of each listed entry still go through ``redaction`` when shown
(a past version the viewer could not see reads "not visible to you", as on a record's history).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy

from nscap.contributions.models import HistoryEntry
from nscap.contributions.record_types import RECORD_TYPES
from nscap.contributions.redaction import Redaction
from nscap.core.visibility import is_steward

# What each kind of entry did, for readers (no raw codes: issue 15).
VERB_LABELS = {
    "create": gettext_lazy("created"),
    "update": gettext_lazy("updated"),
    "delete": gettext_lazy("deleted"),
}


@dataclass(slots=True)
class ChangeFilter:
    """The filters of recent changes; each empty one does not narrow."""

    record_type: str = ""
    institution: str = ""  # key: the record's owner then, or the changeset's institution
    actor: str = ""  # user name: the author or the reviewer
    action: str = ""  # create, update or delete
    since: datetime.date | None = None
    until: datetime.date | None = None


def _deleted_keys_seen(user: Any) -> Q:
    """Entries of deleted records the viewer could see when they were deleted. Deletions are
    few, so their snapshots are judged in Python, with one redaction for all of them."""
    redaction = Redaction(user)
    seen = Q(pk__in=[])
    deletions = HistoryEntry.objects.filter(action__endswith=".delete").order_by("at", "id")
    last: dict[tuple[str, str], dict] = {}
    for record_type, key, before in deletions.values_list("record_type", "record_key", "before"):
        last[(record_type, key)] = before  # the latest deletion of each record wins
    by_type: dict[str, list[str]] = {}
    for (record_type, key), before in last.items():
        rt = RECORD_TYPES.get(record_type)
        if rt is not None and before and redaction.version_visible(rt, before):
            by_type.setdefault(record_type, []).append(key)
    for record_type, keys in by_type.items():
        existing = RECORD_TYPES[record_type].model._base_manager.filter(key__in=keys)
        gone = set(keys) - set(existing.values_list("key", flat=True))
        if gone:
            seen |= Q(record_type=record_type, record_key__in=sorted(gone))
    return seen


def visible_entries(user: Any) -> QuerySet[HistoryEntry]:
    """Every history entry whose record ``user`` may see (now, or when deleted)."""
    entries = HistoryEntry.objects.all()
    if is_steward(user):
        return entries
    seen = _deleted_keys_seen(user)
    for rt in RECORD_TYPES.values():
        visible = rt.model.objects.visible_to(user).values("key")
        seen |= Q(record_type=rt.name, record_key__in=visible)
    return entries.filter(seen)


def _owned_by(institution: str) -> Q:
    """Entries about records the institution owned before or after the change, or made in a
    changeset for that institution."""
    owned = Q(changeset__institution__key=institution)
    for rt in RECORD_TYPES.values():
        if rt.owner == "":
            owned |= Q(record_type=rt.name, record_key=institution)
        elif rt.owner:
            owned |= Q(record_type=rt.name) & (
                Q(**{f"before__{rt.owner}": institution}) | Q(**{f"after__{rt.owner}": institution})
            )
    return owned


def recent_changes(user: Any, given: ChangeFilter) -> QuerySet[HistoryEntry]:
    """The entries ``user`` may see that match ``given``, newest first."""
    entries = visible_entries(user)
    if given.record_type:
        entries = entries.filter(record_type=given.record_type)
    if given.action:
        entries = entries.filter(action__endswith=f".{given.action}")
    if given.actor:
        entries = entries.filter(
            Q(actor__username=given.actor)
            | Q(changeset__author__username=given.actor)
            | Q(changeset__reviewed_by__username=given.actor)
        )
    if given.institution:
        entries = entries.filter(_owned_by(given.institution))
    if given.since:
        entries = entries.filter(at__date__gte=given.since)
    if given.until:
        entries = entries.filter(at__date__lte=given.until)
    return entries.select_related(
        "actor",
        "changeset",
        "changeset__author",
        "changeset__reviewed_by",
        "changeset__institution",
    ).order_by("-at", "-id")


@dataclass(slots=True)
class Credit:
    """Who proposed a change and when, and who approved it and when (issue 16: the history
    credited the approver alone, at approval time). ``reviewer`` None with ``reviewed_at`` set:
    applied at once (a steward's own change, or an institution's policy)."""

    author: Any
    proposed_at: datetime.datetime
    reviewer: Any
    reviewed_at: datetime.datetime | None


def credit(entry: HistoryEntry) -> Credit:
    """The credit of one entry; an entry written outside a changeset credits its actor."""
    changeset = entry.changeset
    if changeset is None:
        return Credit(entry.actor, entry.at, None, None)
    return Credit(
        changeset.author, changeset.created_at, changeset.reviewed_by, changeset.reviewed_at
    )
