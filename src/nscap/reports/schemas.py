"""The regional report's API shapes (``GET /api/reports/regional``)."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema


class RegionalReportQuery(Schema):
    region: str | None = Field(
        None, description="A region name, e.g. Asia or Southeast Asia (blank: every region)."
    )
    # Text, checked by ``reports.params`` so a bad year is named like on the page and the CLI.
    year_from: str | None = Field(None, alias="from", description="First year of the period.")
    year_to: str | None = Field(None, alias="to", description="Last year of the period.")
    format: Literal["json", "xlsx", "pdf"] = Field(
        "json", description="json (default), xlsx (the workbook) or pdf."
    )


class ReportOtherNameSchema(Schema):
    text: str
    language: str


class ReportParentSchema(Schema):
    name: str
    url: str | None
    role: str
    relation: str


class ReportKeyDateSchema(Schema):
    date: str
    year: int | None
    date_text: str
    kind: str
    status: str
    actual: bool
    description: str
    notes: list[int]


class ReportCenterRowSchema(Schema):
    """Table 1: one center."""

    key: str
    url: str | None
    country: str
    country_name: str
    name: str
    acronym: str
    other_names: list[ReportOtherNameSchema]
    kind: str
    parent: ReportParentSchema
    geographic_focus: str
    geographic_focus_text: str
    topics: list[str]
    topic_focus_text: str
    activity_focus: str
    activity_focus_text: str
    key_dates: list[ReportKeyDateSchema]
    notes: list[int]


class ReportCourseSchema(Schema):
    key: str
    url: str | None
    title: str
    kind: str
    level: str
    first_offered: str
    topics: list[str]
    target_groups: list[str]
    notes: list[int]


class ReportTrainingRowSchema(Schema):
    """Table 2: one center's training offer."""

    key: str
    url: str | None
    name: str
    acronym: str
    country: str
    country_name: str
    scope: str
    offered_text: list[str]
    target_groups_text: list[str]
    topics: list[str]
    target_groups: list[str]
    courses: list[ReportCourseSchema]


class ReportClaimSchema(Schema):
    key: str
    partner: str
    partner_url: str | None
    partner_country: str
    type: str
    status: str
    state: str = Field(description="Claimed, confirmed or disputed: what the partner said.")
    state_code: str = Field(description="claimed, confirmed or disputed (``Confirmation``).")
    answer: str = Field(description="The claim's state as the collaboration page reads it.")
    answer_code: str = Field(description="The state's code (``Answer``: confirmed, ...).")
    description: str
    network: str
    notes: list[int]


class ReportCollaborationRowSchema(Schema):
    """Table 3: one claimant's claims, claimant → partner."""

    key: str
    url: str | None
    name: str
    country: str
    country_name: str
    claims: list[ReportClaimSchema]


class ReportFigureSchema(Schema):
    id: str
    label: str
    unit: str
    value: int | float | None
    low: int | None
    high: int | None
    display: str
    definition: str


class ReportFootnoteSchema(Schema):
    number: int
    source: str
    source_key: str
    source_footnote: int | None
    locator: str
    quote: str


class RegionalReportSchema(Schema):
    """The brief's three tables and the headline figures for a region and period."""

    region: str
    countries: list[str] | None
    year_from: int | None = Field(alias="from")
    year_to: int | None = Field(alias="to")
    table_1: list[ReportCenterRowSchema]
    table_2: list[ReportTrainingRowSchema]
    table_3: list[ReportCollaborationRowSchema]
    figures: list[ReportFigureSchema]
    footnotes: list[ReportFootnoteSchema]
