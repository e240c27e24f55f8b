"""Charts draw in a real browser from the app's own static files, with their exports."""

import pytest
from playwright.sync_api import expect

from nscap.testing.factories import make_course, make_institution

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_chart_draws_bars_and_offers_png_and_svg(live_server, page):
    insa = make_institution(key="insa", name="INSA")
    for n in range(3):
        make_course(provider=insa, key=f"c{n}", title=f"Course {n}")
    make_course(provider=make_institution(key="iscn", name="ISCN"), key="c9", title="PP")
    outside = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith(live_server.url) and not r.url.startswith("data:")
            else None
        ),
    )

    page.goto(live_server.url + "/")
    figure = page.locator("#chart-courses-by-provider")
    expect(figure).to_have_attribute("data-state", "drawn")
    # Two providers, two bars: Vega draws each as a path inside the marks group.
    expect(figure.locator(".chart-view svg .mark-rect path")).to_have_count(2)
    expect(figure.get_by_role("button", name="Save as SVG")).to_be_visible()
    with page.expect_download() as download:
        figure.get_by_role("button", name="Save as SVG").click()
    assert download.value.suggested_filename == "courses-by-provider.svg"
    assert outside == []
