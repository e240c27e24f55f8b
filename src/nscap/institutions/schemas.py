"""API schemas of institutions, their labels, center profiles and milestones (Table 1)."""

from __future__ import annotations

from ninja import Field, Schema

from nscap.core.api_support import (
    CitationIndex,
    CountryCode,
    PageQuery,
    RecordSchema,
    Ref,
    Year,
    enum_of,
    partial,
    record_fields,
    ref,
    related,
)
from nscap.institutions.choices import InstitutionKind, MilestoneKind, MilestoneStatus
from nscap.vocabularies.inferred import TOPICS, visible_inferred
from nscap.vocabularies.schemas import InferredLabelSchema

InstitutionKindValue = enum_of("InstitutionKindValue", InstitutionKind)
MilestoneKindValue = enum_of("MilestoneKindValue", MilestoneKind)
MilestoneStatusValue = enum_of("MilestoneStatusValue", MilestoneStatus)


class LabelSchema(Schema):
    """One way to name an institution, in a language (BCP 47) and script (ISO 15924)."""

    text: str
    language: str
    script: str
    kind: str
    preferred: bool


class InstitutionSchema(RecordSchema):
    """An institution as lists show it."""

    name: str
    kind: str
    country: str = Field(description="ISO 3166-1 alpha-2; empty for international bodies.")
    parent: Ref | None
    parent_text: str = Field(
        "", description="The parent as written while it is unreconciled (parent is then null)."
    )
    parent_role: str
    parent_relation: str
    website: str
    description: str
    labels: list[LabelSchema]


class CenterProfileSchema(RecordSchema):
    """Table 1 for a center: geographic, topic and activity focus, with the source's words."""

    institution: Ref | None
    geographic_focus: list[str]
    geographic_focus_planned: list[str]
    geographic_focus_text: str
    topics: list[Ref]
    topic_focus_text: str
    inferred: list[InferredLabelSchema] = Field(
        description="Of `topics`, those nscap inferred (`topic_focus_text` does not name them), "
        "with the source's words as evidence; the others are stated."
    )
    activity_focus: list[str]
    activity_focus_text: str


class MilestoneSchema(RecordSchema):
    """A dated step in a center's life; ``date`` is EDTF text at its precision."""

    institution: Ref | None
    institution_text: str = Field(
        "",
        description="The institution as written while it is unreconciled (then null).",
    )
    kind: str
    status: str
    date: str | None
    date_precision: str | None
    date_text: str
    description: str
    counterpart: Ref | None
    counterpart_text: str


class InstitutionDetailSchema(InstitutionSchema):
    """An institution with its profile, milestones and children."""

    profile: CenterProfileSchema | None
    milestones: list[MilestoneSchema]
    children: list[Ref]


class CandidateSchema(Schema):
    """A label-resolution candidate: an institution, its score in [0, 1], the label matched."""

    institution: Ref
    score: float
    matched_label: LabelSchema


class InstitutionQuery(PageQuery):
    country: CountryCode | None = Field(None, description="ISO 3166-1 alpha-2, e.g. JP.")
    kind: InstitutionKindValue | None = None
    topic: str | None = Field(None, description="Topic key (from the center profile).")
    network: str | None = Field(None, description="Network key (members of it).")
    parent: str | None = Field(None, description="Institution key of the parent (its parts).")
    center: bool | None = Field(
        None, description="true: centers only, of both kinds (center_of_excellence and nssc)."
    )
    q: str | None = Field(None, description="Text in any name, acronym or alias, any script.")


class ResolveQuery(Schema):
    q: str = Field(..., min_length=1, description="Any name, acronym or alias, any script.")
    limit: int = Field(10, ge=1, le=50)


class CenterProfileQuery(PageQuery):
    institution: str | None = Field(None, description="Institution key.")
    topic: str | None = Field(None, description="Topic key.")


class MilestoneQuery(PageQuery):
    institution: str | None = Field(None, description="Institution key.")
    kind: MilestoneKindValue | None = None
    status: MilestoneStatusValue | None = None
    year: Year | None = Field(None, description="Year of the (first day of the) date.")


def label_item(label) -> dict:
    return {
        "text": label.text,
        "language": label.language,
        "script": label.script,
        "kind": label.kind,
        "preferred": label.preferred,
    }


def institution_item(institution, citations: CitationIndex) -> dict:
    """An institution; expects ``parent`` and ``labels`` prefetched (parent visible or None)."""
    return {
        **record_fields(institution, citations),
        "name": institution.name,
        "kind": institution.kind,
        "country": institution.country,
        "parent": ref(related(institution, "parent")),
        "parent_text": institution.parent_text if institution.parent_id is None else "",
        "parent_role": institution.parent_role,
        "parent_relation": institution.parent_relation,
        "website": institution.website,
        "description": institution.description,
        "labels": [label_item(label) for label in institution.labels.all()],
    }


def profile_item(profile, citations: CitationIndex) -> dict:
    topics = list(profile.topics.all())
    return {
        **record_fields(profile, citations),
        "institution": ref(related(profile, "institution")),
        "geographic_focus": list(profile.geographic_focus or []),
        "geographic_focus_planned": list(profile.geographic_focus_planned or []),
        "geographic_focus_text": profile.geographic_focus_text,
        "topics": [ref(topic) for topic in topics],
        "topic_focus_text": profile.topic_focus_text,
        "inferred": visible_inferred(profile, {TOPICS: topics}),
        "activity_focus": list(profile.activity_focus or []),
        "activity_focus_text": profile.activity_focus_text,
    }


def milestone_item(milestone, citations: CitationIndex) -> dict:
    return {
        **record_fields(milestone, citations),
        "institution": ref(related(milestone, "institution")),
        "institution_text": milestone.institution_text if milestone.institution_id is None else "",
        "kind": milestone.kind,
        "status": milestone.status,
        **partial(milestone, "date"),
        "date_text": milestone.date_text,
        "description": milestone.description,
        "counterpart": ref(related(milestone, "counterpart")),
        "counterpart_text": milestone.counterpart_text,
    }


class ResolutionSchema(Schema):
    """What ``/institutions/resolve`` answers: the text asked and ranked candidates."""

    q: str
    candidates: list[CandidateSchema]
