"""Safe revert and undelete (issue 16): a revert or a restore is a changeset with a reason.

Who may call what:
- ``revert_entry``: anyone who may propose, with a reason, for an entry whose record they see;
  it proposes the inverse of the entry (``services.revert``), so the write rules decide
  whether it is applied at once or waits for a steward (another institution's record waits).
- ``restore``: the same, for a deleted record: it proposes the record again as it was when
  deleted, under its old key, so its history (kept by key) is its history again.

A deleted record's history stays readable to whoever could see the record when it was deleted:
``deletion_seen_by`` judges the last deletion's snapshot with ``redaction`` (its sensitivity and
owner then), not the record (there is none left for ``visible_to`` to judge).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from nscap.contributions import services
from nscap.contributions.errors import Invalid, NotFound
from nscap.contributions.models import Changeset, HistoryEntry
from nscap.contributions.record_types import RECORD_TYPES, RecordType
from nscap.contributions.redaction import Redaction

MAX_REASON = 2000


def verb(entry: HistoryEntry) -> str:
    """create, update or delete: the last part of the entry's dotted action."""
    return entry.action.rsplit(".", 1)[-1]


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            [{"change": None, "field": "reason", "message": _("Say why: a reason is required.")}]
        )
    if len(reason) > MAX_REASON:
        raise Invalid(
            [
                {
                    "change": None,
                    "field": "reason",
                    "message": _("Keep the reason under %(n)s characters.") % {"n": MAX_REASON},
                }
            ]
        )
    return reason


def last_deletion(record_type: RecordType, key: str) -> HistoryEntry | None:
    """The deletion that removed the record ``key``, or None when the record exists (or was
    never deleted through a changeset)."""
    if record_type.model._base_manager.filter(key=key).exists():
        return None
    return (
        HistoryEntry.objects.filter(
            record_type=record_type.name, record_key=key, action__endswith=".delete"
        )
        .order_by("-at", "-id")
        .first()
    )


def deletion_seen_by(user: Any, record_type: RecordType, key: str) -> HistoryEntry | None:
    """The last deletion of the record ``key`` when ``user`` could see the record as it was
    when deleted (None otherwise, or when the record exists)."""
    deletion = last_deletion(record_type, key)
    if deletion is None or not deletion.before:
        return None
    if not Redaction(user).version_visible(record_type, deletion.before):
        return None
    return deletion


def record_seen_by(user: Any, entry: HistoryEntry) -> bool:
    """May ``user`` see the record this entry is about: the record now through ``visible_to``,
    or, once deleted, as it was when deleted."""
    rt = RECORD_TYPES.get(entry.record_type)
    if rt is None:
        return False
    if rt.model.objects.visible_to(user).filter(key=entry.record_key).exists():
        return True
    return deletion_seen_by(user, rt, entry.record_key) is not None


def revert_entry(user: Any, entry: HistoryEntry, reason: str) -> Changeset:
    """Propose the inverse of a create or update, with the reason as the changeset's comment."""
    reason = _reason(reason)
    if not record_seen_by(user, entry):
        raise NotFound(_("No such history entry."))
    if verb(entry) not in ("create", "update"):
        raise Invalid(
            [
                {
                    "change": None,
                    "field": None,
                    "message": _("Only creations and updates are reverted; restore a deletion."),
                }
            ]
        )
    return services.revert(user, entry, comment=reason)


def restore(user: Any, record_type: str, key: str, reason: str) -> Changeset:
    """Propose the deleted record ``key`` again, as it was when deleted (its last deletion's
    ``before``, with only the links ``user`` may see)."""
    reason = _reason(reason)
    rt = RECORD_TYPES.get(record_type)
    deletion = deletion_seen_by(user, rt, key) if rt is not None else None
    if deletion is None:
        raise NotFound(_("No deleted record %(key)s to restore.") % {"key": key})
    return services.revert(user, deletion, comment=reason)
