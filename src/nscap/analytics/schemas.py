"""API schemas of the analytics reports (the same dicts the pages and the CLI use)."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator

from nscap.analytics.selectors import check_region
from nscap.core.api_support import CountryCode, Year

Region = Annotated[str, AfterValidator(check_region)]


class RangeSchema(Schema):
    """A figure with the bounds its qualifiers allow; ``null`` high means unbounded."""

    value: float | None
    low: float | None
    high: float | None


class GapRowSchema(Schema):
    """One demand figure for one year and cell, with the supply that falls in it."""

    cell: str = Field(description="Drill-down id: scope.target_group.topic.year.")
    quantity: str
    assessment: str
    assessment_title: str
    measure: str
    scope: str = Field(description="country, region or world.")
    scope_key: str
    scope_label: str
    region: str
    region_known: bool
    target_group: str = Field(description="Target group key; empty = any group.")
    topic: str = Field(description="Topic key; empty = any topic.")
    year: int
    demand: RangeSchema
    demand_qualifier: str
    supply: RangeSchema
    gap: RangeSchema
    coverage: RangeSchema
    stated_coverage: RangeSchema | None = Field(
        description="Coverage the assessment itself states (WINS 2013: just over half)."
    )
    stated_coverage_qualifier: str
    stated_supply: RangeSchema | None
    estimated_supply: RangeSchema = Field(
        description="People counted in no country whom the fused events' estimate places in "
        "this row's countries (bounds included); not part of ``supply``."
    )
    supply_with_estimate: RangeSchema = Field(description="supply + estimated_supply.")
    gap_with_estimate: RangeSchema = Field(description="The gap if the estimate holds.")


class ClaimReconciliationSchema(Schema):
    """An aggregate claim set against the events its claimant logged in the same period."""

    claim: str
    description: str
    measure: str
    claimed: RangeSchema
    claimed_qualifier: str
    logged: int
    logged_events: list[str]
    extra: RangeSchema
    years: list[int]
    overlaps: list[str]
    reason: str
    country: str = ""
    courses: int | None = None
    courses_qualifier: str = "exact"


class SupplyYearSchema(Schema):
    year: int
    people: float
    unattributed: float


class GapTotalsSchema(Schema):
    events: int
    folded_reports: int
    undated_events: int
    uncounted_events: int
    unreconciled_events: int = Field(
        0, description="Counted events whose host is not reconciled yet (held as written)."
    )
    unreconciled_people: int = Field(0, description="Participants of those events.")
    people: float
    estimated_people: int = Field(
        0, description="People counted in no country, placed in one by estimate."
    )


class GapFiltersSchema(Schema):
    year: int | None
    country: str | None
    region: str | None


class GapReportSchema(Schema):
    method: str
    filters: GapFiltersSchema
    rows: list[GapRowSchema]
    headline: list[GapRowSchema]
    claims: list[ClaimReconciliationSchema]
    supply_by_year: list[SupplyYearSchema]
    undated_needs: list[str]
    totals: GapTotalsSchema


class GapQuery(Schema):
    year: Year | None = Field(None, description="Only this year.")
    country: CountryCode | None = Field(None, description="Only demand about this country.")
    region: Region | None = Field(
        None, description="Only demand about this region or its countries (e.g. East Asia)."
    )


class AchievementRowSchema(Schema):
    institution: str
    name: str
    kind: str
    year: int
    courses: int
    events: int
    participants: int
    countries: int
    planned: float | None
    share_of_plan: float | None
    claimed_people: float | None
    claims: list[str]
    change: int | None


class PlanSchema(Schema):
    quantity: str
    value: float | None
    qualifier: str
    unit: str
    description: str


class CenterSchema(Schema):
    institution: str
    name: str
    kind: str
    plan: PlanSchema | None
    years: int
    events: int
    participants: int
    trend_slope: float | None
    trend: str


class AchievementFiltersSchema(Schema):
    institution: str | None
    year: int | None


class AchievementsSchema(Schema):
    filters: AchievementFiltersSchema
    rows: list[AchievementRowSchema]
    centers: list[CenterSchema]


class AchievementsQuery(Schema):
    institution: str | None = Field(None, description="Institution key.")
    year: Year | None = None
