"""API schema of needs assessments: people needing training, with the figures."""

from __future__ import annotations

from ninja import Field

from nscap.core.api_support import (
    CitationIndex,
    CountryCode,
    PageQuery,
    RecordSchema,
    Ref,
    partial,
    record_fields,
    ref,
    related,
)
from nscap.quantities.schemas import QuantitySchema, quantity_item


class NeedsAssessmentSchema(RecordSchema):
    """A study of how many people need training, by country or region, audience and topic."""

    title: str
    assessor: Ref | None
    country: str
    region: str
    target_group: Ref | None
    topic: Ref | None
    published: str | None
    published_precision: str | None
    method: str
    quantities: list[QuantitySchema]


class NeedsAssessmentQuery(PageQuery):
    assessor: str | None = Field(None, description="Institution key of the assessor.")
    country: CountryCode | None = None
    target_group: str | None = Field(None, description="Target group key.")
    topic: str | None = Field(None, description="Topic key.")


def needs_item(assessment, citations: CitationIndex) -> dict:
    """A needs assessment; expects ``visible_quantities`` prefetched (a list)."""
    return {
        **record_fields(assessment, citations),
        "title": assessment.title,
        "assessor": ref(related(assessment, "assessor")),
        "country": assessment.country,
        "region": assessment.region,
        "target_group": ref(related(assessment, "target_group")),
        "topic": ref(related(assessment, "topic")),
        **partial(assessment, "published"),
        "method": assessment.method,
        "quantities": [quantity_item(q, citations) for q in assessment.visible_quantities],
    }
