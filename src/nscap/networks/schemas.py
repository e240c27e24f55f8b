"""API schemas of networks, their memberships and meetings."""

from __future__ import annotations

from ninja import Field

from nscap.core.api_support import (
    CitationIndex,
    CountryCode,
    PageQuery,
    RecordSchema,
    Ref,
    Year,
    partial,
    record_fields,
    ref,
    related,
)
from nscap.quantities.schemas import QuantitySchema, quantity_item


class NetworkSchema(RecordSchema):
    """A multilateral forum of institutions (NSSC Network, INSEN, ...)."""

    name: str
    acronym: str
    description: str
    convener: Ref | None
    parent: Ref | None
    established: str | None
    established_precision: str | None
    meeting_frequency: str


class MembershipSchema(RecordSchema):
    """An institution's membership of a network, from a date where known."""

    network: Ref
    institution: Ref
    joined: str | None
    joined_precision: str | None
    role: str


class MeetingSchema(RecordSchema):
    """A meeting of a network, dated as precisely as known."""

    network: Ref
    title: str
    date: str | None
    date_precision: str | None
    city: str
    country: str
    description: str
    attendees: list[Ref]


class NetworkDetailSchema(NetworkSchema):
    """A network with its members, meetings, sub-networks and figures."""

    members: list[MembershipSchema]
    meetings: list[MeetingSchema]
    subnetworks: list[Ref]
    quantities: list[QuantitySchema]


class NetworkQuery(PageQuery):
    convener: str | None = Field(None, description="Institution key of the convener.")
    q: str | None = Field(None, description="Text in the name or acronym.")


class MembershipQuery(PageQuery):
    network: str | None = Field(None, description="Network key.")
    institution: str | None = Field(None, description="Institution key.")


class MeetingQuery(PageQuery):
    network: str | None = Field(None, description="Network key.")
    country: CountryCode | None = None
    year: Year | None = None


def network_item(network, citations: CitationIndex) -> dict:
    return {
        **record_fields(network, citations),
        "name": network.name,
        "acronym": network.acronym,
        "description": network.description,
        "convener": ref(related(network, "convener")),
        "parent": ref(related(network, "parent")),
        **partial(network, "established"),
        "meeting_frequency": network.meeting_frequency,
    }


def membership_item(membership, citations: CitationIndex) -> dict:
    return {
        **record_fields(membership, citations),
        "network": ref(related(membership, "network")),
        "institution": ref(related(membership, "institution")),
        **partial(membership, "joined"),
        "role": membership.role,
    }


def meeting_item(meeting, citations: CitationIndex) -> dict:
    """A meeting; expects ``attendees`` prefetched through a visible queryset."""
    return {
        **record_fields(meeting, citations),
        "network": ref(related(meeting, "network")),
        "title": meeting.title,
        **partial(meeting, "date"),
        "city": meeting.city,
        "country": meeting.country,
        "description": meeting.description,
        "attendees": [ref(attendee) for attendee in meeting.attendees.all()],
    }


def network_detail_item(network, citations: CitationIndex) -> dict:
    return {
        **network_item(network, citations),
        "members": [membership_item(m, citations) for m in network.visible_memberships],
        "meetings": [meeting_item(m, citations) for m in network.visible_meetings],
        "subnetworks": [ref(sub) for sub in network.visible_subnetworks],
        "quantities": [quantity_item(q, citations) for q in network.visible_quantities],
    }
