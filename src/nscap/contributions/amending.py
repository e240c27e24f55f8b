"""The author's answer to "ask for more": a reply in the changeset's thread, with or without an
amendment of what was proposed; either way the changeset waits for a steward again.

Who may call it: the changeset's author, while it is sent back to them (``needs_more``). An
amendment is validated exactly as a new proposal (``services.propose(amending=...)``): the
same schema, link and owner rules, all errors at once; it replaces the changeset's changes in
one transaction, or nothing changes. The steward who asked is told (``notifications``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from nscap.contributions import services
from nscap.contributions.choices import ChangeAction, ChangesetStatus
from nscap.contributions.errors import AlreadyReviewed, Invalid, NotFound
from nscap.contributions.forms import FORMS
from nscap.contributions.models import Changeset
from nscap.notifications import services as notifications
from nscap.notifications.models import ChangesetMessage


def answer(
    author: Any,
    changeset_id: int,
    message: str,
    changes: list[services.ProposedChange] | None = None,
    **proposal: Any,
) -> Changeset:
    """Reply to the steward and, with ``changes``, amend the changeset (``proposal``: the
    ``comment``, ``sources``, ``citations`` of ``services.propose``). Raises Invalid (no
    message; the amendment's errors), NotFound (not the author's), AlreadyReviewed."""
    if not message.strip():
        raise Invalid(
            [{"change": None, "field": "reply", "message": _("write your answer to the steward")}]
        )
    with transaction.atomic():
        changeset = (
            Changeset.objects.select_for_update(of=("self",))
            .filter(pk=changeset_id, author=author)
            .select_related("reviewed_by")
            .first()
        )
        if changeset is None:
            raise NotFound(_("no changeset %(id)s of yours") % {"id": changeset_id})
        if changeset.status != ChangesetStatus.NEEDS_MORE:
            raise AlreadyReviewed(
                _("changeset %(id)s is %(status)s; only one sent back to you can be answered")
                % {"id": changeset_id, "status": changeset.get_status_display()}
            )
        if changes is not None:
            proposal.setdefault("comment", changeset.comment)
            proposal.setdefault("origin", changeset.origin)
            services.propose(author, changes, amending=changeset, **proposal)
        changeset.status = ChangesetStatus.PENDING
        changeset.save(update_fields=["status"])
        reply = ChangesetMessage.objects.create(
            changeset=changeset, author=author, body=message.strip(), amended=changes is not None
        )
        notifications.changeset_answered(changeset, reply)
    return changeset


def amendable_change(changeset: Changeset) -> Any:
    """The one change the answer form can edit (a create or update of a record with a form),
    or None: a changeset of many changes (an import) is answered in words, or re-imported."""
    changes = list(changeset.changes.all()[:2])
    if len(changes) != 1:
        return None
    change = changes[0]
    if change.action == ChangeAction.DELETE or change.record_type not in FORMS:
        return None
    return change
