"""Home page, layout, 404 page, language switch and the UI's formatting helpers."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import translation

from nscap.core.templatetags.nscap_ui import format_partial_date, format_quantity
from nscap.testing.factories import cite, make_claim, make_course, make_institution, make_quantity

pytestmark = pytest.mark.django_db


def qty(value, qualifier="exact", unit="people"):
    return SimpleNamespace(value=Decimal(value), qualifier=qualifier, unit=unit)


@pytest.mark.parametrize(
    ("quantity", "text"),
    [
        (qty("0.5", "just_over", "share"), "just over half"),
        (qty("3000", "almost"), "almost 3,000 people"),
        (qty("1500", "more_than", "experts"), "more than 1,500 experts"),
        (qty("230000", "exact", "professionals"), "230,000 professionals"),
        (qty("0.4", "approximately", "share"), "approximately 40%"),
        (qty("2.5", "exact", "years"), "2.5 years"),
    ],
)
def test_format_quantity(quantity, text):
    with translation.override("en"):
        assert format_quantity(quantity) == text


def test_format_partial_date_at_its_precision():
    with translation.override("en"):
        assert format_partial_date(dt.date(2014, 9, 1), "month") == "Sept. 2014"
        assert format_partial_date(dt.date(2010, 12, 1), "month") == "Dec. 2010"
        assert format_partial_date(dt.date(2014, 1, 1), "year") == "2014"
        assert format_partial_date(dt.date(2014, 3, 12), "day") == "March 12, 2014"
        assert format_partial_date(None, "day") == ""


def test_home_shows_counts_and_headline_figures(client):
    center = make_institution(kind="center_of_excellence", country="CN")
    make_institution(kind="regulator", country="JP")
    make_course(provider=center)
    make_claim(claimant=center)
    q = make_quantity(
        key="wins-2013-capacity-share",
        value=Decimal("0.5"),
        qualifier="just_over",
        unit="share",
        description="capacity to train them",
    )
    cite(q, footnote=7, quote="capacity for just over half")
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    counts = response.context["counts"]
    # 2 made here + the claim's partner made by the factory
    assert counts == {
        "institutions": 3,
        "centers": 2,
        "countries": 2,
        "courses": 1,
        "claims": 1,
    }
    html = response.content.decode()
    assert "just over half" in html
    assert "footnote 7" in html
    assert "capacity for just over half" in html


def test_home_hides_restricted_records_from_visitors_not_stewards(client, steward):
    make_institution(kind="center_of_excellence", sensitivity="restricted", country="VN")
    make_quantity(key="iaea-2014-courses", value=108, unit="courses", sensitivity="restricted")
    response = client.get(reverse("core:home"))
    assert response.context["counts"]["institutions"] == 0
    assert response.context["counts"]["countries"] == 0
    assert response.context["quantities"] == []
    client.force_login(steward)
    response = client.get(reverse("core:home"))
    assert response.context["counts"]["institutions"] == 1
    assert "108 courses" in response.content.decode()


def test_layout_has_landmarks_skip_link_nav_and_language_form(client):
    html = client.get(reverse("core:home")).content.decode()
    assert 'href="#main"' in html and '<main id="main"' in html
    assert html.count("<h1") == 1
    for url in [
        "/institutions/",
        "/courses/",
        "/collaboration/",
        "/networks/",
        "/needs/",
        "/figures/",
        "/sources/",
        "/api/docs",
    ]:
        assert f'href="{url}"' in html
    assert 'action="/i18n/setlang/"' in html and "csrfmiddlewaretoken" in html
    assert "简体中文" in html
    assert "/static/core/nscap.css" in html
    assert "cdn" not in html.lower()


def test_language_switch_renders_chinese(client):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    assert "机构" in html  # "Institutions" in the nav


def test_unknown_page_is_a_proper_404(client):
    response = client.get("/institutions/no-such-key/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Not found" in html and '<main id="main"' in html
