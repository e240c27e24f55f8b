"""The linkage API: the stewards' merge suggestions (read; decisions are made in the queue)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from nscap.accounts.api_auth import signed_in_auth
from nscap.contributions.api_schemas import MessageSchema
from nscap.contributions.errors import NotAllowed
from nscap.core.api_support import PageQuery, QueryErrorSchema, enum_of, page_schema, paginate
from nscap.core.visibility import is_steward
from nscap.linkage.choices import SuggestionStatus
from nscap.linkage.selectors import suggestion_queue

SuggestionStatusEnum = enum_of("SuggestionStatus", SuggestionStatus)

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
