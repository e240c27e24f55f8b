"""The collaboration graph and the overlaps page draw in a real browser from local files."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from nscap.testing.factories import (
    make_claim,
    make_event,
    make_institution,
    make_target_group,
    make_topic,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_outside_requests(page, live_server) -> list[str]:
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith(live_server.url) and not r.url.startswith("data:")
            else None
        ),
    )
    return outside


def test_graph_draws_a_node_per_institution_and_country(live_server, page):
    snstc = make_institution(key="snstc", name="SNSTC", country="CN")
    iscn = make_institution(key="iscn", name="ISCN", country="JP")
    insa = make_institution(key="insa", name="INSA", country="KR")
    make_claim(claimant=snstc, partner=iscn, type="network_membership")
    make_claim(claimant=iscn, partner=snstc, type="network_membership")
    make_claim(claimant=iscn, partner=insa, type="personnel_exchange")
    make_claim(claimant=iscn, partner=None, partner_country="VN", type="seminar")
    outside = _no_outside_requests(page, live_server)
    errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            # The browser's own favicon request may 404; that is not the chart's error.
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )

    page.goto(live_server.url + "/collaboration/graph/")
    figure = page.locator("#chart-collaboration-graph")
    expect(figure).to_have_attribute("data-state", "drawn")
    # Three institutions and Vietnam (a country node): four symbols in the node mark.
    expect(figure.locator(".chart-view svg .mark-symbol.role-mark path")).to_have_count(4)
    # Three links, one of them (ISCN–INSA) and the Vietnam seminar one-sided (dashed).
    expect(figure.locator(".chart-view svg .mark-path path")).to_have_count(3)
    expect(figure.locator(".chart-view svg .mark-path path[stroke-dasharray='6,4']")).to_have_count(
        2
    )
    # Every link joins two placed nodes (drawn before the layout ran, they had no coordinates).
    expect(figure.locator(".chart-view svg .mark-path path[d*='undefined']")).to_have_count(0)
    expect(figure.locator(".chart-view svg .mark-text text", has_text="ISCN")).to_have_count(1)
    expect(figure.locator(".chart-table table")).to_contain_text("ISCN")
    assert outside == [] and errors == []


def test_overlaps_page_draws_its_clusters(live_server, page):
    topic, group = make_topic(key="pp", name="Physical protection"), make_target_group(key="reg")
    for n, (name, country) in enumerate((("INSA", "KR"), ("ISCN", "JP"))):
        host = make_institution(key=name.lower(), name=name, country=country)
        event = make_event(
            host=host, start=dt.date(2016, 3 + n, 1), title=f"PP course {n}", participants=20
        )
        event.topics.set([topic])
        event.target_groups.set([group])

    page.goto(live_server.url + "/courses/overlaps/")
    figure = page.locator("#chart-course-overlaps")
    expect(figure).to_have_attribute("data-state", "drawn")
    # one bar per group (the two offerings are one group of two providers), not a mark each
    expect(figure.locator(".chart-view svg .mark-rect.role-mark path")).to_have_count(1)
    expect(figure.locator(".chart-table table")).to_contain_text("INSA, ISCN")
    page.get_by_label("Window (months)").fill("0")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("No overlapping offerings found with these filters.")).to_be_visible()
