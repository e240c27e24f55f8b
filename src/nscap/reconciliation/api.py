"""The reconciliation API: the queue's groups, their rows, decisions and undo.

The same selectors and services as the queue page: ``GET /api/reconciliation/groups``,
``GET /api/reconciliation/mentions``, ``POST /api/reconciliation/decisions``,
``POST /api/reconciliation/decisions/undo``. Errors of the write path answer as everywhere in
the API (403, 404, 422 with the field).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from nscap.accounts.api_auth import signed_in_auth, write_auth
from nscap.contributions.api_schemas import FieldErrorsSchema, MessageSchema
from nscap.reconciliation import selectors, services
from nscap.reconciliation.choices import Decision
from nscap.reconciliation.selectors import GroupKey

router = Router(tags=["reconciliation"])


class NameCandidateSchema(Schema):
    key: str
    name: str
    country: str
    kind: str
    score: float
    matched: str
    why: str


class GroupSchema(Schema):
    text: str
    normalized: str
    country: str
    reported_by: str
    rows: int
    candidates: list[NameCandidateSchema]


class GroupPageSchema(Schema):
    count: int
    items: list[GroupSchema]


class GroupQuery(Schema):
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


class GroupKeySchema(Schema):
    normalized: str = Field(max_length=300)
    country: str = Field("", max_length=2)
    reported_by: str = Field("", max_length=120)


class MentionSchema(Schema):
    record_type: str
    record_key: str
    field: str
    role: str
    text: str


class NewInstitutionSchema(Schema):
    name: str = Field("", max_length=300)
    kind: str = Field("", max_length=30)
    country: str | None = Field(None, max_length=2)


class DecisionInput(GroupKeySchema):
    decision: Decision
    institution: str | None = Field(None, max_length=120)
    new_institution: NewInstitutionSchema | None = None
    comment: str = Field("", max_length=2000)


class DecisionSchema(Schema):
    rows: int
    decision: str
    institution: str | None
    changeset: int | None
    applied: bool


ERRORS: dict[int, Any] = {401: MessageSchema, 403: MessageSchema, 404: MessageSchema}


@router.get(
    "/reconciliation/groups", auth=signed_in_auth(), response={200: GroupPageSchema, **ERRORS}
)
def list_groups(request: HttpRequest, query: Query[GroupQuery]):
    """Unreconciled names by name and context, most rows first; candidates are those you may
    see. Stewards see every group; a contributor the rows of their institutions."""
    groups, total = selectors.queue_groups(request.user, limit=query.limit, offset=query.offset)
    return {
        "count": total,
        "items": [
            {
                "text": g["text"],
                "normalized": g["normalized"],
                "country": g["context_country"],
                "reported_by": g["context_reporter"],
                "rows": g["rows"],
                "candidates": g["candidates"],
            }
            for g in groups
        ],
    }


@router.get(
    "/reconciliation/mentions",
    auth=signed_in_auth(),
    response={200: list[MentionSchema], **ERRORS},
)
def list_mentions(request: HttpRequest, query: Query[GroupKeySchema]):
    """The rows of one group still waiting (at most 1,000)."""
    key = GroupKey(query.normalized, query.country, query.reported_by)
    return list(
        selectors.group_mentions(request.user, key).values(
            "record_type", "record_key", "field", "role", "text"
        )[:1000]
    )


def _result(result: services.DecisionResult) -> dict:
    return {
        "rows": result.rows,
        "decision": result.decision,
        "institution": result.institution,
        "changeset": result.changeset.pk if result.changeset else None,
        "applied": result.applied,
    }


@router.post(
    "/reconciliation/decisions",
    auth=write_auth(),
    response={200: DecisionSchema, 202: DecisionSchema, 422: FieldErrorsSchema, **ERRORS},
)
def decide(request: HttpRequest, body: DecisionInput):
    """One decision for every row of a group: pick an institution, create one, or "not an
    institution". 200 when applied, 202 when it waits for a steward's review."""
    key = GroupKey(body.normalized, body.country, body.reported_by)
    result = services.decide(
        request.user,
        key,
        body.decision,
        institution=body.institution,
        new=body.new_institution.model_dump() if body.new_institution else None,
        comment=body.comment,
    )
    return Status(200 if result.applied else 202, _result(result))


@router.post(
    "/reconciliation/decisions/undo",
    auth=write_auth(),
    response={200: DecisionSchema, 422: FieldErrorsSchema, **ERRORS},
)
def undo(request: HttpRequest, body: GroupKeySchema):
    """Undo a group's decision: its changeset is reverted and its rows are queued again."""
    key = GroupKey(body.normalized, body.country, body.reported_by)
    return _result(services.undo(request.user, key))
