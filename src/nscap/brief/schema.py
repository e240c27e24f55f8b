"""The shape of the brief's transcription: one Pydantic model per TOML table.

Each ``[[table]]`` entry in ``brief/data/*.toml`` (and the vocabularies in
``vocabularies/data/*.toml``) is validated by the row model named in ``TABLES`` before anything
is written. References between rows are by ``key`` and are checked by the loader.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.db import models
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from nscap.activities.choices import CourseKind, CourseLevel
from nscap.collaboration.choices import CollaborationStatus, CollaborationType, Confirmation
from nscap.core.choices import DatePrecision, Qualifier, Sensitivity
from nscap.core.partial_dates import PartialDate
from nscap.institutions.choices import (
    ActivityFocus,
    GeographicScope,
    InstitutionKind,
    LabelKind,
    MilestoneKind,
    MilestoneStatus,
    ParentRole,
)
from nscap.quantities.choices import QuantityStatus
from nscap.sources.choices import SourceKind

Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=120)]
Country = Annotated[str, StringConstraints(pattern=r"^(?:[A-Z]{2})?$")]
Text = Annotated[str, StringConstraints(min_length=1)]


def _one_of(choices: type[models.TextChoices]) -> AfterValidator:
    allowed = list(choices.values)

    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"{value!r} is not one of: {', '.join(allowed)}")
        return value

    return AfterValidator(check)


def _partial_date(value: Any) -> Any:
    """Accept ``2014`` (integer), ``"2014-09"``, ``"2014-09-12"`` or a TOML date."""
    if value is None or isinstance(value, PartialDate):
        return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return PartialDate(value, DatePrecision.DAY)
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:04d}"
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    return PartialDate.parse(value)


PDate = Annotated[PartialDate, BeforeValidator(_partial_date)]


def choice(choices: type[models.TextChoices]) -> Any:
    return Annotated[str, _one_of(choices)]


class Row(BaseModel):
    """Every table row: unknown fields are errors, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Cite(Row):
    """Where the brief states a fact: a locator, the footnote number if any, a verbatim quote."""

    locator: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    quote: Text
    footnote: int | None = Field(default=None, ge=1)
    field: Annotated[str, StringConstraints(max_length=100)] = ""


class RecordRow(Row):
    key: Key
    note: str = ""
    sensitivity: choice(Sensitivity) = Sensitivity.PUBLIC.value


class CitedRow(RecordRow):
    """A fact of the brief: it must carry at least one citation."""

    cite: list[Cite] = Field(min_length=1)

    @model_validator(mode="after")
    def _citations_distinct(self) -> CitedRow:
        seen: set[tuple[str, str]] = set()
        for cite in self.cite:
            where = (cite.field, cite.locator)
            if where in seen:
                raise ValueError(
                    f"two citations with field {cite.field!r} and locator {cite.locator!r}"
                )
            seen.add(where)
        return self


class SourceRow(RecordRow):
    title: Text
    kind: choice(SourceKind)
    authors: str = ""
    publisher: str = ""
    published: PDate | None = None
    url: str = ""
    language: str = "en"


class LabelRow(Row):
    text: Text
    language: Text
    script: Annotated[str, StringConstraints(pattern=r"^[A-Z][a-z]{3}$")] = "Latn"
    kind: choice(LabelKind)
    preferred: bool = False


class InstitutionRow(CitedRow):
    name: Text
    kind: choice(InstitutionKind)
    country: Country = ""
    parent: Key | None = None
    parent_role: Annotated[str, BeforeValidator(lambda v: v or "")] = ""
    parent_relation: str = ""
    website: str = ""
    description: str = ""
    labels: list[LabelRow] = Field(min_length=1)

    @model_validator(mode="after")
    def _parent_role(self) -> InstitutionRow:
        if self.parent_role and self.parent_role not in ParentRole.values:
            raise ValueError(
                f"parent_role {self.parent_role!r} is not one of: {', '.join(ParentRole.values)}"
            )
        if self.parent_role and not self.parent:
            raise ValueError("parent_role is given but parent is not")
        return self


class ProfileRow(CitedRow):
    institution: Key
    geographic_focus: list[choice(GeographicScope)] = []
    geographic_focus_planned: list[choice(GeographicScope)] = []
    geographic_focus_text: str = ""
    topics: list[Key] = []
    topic_focus_text: str = ""
    activity_focus: list[choice(ActivityFocus)] = []
    activity_focus_text: str = ""


