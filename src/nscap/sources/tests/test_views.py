"""Sources list and source page: everything that cites a source, grouped, through visibility."""

import datetime as dt

import pytest
from django.urls import reverse

from nscap.institutions.models import Milestone
from nscap.testing.factories import (
    cite,
    make_claim,
    make_course,
    make_institution,
    make_quantity,
    make_source,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def brief():
    source = make_source(
        key="brief",
        title="COE brief",
        publisher="Stimson",
        published=dt.date(2015, 1, 1),
        published_precision="year",
    )
    insa = make_institution(key="insa", name="INSA")
    cite(insa, source, footnote=20, quote="INSA opened")
    milestone = Milestone.objects.create(
        key="insa-open",
        institution=insa,
        kind="inaugurated",
        date=dt.date(2014, 2, 1),
        date_precision="month",
    )
    cite(milestone, source, footnote=21)
    cite(make_course(key="pp", provider=insa, title="PP course"), source, footnote=28)
    cite(make_quantity(key="iaea-2014-courses", value=108, unit="courses"), source, footnote=5)
    cite(make_claim(key="claim-1", claimant=insa), source, footnote=52)
    secret = make_institution(name="Secret Centre", sensitivity="restricted")
    cite(secret, source, footnote=99)
    return source


def test_sources_list(client, steward):
    make_source(title="Open report")
    make_source(title="Closed report", sensitivity="restricted")
    html = client.get(reverse("sources:list")).content.decode()
    assert "Open report" in html and "Closed report" not in html
    client.force_login(steward)
    assert "Closed report" in client.get(reverse("sources:list")).content.decode()


def test_source_page_groups_citing_records_and_links_them(client, brief):
    response = client.get(reverse("sources:detail", args=["brief"]))
    assert response.status_code == 200
    labels = [g.label for g in response.context["groups"]]
    assert labels == sorted(labels) and len(labels) == 5
    html = response.content.decode()
    for text in [
        "COE brief",
        "Stimson",
        "INSA",
        "footnote 20",
        "INSA opened",
        "footnote 21",
        "PP course",
        "footnote 28",
        "footnote 5",
        "footnote 52",
        'href="/institutions/insa/"',
        'href="/institutions/insa/#insa-open"',
        'href="/courses/pp/"',
        'href="/figures/#iaea-2014-courses"',
        'href="/collaboration/#claim-1"',
    ]:
        assert text in html, text
    assert "Secret Centre" not in html and "footnote 99" not in html


def test_source_page_shows_hidden_records_to_steward(client, steward, brief):
    client.force_login(steward)
    html = client.get(reverse("sources:detail", args=["brief"])).content.decode()
    assert "Secret Centre" in html and "footnote 99" in html


def test_restricted_source_is_404_for_visitor(client, steward):
    make_source(key="closed", sensitivity="restricted")
    assert client.get(reverse("sources:detail", args=["closed"])).status_code == 404
    client.force_login(steward)
    assert client.get(reverse("sources:detail", args=["closed"])).status_code == 200


def test_unknown_source_is_404(client):
    assert client.get(reverse("sources:detail", args=["nope"])).status_code == 404
