"""The Content-Security-Policy (issue 12, #2) in a real browser: every chart page draws its
charts with no CSP violation, the API docs work under it, and a script smuggled into a name
neither leaves its element nor runs."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from nscap.analytics.tests.helpers import event, need
from nscap.testing.factories import (
    make_claim,
    make_course,
    make_institution,
    make_target_group,
    make_topic,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOAD = '</script><script>alert(1)</script>"><img src=x onerror=alert(2)>'

# (path, how many charts it draws at least)
CHART_PAGES = [
    ("/", 1),
    ("/analytics/", 1),
    ("/analytics/achievements/", 1),
    ("/analytics/gaps/", 1),
    ("/collaboration/graph/", 1),
    ("/collaboration/depth/", 1),
    ("/courses/overlaps/", 1),
]

# Records every violation the page reports, before any of the page's own scripts run.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile
                    + ":" + e.lineNumber);
});
"""


@pytest.fixture
def charted():
    """Data for every chart, with a script in each name and title that charts print."""
    topic = make_topic(key="pp", name="Physical protection " + PAYLOAD)
    group = make_target_group(key="customs", name="Customs " + PAYLOAD)
    insa = make_institution(key="insa", name="INSA " + PAYLOAD, country="KR")
    iscn = make_institution(key="iscn", name="ISCN " + PAYLOAD, country="JP")
    for n, host in enumerate((insa, iscn)):
        make_course(provider=host, key=f"c{n}", title=f"Course {n} {PAYLOAD}")
        record = event(
            host,
            2016,
            20,
            {"JP": 10},
            groups=(group,),
            topics=(topic,),
            key=f"ev{n}",
            title=f"PP course {n} {PAYLOAD}",
            start=dt.date(2016, 3 + n, 1),
        )
        assert record.pk
    make_claim(claimant=insa, partner=iscn, type="personnel_exchange")
    make_claim(claimant=iscn, partner=insa, type="personnel_exchange")
    need(100, 2016, country="JP", group=group)


def _watch(page) -> tuple[list[str], list[str]]:
    console: list[str] = []
    dialogs: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
    )

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return console, dialogs


@pytest.mark.parametrize(("path", "charts"), CHART_PAGES)
def test_chart_page_draws_under_the_policy_and_runs_no_smuggled_script(
    live_server, page, charted, path, charts
):
    console, dialogs = _watch(page)
    response = page.goto(live_server.url + path)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe" not in policy
    figures = page.locator("figure.chart")
    expect(figures.first).to_be_attached()
    assert figures.count() >= charts
    for n in range(figures.count()):
        expect(figures.nth(n)).to_have_attribute("data-state", "drawn")
        expect(figures.nth(n).locator(".chart-view svg").first).to_be_visible()
    page.wait_for_timeout(200)  # a violation is reported asynchronously
    assert page.evaluate("window.__csp") == []
    assert console == [] and dialogs == []


def test_tooltip_shows_without_inline_style(live_server, page, charted):
    console, _ = _watch(page)
    page.goto(live_server.url + "/")
    figure = page.locator("#chart-courses-by-provider")
    expect(figure).to_have_attribute("data-state", "drawn")
    figure.locator(".chart-view svg .mark-rect path").first.hover()
    tooltip = page.locator("#vg-tooltip-element")
    expect(tooltip).to_have_class(re.compile(r"\bvisible\b"))
    expect(tooltip).to_contain_text("</script><script>alert(1)</script>")  # as text
    assert tooltip.evaluate("e => getComputedStyle(e).position") == "fixed"  # vega-embed.css
    assert page.evaluate("window.__csp") == [] and console == []


def test_htmx_search_and_api_docs_work_under_the_policy(live_server, page, charted):
    console, dialogs = _watch(page)
    page.goto(live_server.url + "/institutions/")
    page.locator("#id_q").fill("ISCN")
    expect(page.locator("main")).not_to_contain_text("INSA </script>")
    page.goto(live_server.url + "/api/docs")
    expect(page.locator(".swagger-ui .info .title").first).to_be_visible()
    page.wait_for_timeout(200)
    assert page.evaluate("window.__csp") == []
    assert console == [] and dialogs == []
