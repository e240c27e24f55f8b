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


class PeopleRangeSchema(Schema):
    """People as whole numbers with the bounds qualifiers allow (rounded outwards); ``null``
    high means unbounded."""

    value: int | None
    low: int | None
    high: int | None


class QualifiedPeopleSchema(PeopleRangeSchema):
    qualifier: str = Field(description="The qualifier of the claim (over, more_than, ...).")


class ClaimYearSchema(PeopleRangeSchema):
    year: int


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
    demand: PeopleRangeSchema
    demand_qualifier: str
    supply: PeopleRangeSchema
    gap: PeopleRangeSchema
    coverage: RangeSchema
    coverage_basis: str = Field(
        description="measured, or indicative: the demand is a stock of professionals (WINS "
        "2013), not a yearly flow, so supply ÷ demand is indicative only "
        "(docs/figures.md#coverage)."
    )
    coverage_shown: str = Field(
        description="The coverage as the pages print it (analytics.figures.coverage_text)."
    )
    stated_coverage: RangeSchema | None = Field(
        description="Coverage the assessment itself states (WINS 2013: just over half)."
    )
    stated_coverage_qualifier: str
    stated_supply: PeopleRangeSchema | None
    estimated_supply: PeopleRangeSchema = Field(
        description="People counted in no country whom the fused events' estimate places in "
        "this row's countries (bounds included); not part of ``supply``."
    )
    supply_with_estimate: PeopleRangeSchema = Field(description="supply + estimated_supply.")
    gap_with_estimate: PeopleRangeSchema = Field(description="The gap if the estimate holds.")


class ClaimReconciliationSchema(Schema):
    """An aggregate claim reconciled with the fused events of its claimant in its period
    (``analytics/claims.py``; docs/analytics.md, "Aggregate claims")."""

    claim: str
    source: str = Field(description="aggregate_claim, or quantity: a figure stated alone.")
    claimant: str = Field(description="Institution key (empty while it is unreconciled).")
    claimant_text: str = Field(
        "", description="The claimant as written while it is unreconciled (claimant is empty)."
    )
    description: str
    measure: str
    claimed: QualifiedPeopleSchema
    claimed_qualifier: str
    period_start: int | None = Field(description="First year; null: cumulative or no period.")
    period_end: int | None
    cumulative: bool = Field(description="A figure 'as of' a date: no start, placed in no year.")
    includes: list[str] = Field(
        description="Dated claims a cumulative one contains: it adds only what they leave."
    )
    logged: int = Field(description="People of the claimant's fused events in the period.")
    logged_events: list[str]
    extra: QualifiedPeopleSchema = Field(
        description="Un-itemised people: claimed − logged, never below 0 (0 when not counted)."
    )
    years: list[int]
    per_year: list[ClaimYearSchema] = Field(
        description="The un-itemised people spread over the years by largest remainder."
    )
    overlaps: list[str]
    counted: bool = Field(description="False: it overlaps a larger claim of the same claimant.")
    counts_with: str = Field(description="The overlapping claim that counts instead.")
    reason: str
    country: str = ""
    courses: int | None = None
    courses_qualifier: str = "exact"


class SupplyYearSchema(Schema):
    year: int
    people: int
    unattributed: int
    unitemised: int = Field(description="Of whom un-itemised: from aggregate claims.")


class GapTotalsSchema(Schema):
    events: int
    folded_reports: int
    undated_events: int
    uncounted_events: int
    unreconciled_events: int = Field(
        0, description="Counted events whose host is not reconciled yet (held as written)."
    )
    unreconciled_people: int = Field(0, description="Participants of those events.")
    unreconciled_claims: int = Field(
        0,
        description="Aggregate claims whose claimant is not reconciled yet: counted whole.",
    )
    people: int
    unitemised_people: int = Field(
        0, description="People aggregate claims add beyond logged events, placed in a year."
    )
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
    claimed_people: int | None = Field(
        description="What the center's counted claims say for the year (whole people, spread "
        "by largest remainder; overlapping claims not summed)."
    )
    unitemised: int | None = Field(
        None, description="Of those, people beyond the center's logged events that year."
    )
    claimed: PeopleRangeSchema | None = Field(
        None,
        description="claimed_people with the bounds of the claims' qualifiers (a year's share of "
        '"over 500" has no upper bound).',
    )
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
    unitemised: int = Field(0, description="People its claims add beyond its logged events.")
    claimed_beyond_logged: PeopleRangeSchema | None = Field(
        None,
        description='The same with the bounds of its claims\' qualifiers ("more than 1,500" '
        "stays a lower bound), cumulative claims included.",
    )


class AchievementClaimSchema(ClaimReconciliationSchema):
    name: str = Field(description="The claimant's name.")


class AchievementFiltersSchema(Schema):
    institution: str | None
    year: int | None


class FigureSchema(Schema):
    """One catalogue figure (``analytics.figures``) for the viewer: value, bounds, unit and the
    section of ``docs/figures.md`` that defines it."""

    id: str
    label: str
    unit: str
    value: int | float | None = Field(
        description="A whole number, but for depths (unit depth: 2 decimal places)."
    )
    low: int | None
    high: int | None
    definition: str


class AchievementsSchema(Schema):
    filters: AchievementFiltersSchema
    figures: list[FigureSchema] = Field(
        description="The catalogue's achievement figures (docs/figures.md), over every center "
        "the viewer may see: the filters do not narrow them."
    )
    rows: list[AchievementRowSchema]
    centers: list[CenterSchema]
    claims: list[AchievementClaimSchema]


class AchievementsQuery(Schema):
    institution: str | None = Field(None, description="Institution key.")
    year: Year | None = None
