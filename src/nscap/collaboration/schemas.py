"""API schema of collaboration claims (Table 3), each marked one- or two-sided."""

from __future__ import annotations

from ninja import Field

from nscap.collaboration.choices import (
    Answer,
    CollaborationStatus,
    CollaborationType,
    Confirmation,
)
from nscap.core.api_support import (
    CitationIndex,
    CountryCode,
    PageQuery,
    RecordSchema,
    Ref,
    enum_of,
    partial,
    record_fields,
    ref,
    related,
)

CollaborationTypeValue = enum_of("CollaborationTypeValue", CollaborationType)
CollaborationStatusValue = enum_of("CollaborationStatusValue", CollaborationStatus)
ConfirmationValue = enum_of("ConfirmationValue", Confirmation)
AnswerValue = enum_of("AnswerValue", Answer)


class CollaborationClaimSchema(RecordSchema):
    """A claim, in one direction, that ``claimant`` collaborates with a partner.

    ``two_sided`` is true only when the partner itself makes a visible claim back about the
    claimant itself (``answered_by`` lists those claims); claims back from a parent or child of
    either side, or at country level, are ``related_by`` and never make it two-sided.
    ``confirmation`` is what the partner said; ``answer`` sums it all up (``selectors.Answer``).
    """

    claimant: Ref | None
    partner: Ref | None
    partner_country: str
    partner_text: str
    type: str
    status: str
    confirmation: str
    network: Ref | None
    description: str
    start: str | None
    start_precision: str | None
    end: str | None
    end_precision: str | None
    two_sided: bool = Field(
        description="The partner itself makes a visible claim back about the claimant itself."
    )
    same_type_back: bool
    answered_by: list[str] = Field(description="Keys of the partner's own claims back.")
    related_by: list[str] = Field(
        description="Keys of claims back from a related institution (a parent or child of "
        "either side) or at country level: shown, never counted as two-sided or confirmed."
    )
    answer: AnswerValue = Field(
        description="The other side's answer: disputed, confirmed (by the partner), "
        "reciprocated, named_back, related_back or one_sided."
    )
    partner_unresolved: bool = Field(
        description="The partner is only words (not resolved to an institution or a country)."
    )


class CollaborationClaimQuery(PageQuery):
    claimant: str | None = Field(None, description="Institution key of the claimant.")
    partner: str | None = Field(None, description="Institution key of the partner.")
    type: CollaborationTypeValue | None = None
    status: CollaborationStatusValue | None = None
    confirmation: ConfirmationValue | None = None
    state: AnswerValue | None = Field(
        None,
        description="The claim's state (its answer): disputed, confirmed, reciprocated, "
        "named_back, related_back or one_sided, read over every claim the viewer may see.",
    )
    partner_country: CountryCode | None = Field(
        None, description="ISO 3166-1 alpha-2 named by the claim or of its partner institution."
    )
    parent: str | None = Field(None, description="Institution key of the claimant's parent.")
    center: bool | None = Field(
        None,
        description="true: claims made by a center, of either kind (center_of_excellence, nssc).",
    )


def claim_item(claim, reading, citations: CitationIndex) -> dict:
    """A claim with its reading (``ClaimReading`` from the visible claims) and citations."""
    return {
        **record_fields(claim, citations),
        "claimant": ref(related(claim, "claimant")),
        "partner": ref(related(claim, "partner")),
        "partner_country": claim.partner_country,
        "partner_text": claim.partner_text,
        "type": claim.type,
        "status": claim.status,
        "confirmation": claim.confirmation,
        "network": ref(related(claim, "network")),
        "description": claim.description,
        **partial(claim, "start"),
        **partial(claim, "end"),
        "two_sided": reading.two_sided if reading else False,
        "same_type_back": reading.same_type_back if reading else False,
        "answered_by": sorted(back.key for back in reading.answering_claims) if reading else [],
        "related_by": sorted(back.key for back in reading.related_claims) if reading else [],
        "answer": reading.answer if reading else Answer.ONE_SIDED,
        "partner_unresolved": claim.partner_id is None and not claim.partner_country,
    }