class MilestoneRow(CitedRow):
    institution: Key
    kind: choice(MilestoneKind)
    status: choice(MilestoneStatus) = MilestoneStatus.ACTUAL.value
    date: PDate | None = None
    date_text: Annotated[str, StringConstraints(max_length=100)] = ""
    description: Annotated[str, StringConstraints(max_length=500)] = ""
    counterpart: Key | None = None
    counterpart_text: str = ""


class CourseRow(CitedRow):
    provider: Key
    title: Text
    description: str = ""
    kind: choice(CourseKind) = CourseKind.TRAINING.value
    level: choice(CourseLevel) = CourseLevel.UNSPECIFIED.value
    topics: list[Key] = []
    target_groups: list[Key] = []
    target_groups_text: str = ""
    language: str = ""
    iaea_endorsed: bool | None = None
    guidance: str = ""
    first_offered: PDate | None = None
    source_text: str = ""


class NetworkRow(CitedRow):
    name: Text
    acronym: str = ""
    description: str = ""
    convener: Key | None = None
    parent: Key | None = None
    established: PDate | None = None
    meeting_frequency: str = ""


class MembershipRow(CitedRow):
    network: Key
    institution: Key
    joined: PDate | None = None
    role: str = ""


class ClaimRow(CitedRow):
    claimant: Key
    partner: Key | None = None
    partner_country: Country = ""
    partner_text: str = ""
    type: choice(CollaborationType)
    status: choice(CollaborationStatus) = CollaborationStatus.UNKNOWN.value
    confirmation: choice(Confirmation) = Confirmation.CLAIMED.value
    network: Key | None = None
    description: str = ""
    start: PDate | None = None
    end: PDate | None = None

    @model_validator(mode="after")
    def _names_a_partner(self) -> ClaimRow:
        if not (self.partner or self.partner_country or self.partner_text):
            raise ValueError("a claim needs a partner, partner_country or partner_text")
        if self.partner and self.partner == self.claimant:
            raise ValueError("the partner is the claimant")
        return self


class AggregateClaimRow(CitedRow):
    claimant: Key
    description: Text
    quote: str = ""
    period_start: PDate | None = None
    period_end: PDate | None = None


class NeedsAssessmentRow(CitedRow):
    title: Text
    assessor: Key | None = None
    country: Country = ""
    region: str = ""
    target_group: Key | None = None
    topic: Key | None = None
    published: PDate | None = None
    method: str = ""


class QuantityRow(CitedRow):
    measure: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$", max_length=60)]
    description: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    value: Decimal = Field(ge=0, max_digits=18, decimal_places=4)
    qualifier: choice(Qualifier) = Qualifier.EXACT.value
    unit: Text
    status: choice(QuantityStatus) = QuantityStatus.ACTUAL.value
    quote: str = ""
    institution: Key | None = None
    network: Key | None = None
    aggregate_claim: Key | None = None
    needs_assessment: Key | None = None
    country: Country = ""
    region: str = ""
    period_start: PDate | None = None
    period_end: PDate | None = None
    as_of: PDate | None = None

    @model_validator(mode="before")
    @classmethod
    def _value_as_text(cls, data: Any) -> Any:
        # TOML floats (0.5) become Decimal through their text, not their binary value.
        if isinstance(data, dict) and isinstance(data.get("value"), float):
            data = {**data, "value": repr(data["value"])}
        return data


class UnplacedRow(Row):
    """A fact of the brief the model has no place for (kept so nothing is silently dropped)."""

    fact: Text
    reason: Text
    footnote: int | None = Field(default=None, ge=1)
    quote: Text


class TopicRow(RecordRow):
    name: Text
    name_zh: str = ""
    description: str = ""
    nss_references: list[str] = []
    aliases: list[str] = []
    parent: Key | None = None


class TargetGroupRow(RecordRow):
    name: Text
    name_zh: str = ""
    description: str = ""
    aliases: list[str] = []


# Table name in the TOML files -> the row model that validates it.
TABLES: dict[str, type[Row]] = {
    "source": SourceRow,
    "institution": InstitutionRow,
    "profile": ProfileRow,
    "milestone": MilestoneRow,
    "course": CourseRow,
    "network": NetworkRow,
    "membership": MembershipRow,
    "claim": ClaimRow,
    "aggregate_claim": AggregateClaimRow,
    "needs_assessment": NeedsAssessmentRow,
    "quantity": QuantityRow,
    "unplaced": UnplacedRow,
    "topic": TopicRow,
    "target_group": TargetGroupRow,
}
