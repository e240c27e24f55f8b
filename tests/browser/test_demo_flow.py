"""The demo flow in a real browser: home, search by acronym and by native-script name, the
institution page with milestones and sources, the language switch, a phone-width layout, and
the search working without JavaScript."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from nscap.institutions.models import Milestone
from nscap.testing.factories import cite, make_institution, make_quantity, make_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/institutions/",
    "/institutions/insa/",
    "/courses/",
    "/collaboration/",
    "/networks/",
    "/needs/",
    "/figures/",
    "/sources/",
    "/sources/brief/",
]


@pytest.fixture
def world():
    brief = make_source(
        key="brief", title="Centers of Excellence in East Asia", kind="policy_brief"
    )
    insa = make_institution(
        key="insa",
        name="International Nuclear Security Academy",
        country="KR",
        labels=[
            ("INSA", "en", "Latn", "acronym"),
            ("국제핵안보교육훈련센터", "ko", "Kore", "name"),
        ],
    )
    snstc = make_institution(
        key="snstc",
        name="State Nuclear Security Technology Center",
        country="CN",
        labels=[
            ("国家核安保技术中心", "zh-Hans", "Hans", "name"),
            ("SNSTC", "en", "Latn", "acronym"),
        ],
    )
    opened = Milestone.objects.create(
        key="insa-opened",
        institution=insa,
        kind="inaugurated",
        date=dt.date(2014, 2, 1),
        date_precision="month",
    )
    cite(opened, brief, footnote=22, quote="INSA opened in February 2014")
    Milestone.objects.create(
        key="snstc-done",
        institution=snstc,
        kind="construction_completed",
        status="expected",
        date=dt.date(2015, 1, 1),
        date_precision="year",
    )
    make_quantity(
        key="insa-planned-trainees-per-year",
        institution=insa,
        value=1000,
        unit="trainees a year",
        status="planned",
        description="INSA's plan",
    )
    return {"insa": insa, "snstc": snstc}


def test_search_reach_institution_and_switch_language(page, live_server, world):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Institutions").click()
    search = page.get_by_label("Search names in any language")

    search.fill("INSA")  # htmx updates the results as you type
    results = page.locator("#results")
    expect(
        results.get_by_role("link", name="International Nuclear Security Academy")
    ).to_be_visible()
    expect(
        results.get_by_role("link", name="State Nuclear Security Technology Center")
    ).to_have_count(0)
    assert "q=INSA" in page.url  # hx-push-url keeps the address shareable

    search.fill("国家核安保技术中心")
    link = results.get_by_role("link", name="State Nuclear Security Technology Center")
    expect(link).to_be_visible()
    expect(
        results.get_by_role("link", name="International Nuclear Security Academy")
    ).to_have_count(0)
    link.click()
    expect(page).to_have_url(re.compile(r"/institutions/snstc/$"))
    expect(page.get_by_role("heading", name="Milestones")).to_be_visible()
    expect(page.get_by_text("Expected", exact=True)).to_be_visible()

    page.goto(live_server.url + "/institutions/?q=INSA")
    page.locator("#results").get_by_role(
        "link", name="International Nuclear Security Academy"
    ).click()
    expect(page).to_have_url(re.compile(r"/institutions/insa/$"))
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("Feb. 2014")
    expect(timeline).to_contain_text("Centers of Excellence in East Asia")
    expect(timeline).to_contain_text("footnote 22")
    expect(page.locator("#main")).to_contain_text("1,000 trainees a year")

    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("button", name="Switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page).to_have_url(re.compile(r"/institutions/insa/$"))
    expect(page.get_by_role("heading", name="里程碑")).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("link", name="机构")).to_be_visible()


@pytest.mark.parametrize("path", PAGES)
def test_no_horizontal_scroll_at_phone_width(page, live_server, world, path):
    page.set_viewport_size({"width": 375, "height": 800})
    response = page.goto(live_server.url + path)
    assert response.status == 200
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 375px"


def test_search_works_without_javascript(chromium, live_server, world):
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/institutions/")
        page.get_by_label("Search names in any language").fill("SNSTC")
        page.get_by_role("button", name="Filter").click()
        expect(page).to_have_url(re.compile(r"q=SNSTC"))
        results = page.locator("#results")
        expect(
            results.get_by_role("link", name="State Nuclear Security Technology Center")
        ).to_be_visible()
        expect(
            results.get_by_role("link", name="International Nuclear Security Academy")
        ).to_have_count(0)
    finally:
        context.close()


def test_keyboard_skip_link_and_visible_focus(page, live_server, world):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline not in ("none", "")


def test_brief_data_in_the_browser(page, live_server):
    from nscap.brief.loader import load_brief

    load_brief()
    page.goto(live_server.url + "/institutions/?q=INSA")
    page.locator("#results").get_by_role("link", name=re.compile("Security Academy")).first.click()
    expect(page).to_have_url(re.compile(r"/institutions/insa/$"))
    expect(page.locator("ol.timeline li").first).to_be_visible()
    expect(page.locator("ol.timeline")).to_contain_text("Source:")
    page.goto(live_server.url + "/collaboration/")
    expect(page.locator("#main")).to_contain_text("one-sided")
