"""Response schema of the fused event (``fused_view.fused_block``) in ``/api/events/<key>``."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from nscap.activities.schemas import TrainingEventSchema
from nscap.core.api_support import OutSchema


class InferredEvidenceSchema(OutSchema):
    label: str = Field(description="The topic or target group key inferred.")
    report: str = Field(description="The report whose title gave it.")
    title: str


class FusedFieldSchema(OutSchema):
    """One fused value and the reports it came from."""

    value: Any
    sources: list[str] = Field(description="Keys of the reports that gave this value.")
    basis: str = Field(description="stated (a report states it) or inferred (from titles).")
    evidence: list[InferredEvidenceSchema] = Field(default_factory=list)


class EstimatedCountrySchema(OutSchema):
    country: str
    people: int
    low: int
    high: int


class FusedEstimateSchema(OutSchema):
    """People counted in no country, placed by estimate (not part of the count)."""

    method: str
    people: int
    countries: list[EstimatedCountrySchema]
    bounds: list[int]


class FusedEventSchema(OutSchema):
    """The event fused from all its reports, one field at a time (docs/analytics.md)."""

    kept: str = Field(description="Key of the report kept (this event).")
    reports: list[str] = Field(description="Keys of the reports fused, in survivorship order.")
    fields: dict[str, FusedFieldSchema]
    estimate: FusedEstimateSchema | None


class TrainingEventDetailSchema(TrainingEventSchema):
    """One training event with its fused values (null: it is a duplicate of another report,
    or has not been fused yet)."""

    fused: FusedEventSchema | None = None
