"""The regional report opens in a real browser, its notes link, and print hides the chrome."""

import pytest
from playwright.sync_api import expect

from nscap.brief.loader import load_brief

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def brief_data():
    load_brief()


def test_report_opens_with_three_tables_and_prints_without_navigation(
    live_server, page, brief_data
):
    page.goto(live_server.url + "/reports/regional/?region=Asia&to=2015")
    expect(page.get_by_role("heading", name="Regional report: Asia, …–2015")).to_be_visible()
    expect(page.locator("#table-1 tbody tr")).to_have_count(7)
    expect(page.locator("#table-2 tbody tr")).to_have_count(7)
    expect(page.get_by_text("国家核安保技术中心")).to_be_visible()
    # A note mark leads to its note.
    mark = page.locator("#center-csca .note-ref a").first
    target = mark.get_attribute("href")
    mark.click()
    expect(page.locator(target)).to_be_in_viewport()
    # The form changes the period: nothing in 2011 for Indonesia's centers.
    page.locator("input[name=to]").fill("2011")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#table-1 tbody tr")).to_have_count(3)
    # Printed, the report keeps its tables and drops the site's navigation and the form.
    page.emulate_media(media="print")
    expect(page.locator("nav.site-nav")).to_be_hidden()
    expect(page.locator("form.report-form")).to_be_hidden()
    expect(page.locator("#table-1")).to_be_visible()
