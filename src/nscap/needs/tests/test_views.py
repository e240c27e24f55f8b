"""The needs page: assessments with their figures, through visibility."""

from decimal import Decimal

import pytest
from django.urls import reverse

from nscap.testing.factories import cite, make_needs, make_quantity, make_source

pytestmark = pytest.mark.django_db
URL = reverse("needs:index")


def test_needs_page_shows_assessment_and_figures(client):
    wins = make_needs(key="wins-2013", title="WINS 2013 survey")
    make_quantity(
        needs_assessment=wins,
        value=230000,
        unit="professionals",
        description="people with nuclear security accountability",
    )
    make_quantity(
        needs_assessment=wins,
        value=Decimal("0.5"),
        qualifier="just_over",
        unit="share",
        description="capacity to train",
    )
    cite(wins, make_source(title="The brief"), footnote=9)
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "WINS 2013 survey",
        "230,000 professionals",
        "just over half",
        "Worldwide",
        "footnote 9",
    ]:
        assert text in html, text


def test_needs_page_hides_restricted(client, steward):
    make_needs(title="Secret needs study", sensitivity="restricted")
    open_study = make_needs(title="Open study")
    make_quantity(needs_assessment=open_study, value=77, unit="officers", sensitivity="restricted")
    html = client.get(URL).content.decode()
    assert "Secret needs study" not in html and "77 officers" not in html
    client.force_login(steward)
    html = client.get(URL).content.decode()
    assert "Secret needs study" in html and "77 officers" in html


def test_empty_needs_page(client):
    assert "No needs assessments recorded." in client.get(URL).content.decode()
