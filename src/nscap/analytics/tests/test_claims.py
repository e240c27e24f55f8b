"""Aggregate claims reconciled with fused events: the one rule of ``analytics/claims.py``.

Every test reads the claims the way the product does (supply for achievements, the database
sums for the gap analysis) and checks both agree.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.contrib.auth.models import AnonymousUser

from nscap.activities.models import EventPartner
from nscap.analytics.achievements import achievements
from nscap.analytics.claims import largest_remainder, spread, whole
from nscap.analytics.gaps import gap_analysis
from nscap.analytics.qualifiers import Range
from nscap.analytics.supply import supply
from nscap.analytics.tests.helpers import claim, event
from nscap.linkage.fusing import rebuild_all
from nscap.testing.factories import make_institution, make_quantity
from nscap.testing.roles import make_steward

pytestmark = pytest.mark.django_db
VISITOR = AnonymousUser()


def _claims(key_prefix: str) -> tuple[dict, dict]:
    """The claim as the gap analysis gives it and as achievements give it (same rule)."""
    gaps = next(c for c in gap_analysis(VISITOR)["claims"] if c["claim"].startswith(key_prefix))
    listed = next(c for c in achievements(VISITOR)["claims"] if c["claim"] == gaps["claim"])
    return gaps, listed


def stated_figure(institution, value: int, **fields):
    """A people figure the institution states on its own, "as of 2014" (cumulative)."""
    return make_quantity(
        institution=institution,
        measure="people_trained",
        value=value,
        unit="people",
        as_of=dt.date(2014, 1, 1),
        as_of_precision="year",
        **fields,
    )


def _logged_300(center) -> None:
    """300 people in the center's fused events of 2012: an event reported twice (counted once),
    and one where the center is only a partner."""
    other = make_institution()
    kept = event(center, 2012, 200, {"MY": 200})
    event(other, 2012, 180, None, same_as=kept, reported_by=other)  # a duplicate report
    partnered = event(other, 2012, 100, {"TH": 100})
    EventPartner.objects.create(event=partnered, institution=center, role="co_organiser")
    event(center, 2013, 999, {"MY": 999})  # outside the claim's period
    rebuild_all()


def test_claim_adds_only_the_people_beyond_the_logged_fused_events():
    center = make_institution(key="nssc-a")
    _logged_300(center)
    claim(center, 500, 2012, 2012)
    gaps, listed = _claims("claim-nssc-a")
    for reconciled in (gaps, listed):
        assert reconciled["logged"] == 300  # 200 once (not 380), and 100 as a partner
        assert reconciled["extra"]["value"] == 200
        assert reconciled["per_year"] == [{"year": 2012, "value": 200, "low": 200, "high": 200}]
    row = next(r for r in achievements(VISITOR)["rows"] if r["institution"] == "nssc-a")
    assert (row["participants"], row["claimed_people"], row["unitemised"]) == (200, 500, 200)
    assert gap_analysis(VISITOR)["supply_by_year"][0] == {
        "year": 2012,
        "people": 500,  # 300 logged + 200 un-itemised: nobody twice
        "unattributed": 200,
        "unitemised": 200,
    }


def test_claim_covered_by_more_logged_people_adds_nothing():
    center = make_institution(key="nssc-b")
    _logged_300(center)
    event(center, 2012, 300, {"MY": 300})  # now 600 logged
    rebuild_all()
    claim(center, 500, 2012, 2012)
    gaps, listed = _claims("claim-nssc-b")
    for reconciled in (gaps, listed):
        assert reconciled["logged"] == 600
        assert reconciled["extra"]["value"] == 0
        assert reconciled["reason"] == "covered by logged events"
    assert gap_analysis(VISITOR)["totals"]["unitemised_people"] == 0


def test_overlapping_claims_of_one_claimant_are_not_summed():
    center = make_institution(key="snstc-x")
    claim(center, 500, 2010, 2012, qualifier="over")
    claim(center, 300, 2012, 2013, qualifier="over")
    analysis = gap_analysis(VISITOR)
    by_key = {c["claim"]: c for c in analysis["claims"]}
    larger, smaller = by_key["claim-snstc-x-2010-2012"], by_key["claim-snstc-x-2012-2013"]
    assert larger["counted"] and not smaller["counted"]
    assert smaller["counts_with"] == "claim-snstc-x-2010-2012"
    assert smaller["extra"]["value"] == 0 and smaller["per_year"] == []
    assert smaller["reason"] == "overlaps a larger claim"
    assert larger["overlaps"] == ["claim-snstc-x-2012-2013"]
    # The larger claim's 500 spread in whole people; 2012 gets no share of the 300.
    assert [y["value"] for y in larger["per_year"]] == [167, 167, 166]
    assert {y["year"]: y["unitemised"] for y in analysis["supply_by_year"]} == {
        2010: 167,
        2011: 167,
        2012: 166,
    }
    rows = {r["year"]: r for r in achievements(VISITOR)["rows"]}
    assert {y: r["claimed_people"] for y, r in rows.items()} == {
        2010: 167,
        2011: 167,
        2012: 166,
        2013: 0,
    }
    assert rows[2012]["claims"] == ["claim-snstc-x-2010-2012", "claim-snstc-x-2012-2013"]


def test_overlap_group_keeps_an_honest_upper_bound():
    center = make_institution(key="exact-x")
    claim(center, 100, 2010, 2011)
    claim(center, 60, 2011, 2012)
    larger = next(c for c in gap_analysis(VISITOR)["claims"] if c["counted"])
    # At least the larger claim; at most everyone of both (they may be different people).
    assert larger["claimed"] == {"value": 100, "low": 100, "high": 160, "qualifier": "exact"}


def test_claims_of_different_claimants_or_disjoint_periods_both_count():
    one, two = make_institution(key="one"), make_institution(key="two")
    claim(one, 100, 2010, 2011)
    claim(one, 50, 2012, 2012)
    claim(two, 70, 2011, 2011)
    claims = gap_analysis(VISITOR)["claims"]
    assert all(c["counted"] for c in claims)
    assert sum(c["extra"]["value"] for c in claims) == 220


def test_a_figure_stated_alone_is_a_claim_with_its_qualifier_kept():
    iscn = make_institution(key="iscn-x")
    event(iscn, 2013, 40, {"JP": 40})
    event(iscn, 2015, 99, {"JP": 99})  # after the "as of" date
    rebuild_all()
    stated_figure(iscn, 1500, qualifier="more_than")
    gaps, listed = _claims("")
    for reconciled in (gaps, listed):
        assert reconciled["source"] == "quantity"
        assert reconciled["cumulative"] and reconciled["period_end"] == 2014
        assert reconciled["claimed"] == {
            "value": 1500,
            "low": 1500,
            "high": None,
            "qualifier": "more_than",
        }
        assert reconciled["logged"] == 40
        assert reconciled["extra"] == {
            "value": 1460,
            "low": 1460,
            "high": None,
            "qualifier": "more_than",
        }
        assert reconciled["years"] == [] and reconciled["reason"] == "cumulative, placed in no year"
    assert gap_analysis(VISITOR)["totals"]["unitemised_people"] == 0  # placed in no year
    center = next(c for c in achievements(VISITOR)["centers"] if c["institution"] == "iscn-x")
    assert center["unitemised"] == 1460


def test_a_plan_is_not_a_claim():
    center = make_institution()
    stated_figure(center, 1000, status="planned")
    assert gap_analysis(VISITOR)["claims"] == []


def test_supply_and_database_sums_reconcile_the_same_way():
    center = make_institution(key="same-x")
    _logged_300(center)
    claim(center, 500, 2011, 2013, qualifier="approximately")
    by_event = supply(VISITOR).claims
    summed = gap_analysis(VISITOR)["claims"]
    assert [c.logged for c in by_event] == [c["logged"] for c in summed] == [1299]


@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [
        (500, [1, 1, 1], [167, 167, 166]),
        (300, [1, 1], [150, 150]),
        (10, [1, 2, 3, 4], [1, 2, 3, 4]),
        (7, [1, 1, 1], [3, 2, 2]),
        (0, [1, 1], [0, 0]),
        (5, [0, 0], [3, 2]),
    ],
)
def test_largest_remainder_gives_whole_parts_that_add_up(total, weights, parts):
    assert largest_remainder(total, weights) == parts
    assert sum(parts) == total


def test_whole_rounds_bounds_outwards_and_spread_keeps_an_open_bound():
    assert whole(Range(450.0, 405.5, 494.2)) == Range(450.0, 405.0, 495.0)
    shares = spread(Range(500.0, 500.0, math.inf), (2010, 2011, 2012))
    assert [s.value for _, s in shares] == [167, 167, 166]
    assert all(math.isinf(s.high) for _, s in shares)


def test_a_hidden_claim_changes_nothing_a_visitor_sees():
    center = make_institution(key="hidden-x")
    claim(center, 300, 2012, 2013)
    claim(center, 900, 2011, 2012, sensitivity="restricted")
    stated_figure(center, 5000, key="hidden-x-cumulative", sensitivity="restricted")
    seen = gap_analysis(VISITOR)["claims"]
    assert [(c["claim"], c["counted"], c["extra"]["value"]) for c in seen] == [
        ("claim-hidden-x-2012-2013", True, 300)
    ]
    assert [c["claim"] for c in achievements(VISITOR)["claims"]] == ["claim-hidden-x-2012-2013"]
    steward = {c["claim"]: c for c in gap_analysis(make_steward("s"))["claims"]}
    # The steward sees the larger overlapping claim count instead, and the cumulative figure
    # add only what it leaves: 5,000 − 900.
    assert steward["claim-hidden-x-2012-2013"]["counts_with"] == "claim-hidden-x-2011-2012"
    assert steward["hidden-x-cumulative"]["includes"] == ["claim-hidden-x-2011-2012"]
    assert steward["hidden-x-cumulative"]["extra"]["value"] == 4100


def test_a_cumulative_figure_adds_only_what_dated_claims_and_events_leave():
    center = make_institution(key="cum-x")
    event(center, 2011, 100, {"JP": 100})
    rebuild_all()
    claim(center, 400, 2012, 2012)
    stated_figure(center, 1500, key="cum-x-total", qualifier="more_than")
    by_key = {c["claim"]: c for c in gap_analysis(VISITOR)["claims"]}
    dated, total = by_key["claim-cum-x-2012-2012"], by_key["cum-x-total"]
    assert dated["counted"] and dated["extra"]["value"] == 400  # stays in 2012
    assert total["counted"] and total["includes"] == ["claim-cum-x-2012-2012"]
    assert total["logged"] == 100
    # 1,500 − 100 logged − 400 claimed in 2012: more than 1,000 beyond both.
    assert total["extra"] == {"value": 1000, "low": 1000, "high": None, "qualifier": "more_than"}
    supply_2012 = next(y for y in gap_analysis(VISITOR)["supply_by_year"] if y["year"] == 2012)
    assert supply_2012["unitemised"] == 400
