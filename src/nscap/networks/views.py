"""Networks: the list of forums and one network with its members, meetings and figures."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from nscap.institutions.visible import visible_institutions
from nscap.networks.models import Meeting, Membership, Network
from nscap.quantities.selectors import visible_quantities
from nscap.sources.selectors import citations_for


def network_list(request: HttpRequest) -> HttpResponse:
    networks = list(Network.objects.visible_to(request.user))
    members = Membership.objects.visible_to(request.user)
    for network in networks:
        network.member_count = members.filter(network=network).count()
    return render(request, "networks/list.html", {"section": "networks", "networks": networks})


def network_detail(request: HttpRequest, key: str) -> HttpResponse:
    user = request.user
    network = get_object_or_404(Network.objects.visible_to(user), key=key)
    visible = visible_institutions(user)
    memberships = list(
        Membership.objects.visible_to(user).filter(network=network).select_related("institution")
    )
    meetings = list(Meeting.objects.visible_to(user).filter(network=network))
    quantities = list(visible_quantities(user).filter(network=network))
    convener = visible.filter(pk=network.convener_id).first() if network.convener_id else None
    parent = (
        Network.objects.visible_to(user).filter(pk=network.parent_id).first()
        if network.parent_id
        else None
    )
    return render(
        request,
        "networks/detail.html",
        {
            "section": "networks",
            "network": network,
            "convener": convener,
            "parent": parent,
            "subnetworks": list(Network.objects.visible_to(user).filter(parent=network)),
            "memberships": memberships,
            "meetings": meetings,
            "attendees": {
                m.pk: list(m.attendees.filter(pk__in=visible.values("pk"))) for m in meetings
            },
            "quantities": quantities,
            "citations": citations_for([network, *memberships, *meetings, *quantities], user),
        },
    )
