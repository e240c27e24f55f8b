"""Issue 15, found 1: the home page's "countries" is the countries of the centers themselves, and
it agrees with the brief ("seven COE in six East Asian countries") and with ``/figures/``."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from nscap.analytics.home import headline_counts
from nscap.institutions.visible import center_countries, visible_centers
from nscap.quantities.models import Quantity

pytestmark = pytest.mark.django_db


def home_figure(client, label: str) -> int:
    """The number shown on the home page just before ``label``."""
    html = client.get(reverse("core:home")).content.decode()
    found = re.search(r'<span class="number"[^>]*>(\d+)</span>\s*(?:<a [^>]*>)?' + label, html)
    assert found, f"no figure labelled {label!r} on the home page"
    return int(found.group(1))


def test_brief_centers_and_their_countries_agree_everywhere(brief, client):
    stated = {q.key: int(q.value) for q in Quantity.objects.filter(key__startswith="east-asia-")}
    figures_page = client.get(reverse("quantities:index")).content.decode()

    assert center_countries(None) == ["CN", "ID", "JP", "KR", "MY", "VN"]
    assert visible_centers(None).count() == stated["east-asia-centers"] == 7
    assert len(center_countries(None)) == stated["east-asia-center-countries"] == 6
    assert headline_counts(None)["countries"] == 6
    assert home_figure(client, "countries with a center") == 6
    assert home_figure(client, "centers") == 7
    assert "six East Asian countries" in figures_page
