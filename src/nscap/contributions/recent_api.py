"""``GET /api/changes``: recent changes through the API, the same stream as ``/changes/``.

Read through ``recent.recent_changes`` (only the changes of records the viewer may see, in the
query, so ``count`` never includes a hidden record's) and ``redaction`` (values of a version
the viewer may not see are null, with ``withheld`` true).
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from nscap.contributions import recent
from nscap.contributions.models import HistoryEntry
from nscap.contributions.redaction import Redaction, redact_pairs
from nscap.core.api_support import PageQuery, list_responses, paginate

router = Router(tags=["history"])

RecentChangeAction = enum.Enum(
    "RecentChangeAction", {verb: verb for verb in recent.VERB_LABELS}, type=str
)


class RecentChangeQuery(PageQuery):
    """Filters of recent changes; each narrows the changes the viewer may see."""

    record_type: str | None = Field(
        None, max_length=40, description="Only changes of this record type (e.g. training_event)."
    )
    institution: str | None = Field(
        None,
        max_length=120,
        description="Only changes of records this institution (key) owned before or after, or "
        "made in a changeset for it.",
    )
    actor: str | None = Field(
        None, max_length=150, description="Only changes this user (name) proposed or approved."
    )
    action: RecentChangeAction | None = Field(
        None, description="Only creations, updates or deletions."
    )
    since: dt.date | None = Field(None, description="Only changes on or after this day.")
    until: dt.date | None = Field(None, description="Only changes on or before this day.")


class RecentChangeSchema(Schema):
    """One change: what happened to which record, who proposed and who approved it, when, and
    the values before and after as the viewer may see them (null when withheld)."""

    id: int
    at: dt.datetime
    action: RecentChangeAction
    record_type: str
    record_key: str
    changeset: int | None
    author: str | None = Field(description="Who proposed the change.")
    proposed_at: dt.datetime
    reviewer: str | None = Field(description="The steward who approved it; null: no review.")
    reviewed_at: dt.datetime | None
    message: str
    withheld: bool = Field(description="A version involved is not visible to you.")
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _name(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def change_items(user: Any, entries: list[HistoryEntry]) -> list[dict]:
    """The API's view of a page of entries, redacted for ``user`` in one pass."""
    shown = redact_pairs(Redaction(user), [(e.record_type, e.before, e.after) for e in entries])
    items = []
    for entry, (before, after) in zip(entries, shown, strict=True):
        credit = recent.credit(entry)
        withheld = before is None or after is None
        items.append(
            {
                "id": entry.pk,
                "at": entry.at,
                "action": entry.action.rsplit(".", 1)[-1],
                "record_type": entry.record_type,
                "record_key": entry.record_key,
                "changeset": entry.changeset_id,
                "author": _name(credit.author),
                "proposed_at": credit.proposed_at,
                "reviewer": _name(credit.reviewer),
                "reviewed_at": credit.reviewed_at,
                "message": "" if withheld else entry.message,
                "withheld": withheld,
                "before": before,
                "after": after,
            }
        )
    return items


@router.get("/changes", response=list_responses(RecentChangeSchema))
def list_changes(request: HttpRequest, query: Query[RecentChangeQuery]):
    """Recent changes, newest first: only those of records you may see (or could see when they
    were deleted). Filters: record_type, institution, actor, action, since, until."""
    given = recent.ChangeFilter(
        record_type=query.record_type or "",
        institution=query.institution or "",
        actor=query.actor or "",
        action=query.action.value if query.action else "",
        since=query.since,
        until=query.until,
    )
    entries = recent.recent_changes(request.user, given)
    return paginate(request, query, entries, lambda page: change_items(request.user, page))
