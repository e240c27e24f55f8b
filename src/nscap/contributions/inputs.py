"""One schema per writable record type: it validates API bodies, import rows and form data.

References to other records are by key (``host: "insa"``); partial dates are text ("2014-09").
Server-owned fields (ids, versions, status, author, confirmation) are not in the schemas, and
``extra="forbid"`` refuses them by name.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)

from nscap.activities.choices import CourseKind, CourseLevel, DeliveryMode, PartnerRole
from nscap.collaboration.choices import CollaborationStatus, CollaborationType
from nscap.contributions.fields import Count, Country, Key, PartialDateText, Text, WebAddress
from nscap.core.choices import Qualifier, Sensitivity
from nscap.institutions.choices import (
    InstitutionKind,
    LabelKind,
    MilestoneKind,
    MilestoneStatus,
    ParentRole,
)
from nscap.needs.choices import DemandMeasure
from nscap.sources.choices import SourceKind

# The largest count a record may state: more people than live on Earth is a typo, not a claim.
MAX_COUNT = 10_000_000_000


REPORTED_BY = (
    "Whose report this is (institution key); it owns the record while the institution named "
    "in it is held as written"
)


def held_or_named(name: str):
    """A validator: the required institution ``name`` is given by key, or held as written in
    ``<name>_text`` while it is unreconciled (issue 14); declare the text field first."""

    def check(cls, value: str | None, info: ValidationInfo) -> str | None:
        if not (value or info.data.get(f"{name}_text")):
            raise ValueError("Field required")
        return value

    return field_validator(name)(classmethod(check))


class RecordInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    key: Key | None = Field(None, description="Stable id; generated on create when left out")
    sensitivity: Sensitivity = Sensitivity.PUBLIC
    note: Text = ""


def _one_scope(country: str, region: str) -> None:
    if country and region:
        raise ValueError("give the scope as country or as region, not both")


def _after_start(end: str | None, info: ValidationInfo) -> str | None:
    """A field validator's half of ``_period``: ``end`` against the ``start`` validated before
    it (declared first), so the error names ``end``."""
    _period(info.data.get("start"), end, "end")
    return end


def _period(start: str | None, end: str | None, end_name: str) -> None:
    from nscap.core.partial_dates import PartialDate

    if start and end and PartialDate.parse(end).end < PartialDate.parse(start).date:
        raise ValueError(f"{end_name} is before the start")


class LabelInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: Text = Field(min_length=1, max_length=300)
    language: Text = Field(min_length=2, max_length=35, description="BCP 47 tag, e.g. zh-Hans")
    script: Text = Field("Latn", min_length=4, max_length=4, description="ISO 15924 code")
    kind: LabelKind = LabelKind.NAME
    # A learned alias's context (reconciliation, issue 14); left out of a label's values when
    # blank, so that labels without one read and compare as they always did.
    context_country: Country = ""
    context_reporter: Text = Field("", max_length=120)

    @model_serializer(mode="wrap")
    def _without_blank_context(self, handler):
        values = handler(self)
        for name in ("context_country", "context_reporter"):
            if not values.get(name):
                values.pop(name, None)
        return values


class InstitutionInput(RecordInput):
    name: Text = Field(min_length=1, max_length=300)
    kind: InstitutionKind
    country: Country = ""
    parent_text: Text = Field(
        "", max_length=300, description="The parent as written, while it is unreconciled"
    )
    parent: Key | None = None
    parent_role: ParentRole | None = None
    parent_relation: Text = Field("", max_length=300)
    website: WebAddress = ""
    description: Text = ""
    labels: list[LabelInput] = Field(default_factory=list)
    same_as: Key | None = Field(
        None, description="The record of the same organisation that is kept (a steward's merge)"
    )

    @model_validator(mode="after")
    def _role_needs_parent(self):
        if self.parent_role and not (self.parent or self.parent_text):
            raise ValueError("parent_role is given but parent is not")
        if self.same_as and self.same_as == self.key:
            raise ValueError("same_as names the institution itself")
        return self


class MilestoneInput(RecordInput):
    institution_text: Text = Field(
        "", max_length=300, description="The institution as written, while it is unreconciled"
    )
    institution: Key | None = Field(None, validate_default=True)
    reported_by: Key | None = Field(None, description=REPORTED_BY)
    kind: MilestoneKind
    status: MilestoneStatus = MilestoneStatus.ACTUAL
    date: PartialDateText | None = None
    date_text: Text = Field("", max_length=100)
    description: Text = Field("", max_length=500)

    _institution_named = held_or_named("institution")


class CourseInput(RecordInput):
    provider_text: Text = Field(
        "", max_length=300, description="The provider as written, while it is unreconciled"
    )
    provider: Key | None = Field(None, validate_default=True)
    reported_by: Key | None = Field(None, description=REPORTED_BY)
    title: Text = Field(min_length=1, max_length=300)
    description: Text = ""
    kind: CourseKind = CourseKind.TRAINING
    level: CourseLevel = CourseLevel.UNSPECIFIED
    topics: list[Key] = Field(default_factory=list)
    target_groups: list[Key] = Field(default_factory=list)
    language: Text = Field("", max_length=35)
    iaea_endorsed: bool | None = None
    guidance: Text = Field("", max_length=300)
    first_offered: PartialDateText | None = None

    _provider_named = held_or_named("provider")


def _given_once(values: list[str], what: str) -> None:
    """Refuse a row given twice (one per country; one per partner and role): the database
    would refuse it only when the change is applied, after a steward approved it."""
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {value} is given twice; give it once")
        seen.add(value)


class EventPartnerInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    institution: Key
    # Reports often name a partner without its role: kept as "unspecified", not dropped.
    role: PartnerRole = PartnerRole.UNSPECIFIED


class ParticipantCountryInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    country: Country = Field(min_length=2)
    count: Count


class TrainingEventInput(RecordInput):
    # Before ``host``, so that ``host``'s check can read it: a host is named by key, or kept
    # as written while it is unreconciled (issue 14).
    host_text: Text = Field(
        "",
        max_length=300,
        description="The host as written, while no institution is chosen for it (unreconciled)",
    )
    host: Key | None = Field(None, validate_default=True)
    course: Key | None = None
    title: Text = Field(min_length=1, max_length=300)
    start: PartialDateText | None = None
    end: PartialDateText | None = None
    city: Text = Field("", max_length=200)
    country: Country = ""
    delivery_mode: DeliveryMode = DeliveryMode.UNKNOWN
    participants: Count | None = None
    participants_qualifier: Qualifier = Qualifier.EXACT
    iaea_endorsed: bool | None = None
    topics: list[Key] = Field(default_factory=list)
    target_groups: list[Key] = Field(default_factory=list)
    partners: list[EventPartnerInput] = Field(default_factory=list)
    participant_countries: list[ParticipantCountryInput] = Field(default_factory=list)
    reported_by: Key | None = Field(
        None, description="Whose report this is (institution key); blank = the host's own"
    )
    same_as: Key | None = Field(
        None, description="The report of the same event that is kept (a steward's merge)"
    )

    @field_validator("participant_countries")
    @classmethod
    def _one_row_per_country(
        cls, rows: list[ParticipantCountryInput]
    ) -> list[ParticipantCountryInput]:
        _given_once([row.country for row in rows], "country")
        return rows

    @field_validator("partners")
    @classmethod
    def _one_row_per_partner_role(cls, rows: list[EventPartnerInput]) -> list[EventPartnerInput]:
        _given_once([f"{row.institution} as {row.role.value}" for row in rows], "partner")
        return rows

    @field_validator("host")
    @classmethod
    def _host_named(cls, value: str | None, info: ValidationInfo) -> str | None:
        if not (value or info.data.get("host_text")):
            raise ValueError("Field required")
        return value

    # On the field, not the model: it is then reported with the other fields' errors, next to
    # End, even when another field fails (issue 16: one submit, every problem).
    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: str | None, info: ValidationInfo) -> str | None:
        return _after_start(end, info)

    @model_validator(mode="after")
    def _checks(self):
        if self.same_as and self.same_as == self.key:
            raise ValueError("same_as names the event itself")
        if self.participants is not None and self.participant_countries:
            total = sum(c.count for c in self.participant_countries)
            if total > self.participants:
                raise ValueError(
                    f"participant_countries add up to {total}, more than participants "
                    f"({self.participants})"
                )
        return self


class CollaborationClaimInput(RecordInput):
    claimant: Key
    partner: Key | None = None
    partner_country: Country = ""
    partner_text: Text = Field("", max_length=300, validate_default=True)
    type: CollaborationType
    status: CollaborationStatus = CollaborationStatus.UNKNOWN
    network: Key | None = None
    description: Text = ""
    start: PartialDateText | None = None
    end: PartialDateText | None = None

    # Field validators, not a model one: they then run, and are reported, with the other
    # fields' errors rather than after them (issue 16: one submit, every problem).
    @field_validator("partner")
    @classmethod
    def _not_the_claimant(cls, partner: str | None, info: ValidationInfo) -> str | None:
        if partner and partner == info.data.get("claimant"):
            raise ValueError("partner is the claimant")
        return partner

    @field_validator("partner_text")
    @classmethod
    def _partner_named(cls, text: str, info: ValidationInfo) -> str:
        # A partner or country that failed its own check has said its error already.
        given = ("partner", "partner_country")
        if all(name in info.data for name in given) and not (
            text or any(info.data[name] for name in given)
        ):
            raise ValueError("name the partner: partner, partner_country or partner_text")
        return text

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: str | None, info: ValidationInfo) -> str | None:
        return _after_start(end, info)


class AggregateClaimInput(RecordInput):
    """ "N courses for M people in P": the figures with how exact each is, period and scope."""

    claimant_text: Text = Field(
        "", max_length=300, description="The claimant as written, while it is unreconciled"
    )
    claimant: Key | None = Field(None, validate_default=True)
    reported_by: Key | None = Field(None, description=REPORTED_BY)
    description: Text = Field(min_length=1)
    quote: Text = ""
    period_start: PartialDateText | None = None
    period_end: PartialDateText | None = None
    courses: Count | None = None
    courses_qualifier: Qualifier = Qualifier.EXACT
    people: Count | None = None
    people_qualifier: Qualifier = Qualifier.EXACT
    country: Country = ""
    region: Text = Field("", max_length=100)

    _claimant_named = held_or_named("claimant")

    @model_validator(mode="after")
    def _checks(self):
        _period(self.period_start, self.period_end, "period_end")
        _one_scope(self.country, self.region)
        return self


class SourceInput(RecordInput):
    title: Text = Field(min_length=1, max_length=500)
    kind: SourceKind = SourceKind.OTHER
    authors: Text = Field("", max_length=500)
    publisher: Text = Field("", max_length=300)
    published: PartialDateText | None = None
    url: WebAddress = ""
    language: Text = Field("en", max_length=35)
    owner_text: Text = Field(
        "", max_length=300, description="The submitter as written, while it is unreconciled"
    )
    owner: Key | None = None
    reported_by: Key | None = Field(None, description=REPORTED_BY)


# --- demand and vocabularies (issue 14) --------------------------------------------------------


class NeedsAssessmentInput(RecordInput):
    """A study of how many people need training; its figures are ``NeedsFigureInput`` rows.

    The scope is a country or a named region (both blank: worldwide); ``sources`` are the keys
    of the documents it comes from, cited on the record.
    """

    title: Text = Field(min_length=1, max_length=300)
    assessor: Key | None = None
    country: Country = ""
    region: Text = Field("", max_length=100)
    target_group: Key | None = None
    topic: Key | None = None
    published: PartialDateText | None = None
    method: Text = ""
    sources: list[Key] = Field(default_factory=list)

    @model_validator(mode="after")
    def _checks(self):
        _one_scope(self.country, self.region)
        return self


class NeedsFigureInput(RecordInput):
    """One demand cell: people needing training in a year, for a scope, target group, topic.

    Blank scope, target group or topic: the assessment's own.
    """

    needs_assessment: Key
    country: Country = ""
    region: Text = Field("", max_length=100)
    target_group: Key | None = None
    topic: Key | None = None
    year: int | None = Field(None, ge=1900, le=2200, description="Blank: the assessment's date")
    people: int = Field(ge=0, le=MAX_COUNT, description="People needing training")
    qualifier: Qualifier = Qualifier.EXACT
    measure: DemandMeasure = DemandMeasure.PEOPLE_NEEDING_TRAINING
    unit: Text = Field("people", min_length=1, max_length=60)
    description: Text = Field("", max_length=500)
    quote: Text = ""

    @model_validator(mode="after")
    def _checks(self):
        _one_scope(self.country, self.region)
        return self


VocabularyText = Annotated[Text, Field(min_length=1, max_length=200)]


class VocabularyInput(RecordInput):
    """A term of a vocabulary: its name in English and Chinese and synonyms in any language."""

    name: VocabularyText
    name_zh: Text = Field("", max_length=200)
    description: Text = ""
    aliases: list[VocabularyText] = Field(
        default_factory=list, description="Other names and synonyms, in any language"
    )


class TargetGroupInput(VocabularyInput):
    """Who a course is for (regulators, customs, ...), with its words in any language."""


class TopicInput(VocabularyInput):
    """A topic: a vocabulary term with its IAEA NSS references and a broader topic."""

    nss_references: list[VocabularyText] = Field(
        default_factory=list, description="IAEA Nuclear Security Series, e.g. NSS 13"
    )
    parent: Key | None = None

    @model_validator(mode="after")
    def _checks(self):
        if self.parent and self.parent == self.key:
            raise ValueError("parent names the topic itself")
        return self
