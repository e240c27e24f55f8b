"""The brief's aggregate claims, reconciled by the one rule (``analytics/claims.py``), on every
way out: the gap analysis, achievements, the analytics pages and the API (issue 13 item 6;
issue 15 finding 4: SNSTC's 2012 counted twice, fractional people, "over" and ISCN's "more
than 1,500" lost)."""

from __future__ import annotations

import json
import re

from django.contrib.auth.models import AnonymousUser

from nscap.analytics.achievements import achievements
from nscap.analytics.gaps import gap_analysis

VISITOR = AnonymousUser()
# Keys whose numbers are shares or slopes, not people.
RATIOS = {"coverage", "stated_coverage", "share_of_plan", "trend_slope"}


def _numbers(value, key: str = ""):
    """(key, number) of every number in a JSON body, ratios left out."""
    if key in RATIOS:
        return
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _numbers(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item, key)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield key, value


def test_snstc_overlapping_claims_are_not_counted_twice(brief):
    claims = {c["claim"]: c for c in gap_analysis(VISITOR)["claims"]}
    larger, smaller = claims["snstc-2010-2012"], claims["snstc-2012-2013"]
    assert larger["counted"] and larger["claimed"]["qualifier"] == "over"
    assert not smaller["counted"] and smaller["counts_with"] == "snstc-2010-2012"
    assert smaller["extra"]["value"] == 0
    # 2012: SNSTC's share of its "over 500" (166 of 167/167/166) and Malaysia's 80, no 150 more.
    supply_2012 = next(y for y in gap_analysis(VISITOR)["supply_by_year"] if y["year"] == 2012)
    assert supply_2012["unitemised"] == 166 + 80
    rows = [r for r in achievements(VISITOR)["rows"] if r["institution"] == "snstc"]
    assert sum(r["claimed_people"] for r in rows) == 500  # not 800
    assert next(r for r in rows if r["year"] == 2012)["claimed_people"] == 166


def test_no_fractional_people_in_the_api(brief, client):
    for path in ("/api/analytics/gaps", "/api/analytics/achievements"):
        response = client.get(path)
        assert response.status_code == 200, path
        fractional = [(k, n) for k, n in _numbers(response.json()) if n != int(n)]
        assert fractional == [], path


def test_no_fractional_people_on_the_pages(brief, client):
    for path, charted in (
        ("/analytics/", True),
        ("/analytics/achievements/", True),
        ("/analytics/gaps/", False),
    ):
        html = client.get(path).content.decode()
        for bad in ("166.67", "396.67", "166.6667", "316.6667", "150.0", "80.0"):
            assert bad not in html, (path, bad)
        # Chart data: people figures are whole numbers.
        data = re.findall(r'"(?:people|unattributed|unitemised|claimed_people)": ([\d.]+)', html)
        assert bool(data) == charted and all("." not in n for n in data), path


def test_iscn_more_than_1500_appears_with_its_qualifier(brief, client):
    listed = {c["claim"]: c for c in achievements(VISITOR)["claims"]}
    iscn = listed["iscn-experts-trained"]
    assert iscn["claimant"] == "iscn" and iscn["cumulative"] and iscn["period_end"] == 2014
    assert iscn["claimed"] == {"value": 1500, "low": 1500, "high": None, "qualifier": "more_than"}
    api = client.get("/api/analytics/achievements", {"institution": "iscn"}).json()
    assert [c["claim"] for c in api["claims"]] == ["iscn-experts-trained"]
    assert api["claims"][0]["claimed"]["qualifier"] == "more_than"
    html = client.get("/analytics/achievements/").content.decode()
    assert "more than 1,500" in html
    assert "over 500" in html  # SNSTC's "over" kept too


def test_the_analytics_page_shows_unitemised_people_as_such(brief, client):
    html = client.get("/analytics/").content.decode()
    total = gap_analysis(VISITOR)["totals"]["unitemised_people"]
    assert total == 500 + 80 + 3000  # SNSTC, Malaysia, the IAEA's "almost 3,000" in 2014
    assert "un-itemised" in html


def test_the_api_body_is_the_report(brief, client):
    body = client.get("/api/analytics/gaps").json()
    assert json.dumps(body["claims"], sort_keys=True) == json.dumps(
        gap_analysis(VISITOR)["claims"], sort_keys=True
    )
