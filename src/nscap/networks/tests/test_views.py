"""Networks list and network page: members, meetings, figures, visibility."""

import datetime as dt

import pytest
from django.urls import reverse

from nscap.networks.models import Meeting
from nscap.testing.factories import (
    cite,
    make_institution,
    make_membership,
    make_network,
    make_quantity,
    make_source,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    net = make_network(
        key="nssc-network",
        name="NSSC Network",
        acronym="NSSC Network",
        established=dt.date(2012, 1, 1),
        established_precision="year",
    )
    make_membership(network=net, institution=make_institution(name="INSA"))
    make_membership(
        network=net, institution=make_institution(name="Secret member", sensitivity="restricted")
    )
    meeting = Meeting.objects.create(
        key="meet-2014",
        network=net,
        title="Annual meeting",
        date=dt.date(2014, 2, 1),
        date_precision="month",
    )
    cite(meeting, make_source(title="Meeting report"), footnote=3)
    make_quantity(
        network=net, value=60, qualifier="more_than", unit="countries", description="member states"
    )
    return net


def test_network_list_counts_only_visible_members(client, steward, network):
    response = client.get(reverse("networks:list"))
    assert response.status_code == 200
    assert "1 member recorded" in response.content.decode()
    client.force_login(steward)
    assert "2 members recorded" in client.get(reverse("networks:list")).content.decode()


def test_network_page(client, network):
    response = client.get(reverse("networks:detail", args=["nssc-network"]))
    html = response.content.decode()
    for text in [
        "NSSC Network",
        "INSA",
        "Annual meeting",
        "Feb. 2014",
        "Meeting report",
        "footnote 3",
        "more than 60 countries",
        "2012",
    ]:
        assert text in html, text
    assert "Secret member" not in html


def test_restricted_network_is_404_for_visitor(client, steward):
    make_network(key="closed", sensitivity="restricted")
    assert client.get(reverse("networks:detail", args=["closed"])).status_code == 404
    assert "closed" not in client.get(reverse("networks:list")).content.decode()
    client.force_login(steward)
    assert client.get(reverse("networks:detail", args=["closed"])).status_code == 200


def test_unknown_network_is_404(client):
    assert client.get(reverse("networks:detail", args=["nope"])).status_code == 404
