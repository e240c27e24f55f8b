"""Read API of networks (with members, meetings and figures), memberships and meetings."""

from __future__ import annotations

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router

from nscap.core.api_support import (
    CitationIndex,
    by_key,
    check_query,
    detail_responses,
    get_visible_or_404,
    list_responses,
    paginate,
    visible,
)
from nscap.institutions.models import Institution
from nscap.networks.models import Meeting, Membership, Network
from nscap.networks.schemas import (
    MeetingQuery,
    MeetingSchema,
    MembershipQuery,
    MembershipSchema,
    NetworkDetailSchema,
    NetworkQuery,
    NetworkSchema,
    meeting_item,
    membership_item,
    network_detail_item,
    network_item,
)
from nscap.quantities.schemas import visible_quantities

router = Router(tags=["networks"])


def _networks(user) -> QuerySet:
    return visible(Network, user).prefetch_related(
        Prefetch("convener", queryset=visible(Institution, user)),
        Prefetch("parent", queryset=visible(Network, user)),
    )


def _memberships(user) -> QuerySet:
    """Visible memberships whose network and institution are visible too."""
    return (
        visible(Membership, user)
        .filter(network__in=visible(Network, user), institution__in=visible(Institution, user))
        .select_related("network", "institution")
    )


def _meetings(user) -> QuerySet:
    """Visible meetings of visible networks, by date (undated last), attendees filtered."""
    return (
        visible(Meeting, user)
        .filter(network__in=visible(Network, user))
        .select_related("network")
        .prefetch_related(
            Prefetch("attendees", queryset=visible(Institution, user).order_by("name", "key"))
        )
        .order_by(F("date").asc(nulls_last=True), "key")
    )


def _items(user, item):
    def serialize(objects: list) -> list[dict]:
        citations = CitationIndex(user, objects)
        return [item(obj, citations) for obj in objects]

    return serialize


@router.get("/networks", response=list_responses(NetworkSchema))
def list_networks(request: HttpRequest, query: Query[NetworkQuery]):
    """Networks by name. Filters: convener, q (name or acronym)."""
    check_query(request, NetworkQuery)
    user = request.user
    networks = _networks(user).order_by("name", "key")
    if query.convener:
        networks = networks.filter(convener__in=by_key(Institution, user, query.convener))
    if query.q and query.q.strip():
        text = query.q.strip()
        networks = networks.filter(Q(name__icontains=text) | Q(acronym__icontains=text))
    return paginate(request, query, networks, _items(user, network_item))


@router.get("/networks/{key}", response=detail_responses(NetworkDetailSchema))
def get_network(request: HttpRequest, key: str):
    """One network with its members, meetings, sub-networks and quantities."""
    user = request.user
    networks = _networks(user).prefetch_related(
        Prefetch(
            "memberships",
            queryset=_memberships(user).order_by("institution__name", "key"),
            to_attr="visible_memberships",
        ),
        Prefetch("meetings", queryset=_meetings(user), to_attr="visible_meetings"),
        Prefetch(
            "subnetworks",
            queryset=visible(Network, user).order_by("name", "key"),
            to_attr="visible_subnetworks",
        ),
        Prefetch(
            "quantities",
            queryset=visible_quantities(user).order_by("measure", "key"),
            to_attr="visible_quantities",
        ),
    )
    network = get_visible_or_404(request, networks, key, _("network"))
    citations = CitationIndex(
        user,
        [network],
        network.visible_memberships,
        network.visible_meetings,
        network.visible_quantities,
    )
    return network_detail_item(network, citations)


@router.get("/memberships", response=list_responses(MembershipSchema))
def list_memberships(request: HttpRequest, query: Query[MembershipQuery]):
    """Memberships by key. Filters: network, institution."""
    check_query(request, MembershipQuery)
    user = request.user
    memberships = _memberships(user).order_by("key")
    if query.network:
        memberships = memberships.filter(network__in=by_key(Network, user, query.network))
    if query.institution:
        memberships = memberships.filter(
            institution__in=by_key(Institution, user, query.institution)
        )
    return paginate(request, query, memberships, _items(user, membership_item))


@router.get("/memberships/{key}", response=detail_responses(MembershipSchema))
def get_membership(request: HttpRequest, key: str):
    """One membership."""
    membership = get_visible_or_404(request, _memberships(request.user), key, _("membership"))
    return membership_item(membership, CitationIndex(request.user, [membership]))


@router.get("/meetings", response=list_responses(MeetingSchema))
def list_meetings(request: HttpRequest, query: Query[MeetingQuery]):
    """Meetings by date (undated last). Filters: network, country, year."""
    check_query(request, MeetingQuery)
    user = request.user
    meetings = _meetings(user)
    if query.network:
        meetings = meetings.filter(network__in=by_key(Network, user, query.network))
    if query.country:
        meetings = meetings.filter(country=query.country)
    if query.year:
        meetings = meetings.filter(date__year=query.year)
    return paginate(request, query, meetings, _items(user, meeting_item))


@router.get("/meetings/{key}", response=detail_responses(MeetingSchema))
def get_meeting(request: HttpRequest, key: str):
    """One meeting with the attendees the viewer may see."""
    meeting = get_visible_or_404(request, _meetings(request.user), key, _("meeting"))
    return meeting_item(meeting, CitationIndex(request.user, [meeting]))
