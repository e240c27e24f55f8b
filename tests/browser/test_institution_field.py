"""An institution filter in a real browser: suggestions arrive while typing, then it filters."""

import pytest
from playwright.sync_api import expect

from nscap.testing.factories import make_course, make_institution

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_part_of_a_name_suggests_centers_and_the_name_filters(live_server, page):
    snstc = make_institution(
        key="snstc",
        name="State Nuclear Security Technology Center",
        country="CN",
        labels=[("SNSTC", "en", "Latn", "acronym")],
    )
    make_course(provider=snstc, key="pp", title="Physical protection basics")
    make_course(provider=make_institution(key="iscn", name="ISCN"), key="nf", title="Forensics")
    make_institution(key="hidden", name="State Secret Lab", sensitivity="restricted")

    page.goto(live_server.url + "/courses/")
    page.locator("#id_provider").press_sequentially("State", delay=20)
    options = page.locator("#id_provider-options option")
    expect(options).to_have_count(1)  # the restricted "State Secret Lab" is not offered
    expect(options.first).to_have_attribute("value", snstc.name)
    expect(options.first).to_have_text("SNSTC · CN")

    page.locator("#id_provider").fill(snstc.name)
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Physical protection basics")).to_be_visible()
    expect(page.get_by_role("link", name="Forensics")).to_have_count(0)
