"""The header search box in a real browser: type, press Enter, see the hits grouped by type,
narrow them with a facet, and follow "did you mean" on a misspelling."""

import pytest
from playwright.sync_api import expect

from nscap.search.services import rebuild_index
from nscap.testing.factories import make_course, make_event, make_institution

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_header_box_finds_records_of_every_type_grouped(live_server, page):
    insa = make_institution(
        key="insa",
        name="International Nuclear Security Academy",
        country="KR",
        labels=[("국제핵안보교육훈련센터", "ko", "Kore", "name")],
    )
    iscn = make_institution(key="iscn", name="Integrated Support Center", country="JP")
    make_course(key="insa-pp", provider=insa, title="Nuclear security culture")
    make_event(key="iscn-2015", host=iscn, title="Nuclear security training", country="JP")
    make_institution(key="hidden", name="Nuclear Security Secret Lab", sensitivity="restricted")
    rebuild_index()

    page.goto(live_server.url + "/institutions/")
    box = page.get_by_role("search", name="Search the registry").get_by_role("searchbox")
    box.press_sequentially("nuclear secur", delay=10)
    box.press("Enter")

    expect(page).to_have_url(live_server.url + "/search/?q=nuclear+secur")
    groups = page.locator("section.search-group")
    expect(groups).to_have_count(3)
    expect(groups.nth(0).get_by_role("heading")).to_have_text("Institutions (1)")
    expect(groups.nth(1).get_by_role("heading")).to_have_text("Courses (1)")
    expect(groups.nth(2).get_by_role("heading")).to_have_text("Training events (1)")
    expect(page.get_by_role("link", name="International Nuclear Security Academy")).to_be_visible()
    expect(page.get_by_text("Nuclear Security Secret Lab")).to_have_count(0)

    page.get_by_role("complementary").get_by_role("link", name="Japan").click()
    expect(groups).to_have_count(1)
    expect(page.get_by_role("link", name="Nuclear security training")).to_be_visible()

    box = page.get_by_role("search", name="Search the registry").get_by_role("searchbox")
    box.fill("핵안보")  # Korean, no spaces: inside the academy's Korean name
    box.press("Enter")
    expect(page.get_by_role("link", name="International Nuclear Security Academy")).to_be_visible()

    box = page.get_by_role("search", name="Search the registry").get_by_role("searchbox")
    box.fill("acadmy")
    box.press("Enter")
    page.get_by_role("link", name="academy").click()
    expect(page.get_by_role("link", name="International Nuclear Security Academy")).to_be_visible()
