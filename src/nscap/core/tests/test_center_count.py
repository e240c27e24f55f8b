"""Issue 15, found 1: "countries" on the home page are the countries of the visible centers
themselves, not of every institution (partners abroad) nor of hidden centers."""

import pytest

from nscap.brief.tests.test_headline_counts import home_figure
from nscap.institutions.visible import center_countries
from nscap.testing.factories import make_institution

pytestmark = pytest.mark.django_db


def test_countries_of_partners_and_hidden_centers_are_not_counted(client):
    make_institution(kind="center_of_excellence", country="JP")
    make_institution(kind="nssc", country="VN")
    make_institution(kind="government_agency", country="US")  # a partner, not a center
    make_institution(kind="center_of_excellence", country="KR", sensitivity="restricted")

    assert center_countries(None) == ["JP", "VN"]
    assert home_figure(client, "countries with a center") == 2
