"""``POST /api/changesets/{id}/answer``: the author's answer to "ask for more", in words and
optionally with amended values, through ``amending.answer`` (the page's write path)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from nscap.accounts.api_auth import write_auth
from nscap.contributions import amending, services
from nscap.contributions.api import REVIEW_RESPONSES, changeset_detail
from nscap.contributions.choices import ChangeAction
from nscap.contributions.errors import Invalid, NotFound
from nscap.contributions.models import Changeset

router = Router(tags=["changesets"])


class AnswerInput(Schema):
    """The author's reply, and field values that amend the changeset's one record."""

    model_config = ConfigDict(extra="forbid")

    reply: str = Field(max_length=5000)
    values: dict[str, Any] | None = None


def _amended(changeset: Changeset, values: dict[str, Any]) -> list[services.ProposedChange]:
    """The changeset's one change with ``values`` laid over what was proposed."""
    changes = list(changeset.changes.all()[:2])
    if len(changes) != 1 or changes[0].action == ChangeAction.DELETE:
        raise Invalid(
            [
                {
                    "change": None,
                    "field": "values",
                    "message": _("only a changeset of one created or updated record is amended"),
                }
            ]
        )
    change = changes[0]
    return [
        services.ProposedChange(
            change.action,
            change.record_type,
            key=change.record_key if change.action == ChangeAction.UPDATE else None,
            values={**change.data, **values},
            base_version=change.base_version,
        )
    ]


@router.post("/changesets/{changeset_id}/answer", auth=write_auth(), response=REVIEW_RESPONSES)
def answer_changeset(request: HttpRequest, changeset_id: int, body: AnswerInput):
    """Authors: answer a changeset sent back to you; ``values`` amend its one record. It then
    waits for a steward again (409 when it is not sent back, 404 when it is not yours)."""
    changeset = Changeset.objects.filter(pk=changeset_id, author=request.user).first()
    if changeset is None:
        raise NotFound(_("No changeset %(id)s of yours.") % {"id": changeset_id})
    changes = _amended(changeset, body.values) if body.values is not None else None
    changeset = amending.answer(request.user, changeset_id, body.reply, changes)
    return changeset_detail(changeset, request.user)
