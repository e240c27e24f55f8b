"""The gap heatmap draws in a real browser, and a cell drills down to the events behind it."""

import re

import pytest
from playwright.sync_api import expect

from nscap.analytics.tests.helpers import event, need
from nscap.testing.factories import make_institution, make_target_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gaps():
    """Records made by factories bump no data version; the root conftest empties the cache."""
    host = make_institution(key="iscn", name="ISCN", country="JP")
    customs = make_target_group(key="customs", name="Customs")
    police = make_target_group(key="police", name="Police")
    event(host, 2014, 30, {"JP": 25}, groups=(customs,), key="ev-pp", title="RTC on PP")
    event(host, 2014, 12, {"KR": 12}, groups=(police,), key="ev-rd", title="Radiation detection")
    need(100, 2014, country="JP", group=customs)
    need(40, 2014, country="KR", group=police)
    need(60, 2014, country="KR", group=customs)
    yield


def test_heatmap_draws_cells_and_a_cell_drills_down_to_its_events(live_server, page, gaps):
    page.goto(live_server.url + "/analytics/gaps/?year=2014")
    figure = page.locator("#chart-gap-heatmap")
    expect(figure).to_have_attribute("data-state", "drawn")
    # Three assessed cells (JP × customs, KR × police, KR × customs): three rects.
    expect(figure.locator(".chart-view svg .mark-rect.role-mark path")).to_have_count(3)
    # The data table beside the chart links each cell to the same drill-down.
    figure.get_by_text("Data table").click()
    figure.get_by_role("link", name="Japan").first.click()
    expect(page).to_have_url(re.compile(r"/analytics/gaps/JP\.customs\.all\.2014/$"))
    expect(page.get_by_role("heading", name="The events counted")).to_be_visible()
    expect(page.get_by_role("link", name="RTC on PP")).to_be_visible()
    expect(page.get_by_text("Radiation detection")).to_have_count(0)


def test_clicking_a_heatmap_cell_opens_its_drill_down(live_server, page, gaps):
    page.goto(live_server.url + "/analytics/gaps/?year=2014")
    figure = page.locator("#chart-gap-heatmap")
    expect(figure).to_have_attribute("data-state", "drawn")
    cells = figure.locator(".chart-view svg .mark-rect.role-mark path")
    expect(cells).to_have_count(3)
    box = cells.first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page).to_have_url(re.compile(r"/analytics/gaps/[A-Z]{2}\.[a-z]+\.all\.2014/$"))
    expect(page.get_by_role("heading", name="The events counted")).to_be_visible()
