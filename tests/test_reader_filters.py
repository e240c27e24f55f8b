"""Issue 15, build 7: the filters a reader needs — parent institution, "any center" (both
kinds) and partner country — on the institution list, the events and Table 3, pages and API
alike; and a filter never reveals a hidden record (a hidden parent filters like a key that does
not exist, a hidden partner matches no country)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from nscap.activities.models import EventPartner
from nscap.testing.factories import make_claim, make_event, make_institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two parents (one hidden), centers of both kinds, a university, two partners abroad
    (one hidden), events run with them and claims naming them."""
    parent = make_institution(key="parent", kind="regulator", country="JP")
    hidden_parent = make_institution(
        key="hidden-parent", kind="regulator", country="VN", sensitivity="restricted"
    )
    coe = make_institution(key="coe", kind="center_of_excellence", country="JP", parent=parent)
    nssc = make_institution(key="nssc", kind="nssc", country="VN", parent=hidden_parent)
    university = make_institution(key="uni", kind="university", country="JP", parent=parent)
    partner = make_institution(key="partner", kind="university", country="BT")
    hidden_partner = make_institution(
        key="hidden-partner", kind="university", country="NP", sensitivity="restricted"
    )
    with_partner = make_event(key="ev-partner", host=coe)
    EventPartner.objects.create(event=with_partner, institution=partner, role="co_organiser")
    with_hidden = make_event(key="ev-hidden", host=university)
    EventPartner.objects.create(event=with_hidden, institution=hidden_partner, role="co_organiser")
    make_event(key="ev-nssc", host=nssc)
    make_claim(key="cl-partner", claimant=coe, partner=partner)
    make_claim(key="cl-country", claimant=nssc, partner=None, partner_country="NP")
    make_claim(key="cl-uni", claimant=university, partner=coe)
    return locals()


def api_keys(client, path: str, **params) -> set[str]:
    response = client.get(f"/api/{path}", params)
    assert response.status_code == 200, response.content
    return {item["key"] for item in response.json()["items"]}


def page(client, name: str, **params) -> str:
    """The page's HTML, its per-request CSRF token blanked (so two answers compare)."""
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_institutions_by_parent_and_any_center(world, client):
    assert api_keys(client, "institutions", parent="parent") == {"coe", "uni"}
    assert api_keys(client, "institutions", center="true") == {"coe", "nssc"}
    html = page(client, "institutions:list", parent="parent")
    assert 'href="/institutions/coe/"' in html and 'href="/institutions/uni/"' in html
    assert 'href="/institutions/nssc/"' not in html
    html = page(client, "institutions:list", center="on")
    assert 'href="/institutions/nssc/"' in html and 'href="/institutions/uni/"' not in html


def test_events_by_partner_country_parent_and_any_center(world, client):
    assert api_keys(client, "events", partner_country="BT") == {"ev-partner"}
    assert api_keys(client, "events", parent="parent") == {"ev-partner", "ev-hidden"}
    assert api_keys(client, "events", center="true") == {"ev-partner", "ev-nssc"}
    html = page(client, "activities:list", partner_country="BT")
    assert "/courses/events/ev-partner/" in html and "/courses/events/ev-nssc/" not in html
    html = page(client, "activities:list", center="on")
    assert "/courses/events/ev-nssc/" in html and "/courses/events/ev-hidden/" not in html


def test_claims_by_partner_country_parent_and_any_center(world, client):
    assert api_keys(client, "collaboration-claims", partner_country="BT") == {"cl-partner"}
    assert api_keys(client, "collaboration-claims", partner_country="NP") == {"cl-country"}
    assert api_keys(client, "collaboration-claims", center="true") == {"cl-partner", "cl-country"}
    assert api_keys(client, "collaboration-claims", parent="parent") == {"cl-partner", "cl-uni"}
    html = page(client, "collaboration:index", partner_country="BT")
    assert 'id="cl-partner"' in html and 'id="cl-uni"' not in html
    html = page(client, "collaboration:index", center="on")
    assert 'id="cl-country"' in html and 'id="cl-uni"' not in html


@pytest.mark.parametrize("path", ["institutions", "events", "collaboration-claims"])
def test_a_hidden_parent_filters_like_one_that_does_not_exist(world, client, path):
    hidden = api_keys(client, path, parent="hidden-parent")
    missing = api_keys(client, path, parent="no-such-parent")
    assert hidden == missing == set()


def test_a_hidden_partner_matches_no_country(world, client):
    # the hidden partner is in Nepal: its event must not turn up, as for a country with nobody
    assert api_keys(client, "events", partner_country="NP") == set()
    assert api_keys(client, "events", partner_country="MV") == set()
    # on the page, a country no visible institution is in is not offered: refused alike
    hidden = page(client, "activities:list", partner_country="NP")
    missing = page(client, "activities:list", partner_country="MV")
    assert "is not a value you can filter by" in hidden
    assert hidden.replace("NP", "X") == missing.replace("MV", "X")


def test_pages_answer_a_hidden_parent_as_an_unknown_one(world, client):
    for name in ("institutions:list", "activities:list", "collaboration:index"):
        hidden = page(client, name, parent="hidden-parent")
        missing = page(client, name, parent="no-such-parent")
        assert hidden.replace("hidden-parent", "X") == missing.replace("no-such-parent", "X")


def test_steward_sees_what_the_hidden_parent_holds(world, client, steward):
    client.force_login(steward)
    assert api_keys(client, "institutions", parent="hidden-parent") == {"nssc"}
    assert api_keys(client, "events", partner_country="NP") == {"ev-hidden"}
