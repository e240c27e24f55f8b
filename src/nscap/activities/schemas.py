"""API schemas of courses (Table 2), training events and aggregate claims."""

from __future__ import annotations

from ninja import Field

from nscap.activities.choices import CourseKind
from nscap.activities.models import TrainingEvent
from nscap.activities.nesting import EventNesting
from nscap.core.api_support import (
    CitationIndex,
    CountryCode,
    EdtfDate,
    OutSchema,
    PageQuery,
    RecordSchema,
    Ref,
    Year,
    enum_of,
    key_ref,
    partial,
    record_fields,
    ref,
    related,
)
from nscap.quantities.schemas import QuantitySchema, quantity_item
from nscap.vocabularies.inferred import TARGET_GROUPS, TOPICS, visible_inferred
from nscap.vocabularies.schemas import InferredLabelSchema

CourseKindValue = enum_of("CourseKindValue", CourseKind)


class CourseSchema(RecordSchema):
    """A repeatable offering of a provider; ``*_text`` fields keep the source's words."""

    provider: Ref | None
    provider_text: str = Field(
        "", description="The provider as written while it is unreconciled (provider is then null)."
    )
    title: str
    description: str
    kind: str
    level: str
    topics: list[Ref]
    target_groups: list[Ref]
    target_groups_text: str
    language: str
    iaea_endorsed: bool | None
    guidance: str
    first_offered: str | None
    first_offered_precision: str | None
    source_text: str
    inferred: list[InferredLabelSchema] = Field(
        description="Of `topics` and `target_groups`, those nscap inferred (the source does not "
        "name them), each with the source's words as evidence; the others are stated."
    )


class CourseDetailSchema(CourseSchema):
    """A course with the runs of it the viewer may see."""

    events: list[Ref]


class PartnerSchema(OutSchema):
    institution: Ref
    role: str


class ParticipantCountrySchema(OutSchema):
    country: str
    count: int


class TrainingEventSchema(RecordSchema):
    """One run of a course: host, partners and roles, dates, place, mode, participants."""

    course: Ref | None
    host: Ref | None
    host_text: str = Field(
        "", description="The host as written while it is unreconciled (host is then null)."
    )
    title: str
    start: str | None
    start_precision: str | None
    end: str | None
    end_precision: str | None
    city: str
    country: str
    delivery_mode: str
    participants: int | None
    participants_qualifier: str
    iaea_endorsed: bool | None
    topics: list[Ref]
    target_groups: list[Ref]
    partners: list[PartnerSchema]
    participant_countries: list[ParticipantCountrySchema]


class AggregateClaimSchema(RecordSchema):
    """What an institution reports for a period without event detail, with its numbers."""

    claimant: Ref | None
    claimant_text: str = Field(
        "", description="The claimant as written while it is unreconciled (claimant is then null)."
    )
    description: str
    quote: str
    period_start: str | None
    period_start_precision: str | None
    period_end: str | None
    period_end_precision: str | None
    courses: int | None = None
    courses_qualifier: str = "exact"
    people: int | None = None
    people_qualifier: str = "exact"
    country: str = ""
    region: str = ""
    quantities: list[QuantitySchema]


class CourseQuery(PageQuery):
    provider: str | None = Field(None, description="Institution key of the provider.")
    topic: str | None = Field(None, description="Topic key.")
    target_group: str | None = Field(None, description="Target group key.")
    kind: CourseKindValue | None = None


class TrainingEventQuery(PageQuery):
    host: str | None = Field(None, description="Institution key of the host.")
    course: str | None = Field(None, description="Course key.")
    country: CountryCode | None = Field(None, description="Country where it took place.")
    year: Year | None = Field(None, description="Year it started.")
    from_: EdtfDate | None = Field(
        None, alias="from", description="Started or ended on or after (YYYY, YYYY-MM, YYYY-MM-DD)."
    )
    to: EdtfDate | None = Field(
        None, description="Started on or before the end of (YYYY, YYYY-MM, YYYY-MM-DD)."
    )
    partner_country: CountryCode | None = Field(
        None, description="ISO 3166-1 alpha-2 of a partner institution (e.g. JP)."
    )
    parent: str | None = Field(None, description="Institution key of the host's parent.")
    center: bool | None = Field(
        None, description="true: hosted by a center, of either kind (center_of_excellence, nssc)."
    )


class AggregateClaimQuery(PageQuery):
    claimant: str | None = Field(None, description="Institution key of the claimant.")


def course_item(course, citations: CitationIndex) -> dict:
    """A course; expects provider, topics and target groups loaded through visible querysets."""
    topics, groups = list(course.topics.all()), list(course.target_groups.all())
    return {
        **record_fields(course, citations),
        "provider": ref(related(course, "provider")),
        "provider_text": course.provider_text if course.provider_id is None else "",
        "title": course.title,
        "description": course.description,
        "kind": course.kind,
        "level": course.level,
        "topics": [ref(topic) for topic in topics],
        "target_groups": [ref(group) for group in groups],
        "target_groups_text": course.target_groups_text,
        "language": course.language,
        "iaea_endorsed": course.iaea_endorsed,
        "guidance": course.guidance,
        **partial(course, "first_offered"),
        "source_text": course.source_text,
        "inferred": visible_inferred(course, {TOPICS: topics, TARGET_GROUPS: groups}),
    }


def event_item(event, citations: CitationIndex, nested: EventNesting) -> dict:
    """An event (an ``api.EventRow``) with what it nests (``nesting.nest_events``: hidden parts
    already left out)."""
    return {
        "key": event.key,
        "sensitivity": event.sensitivity,
        "note": event.note,
        "version": event.version,
        "citations": citations.of_row(TrainingEvent, event.pk, event.key),
        "course": nested.course,
        "host": key_ref(event.host_key, event.host_name) if event.host_key else None,
        "host_text": event.host_text,
        "title": event.title,
        **partial(event, "start"),
        **partial(event, "end"),
        "city": event.city,
        "country": event.country,
        "delivery_mode": event.delivery_mode,
        "participants": event.participants,
        "participants_qualifier": event.participants_qualifier,
        "iaea_endorsed": event.iaea_endorsed,
        "topics": nested.topics,
        "target_groups": nested.target_groups,
        "partners": nested.partners,
        "participant_countries": nested.participant_countries,
    }


def aggregate_claim_item(claim, citations: CitationIndex) -> dict:
    """An aggregate claim; expects ``visible_quantities`` prefetched (a list)."""
    return {
        **record_fields(claim, citations),
        "claimant": ref(related(claim, "claimant")),
        "claimant_text": claim.claimant_text if claim.claimant_id is None else "",
        "description": claim.description,
        "quote": claim.quote,
        **partial(claim, "period_start"),
        **partial(claim, "period_end"),
        "courses": claim.courses,
        "courses_qualifier": claim.courses_qualifier,
        "people": claim.people,
        "people_qualifier": claim.people_qualifier,
        "country": claim.country,
        "region": claim.region,
        "quantities": [quantity_item(q, citations) for q in claim.visible_quantities],
    }
