"""The linkage API: the stewards' merge suggestions, and decisions on many at once (bulk
accept or reject by match weight, with a preview and one undo; ``decisions``)."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from nscap.accounts.api_auth import signed_in_auth, write_auth
from nscap.contributions.api_schemas import FieldErrorsSchema, MessageSchema
from nscap.contributions.errors import NotAllowed
from nscap.core.api_support import PageQuery, QueryErrorSchema, enum_of, page_schema, paginate
from nscap.core.visibility import is_steward
from nscap.linkage import decisions
from nscap.linkage.choices import SuggestionStatus, SuggestionStrength
from nscap.linkage.models import BulkDecision
from nscap.linkage.selectors import suggestion_queue

SuggestionStatusEnum = enum_of("SuggestionStatus", SuggestionStatus)
SuggestionStrengthEnum = enum_of("SuggestionStrength", SuggestionStrength)

router = Router(tags=["linkage"])


class ComparisonSchema(Schema):
    level: str = Field(description="The comparison level the pair fell in.")
    weight: float | None = Field(description="Its weight in bits (positive: same event).")


class SuggestionSchema(Schema):
    """Two training-event reports that may describe one event, and why."""

    id: int
    kept: str = Field(description="Key of the report kept.")
    duplicate: str = Field(description="Key of the report that would point at it (same_as).")
    match_weight: float
    match_probability: float
    strength: str
    status: str
    comparisons: dict[str, ComparisonSchema]


class SuggestionQuery(PageQuery):
    status: SuggestionStatusEnum = Field(  # type: ignore[valid-type]
        SuggestionStatus.PENDING, description="Only suggestions in this state."
    )


@router.get(
    "/linkage/suggestions",
    auth=signed_in_auth(),
    response={
        200: page_schema(SuggestionSchema),
        400: QueryErrorSchema,
        401: MessageSchema,
        403: MessageSchema,
    },
)
def list_suggestions(request: HttpRequest, query: Query[SuggestionQuery]):
    """Stewards: merge suggestions in one state, strongest first."""
    if not is_steward(request.user):
        raise NotAllowed(_("Only stewards see merge suggestions."))
    queryset = suggestion_queue(SuggestionStatus(query.status.value)).order_by(
        "-match_weight", "id"
    )
    return paginate(
        request,
        query,
        queryset,
        lambda objects: [
            {
                "id": s.pk,
                "kept": s.kept.key,
                "duplicate": s.duplicate.key,
                "match_weight": s.match_weight,
                "match_probability": s.match_probability,
                "strength": s.strength,
                "status": s.status,
                "comparisons": s.comparisons,
            }
            for s in objects
        ],
    )


class BulkSelectionInput(Schema):
    """Which pending suggestions to decide at once: from ``min_weight`` up and/or below
    ``below_weight`` (match weight in bits), optionally only those of one strength."""

    action: Literal["accept", "reject"]
    min_weight: float | None = Field(None, description="Match weight from which (inclusive).")
    below_weight: float | None = Field(None, description="Match weight below which.")
    strength: SuggestionStrengthEnum | None = Field(  # type: ignore[valid-type]
        None, description="Only suggestions of this strength ('linked': the run's own links)."
    )


class BulkDecisionInput(BulkSelectionInput):
    expect: int | None = Field(
        None,
        description="The number of suggestions the preview decided: another number now means "
        "the queue changed since, and nothing is done (409).",
    )
    comment: str = Field("", max_length=2000)


class BulkExampleSchema(Schema):
    id: int
    match_weight: float
    kept: str
    kept_title: str
    duplicate: str
    duplicate_title: str
    outcome: str = Field(description="'accept', 'reject' or 'skipped: <reason>'.")


class BulkPreviewSchema(Schema):
    """What the decision would do, computed as applying it would (nothing is written)."""

    action: str
    selected: int = Field(description="Pending suggestions the selection takes.")
    decided: int = Field(description="Those it would decide.")
    skipped: dict[str, int] = Field(description="Those it would skip, by reason.")
    reports_changed: int = Field(description="Reports whose same_as it would write.")
    reports_folded: int = Field(description="Reports that would stop counting on their own.")
    events: int = Field(description="Events the folded reports would belong to.")
    standing_before: int
    standing_after: int
    examples: list[BulkExampleSchema]


class BulkDecisionSchema(Schema):
    """A decision on many suggestions, undone as a unit."""

    id: int
    action: str
    min_weight: float | None
    below_weight: float | None
    strength: str
    decided: int
    skipped: int
    reports_folded: int
    changeset: int | None = Field(description="The changeset that wrote the merges.")
    decided_by: str
    decided_at: str
    undone_at: str | None
    undo_changeset: int | None


BULK_RESPONSES = {
    401: MessageSchema,
    403: MessageSchema,
    404: MessageSchema,
    409: MessageSchema,
    422: FieldErrorsSchema,
}


def _require_steward(request: HttpRequest) -> None:
    if not is_steward(request.user):
        raise NotAllowed(_("Only stewards decide merges."))


def _selection(body: BulkSelectionInput) -> decisions.Selection:
    return decisions.Selection(
        body.action,
        body.min_weight,
        body.below_weight,
        body.strength.value if body.strength else "",
    )


def _bulk(bulk: BulkDecision) -> dict:
    return {
        "id": bulk.pk,
        "action": bulk.action,
        "min_weight": bulk.min_weight,
        "below_weight": bulk.below_weight,
        "strength": bulk.strength,
        "decided": bulk.decided,
        "skipped": bulk.skipped,
        "reports_folded": bulk.reports_folded,
        "changeset": bulk.changeset_id,
        "decided_by": bulk.decided_by.get_username(),
        "decided_at": bulk.decided_at.isoformat(),
        "undone_at": bulk.undone_at.isoformat() if bulk.undone_at else None,
        "undo_changeset": bulk.undo_changeset_id,
    }


@router.post(
    "/linkage/bulk-decisions/preview",
    auth=write_auth(),
    response={200: BulkPreviewSchema, **BULK_RESPONSES},
)
def preview_bulk_decision(request: HttpRequest, body: BulkSelectionInput):
    """Stewards: what deciding every pending suggestion of the selection would do (nothing is
    written): how many are decided or skipped (and why), reports folded into how many events,
    examples."""
    _require_steward(request)
    return decisions.plan(request.user, _selection(body)).summary()


@router.post(
    "/linkage/bulk-decisions",
    auth=write_auth(),
    response={201: BulkDecisionSchema, **BULK_RESPONSES},
)
def create_bulk_decision(request: HttpRequest, body: BulkDecisionInput):
    """Stewards: decide every pending suggestion of the selection as one unit (an accept is
    one changeset); 422 when it decides nothing, 409 when ``expect`` no longer holds."""
    _require_steward(request)
    bulk = decisions.decide(
        request.user, _selection(body), expect=body.expect, comment=body.comment
    )
    return Status(201, _bulk(bulk))


@router.get(
    "/linkage/bulk-decisions",
    auth=signed_in_auth(),
    response={200: page_schema(BulkDecisionSchema), 400: QueryErrorSchema, **BULK_RESPONSES},
)
def list_bulk_decisions(request: HttpRequest, query: Query[PageQuery]):
    """Stewards: bulk decisions, latest first."""
    _require_steward(request)
    queryset = BulkDecision.objects.select_related("decided_by").order_by("-decided_at", "-id")
    return paginate(request, query, queryset, lambda objects: [_bulk(b) for b in objects])


@router.post(
    "/linkage/bulk-decisions/{bulk_id}/undo",
    auth=write_auth(),
    response={200: BulkDecisionSchema, **BULK_RESPONSES},
)
def undo_bulk_decision(request: HttpRequest, bulk_id: int):
    """Stewards: undo a bulk decision whole (its changeset reverted, its suggestions pending
    again); 409 when undone already or a report changed since."""
    _require_steward(request)
    return _bulk(decisions.undo(request.user, bulk_id))
