"""Gap analysis, computed by hand on small cases."""

import pytest
from django.contrib.auth.models import AnonymousUser

from nscap.accounts.models import Affiliation
from nscap.analytics.gaps import Cell, cell_detail, filter_rows, gap_analysis, heatmap_cells
from nscap.analytics.tests.helpers import claim, event, need
from nscap.testing.factories import make_institution, make_target_group, make_topic

pytestmark = pytest.mark.django_db

VISITOR = AnonymousUser()


def _row(user, **match):
    rows = [r for r in gap_analysis(user)["rows"] if all(r[k] == v for k, v in match.items())]
    assert len(rows) == 1, rows
    return rows[0]


def test_supply_by_country_group_and_topic_against_demand():
    host = make_institution(country="JP")
    regulators, police = make_target_group(key="regulators"), make_target_group(key="police")
    pp = make_topic(key="physical-protection")
    event(host, 2014, 30, {"JP": 20, "KR": 10}, groups=(regulators,), topics=(pp,))
    event(host, 2014, 15, {"JP": 15}, groups=(police,), topics=(pp,))
    event(host, 2015, 50, {"JP": 50}, groups=(regulators,), topics=(pp,))  # another year
    need(100, 2014, country="JP", group=regulators, topic=pp)
    need(40, 2014, country="JP")  # any group, any topic
    need(8, 2014, country="KR", group=regulators)

    row = _row(VISITOR, scope_key="JP", target_group="regulators", year=2014)
    assert row["supply"] == {"value": 20.0, "low": 20.0, "high": 20.0}
    assert row["gap"]["value"] == 80.0
    assert row["coverage"]["value"] == 0.2
    # Any group, any topic: both 2014 events' Japanese participants, each once.
    assert _row(VISITOR, scope_key="JP", target_group="", year=2014)["supply"]["value"] == 35.0
    korea = _row(VISITOR, scope_key="KR", year=2014)
    assert korea["supply"]["value"] == 10.0
    assert korea["gap"]["value"] == 0.0  # floored at 0
    assert korea["coverage"]["value"] == 1.25


def test_event_with_two_topics_counts_once_in_a_total_and_once_per_topic():
    host = make_institution()
    pp, insider = make_topic(key="pp"), make_topic(key="insider")
    event(host, 2014, 10, {"TH": 10}, topics=(pp, insider))
    need(100, 2014, country="TH")
    need(100, 2014, country="TH", topic=pp, key="th-pp")
    need(100, 2014, country="TH", topic=insider, key="th-insider")
    assert _row(VISITOR, assessment="th-pp")["supply"]["value"] == 10
    assert _row(VISITOR, assessment="th-insider")["supply"]["value"] == 10
    assert _row(VISITOR, scope_key="TH", topic="")["supply"]["value"] == 10


def test_double_reports_count_once():
    host, iaea = make_institution(), make_institution(key="iaea")
    kept = event(host, 2014, 40, {"VN": 40})
    event(host, 2014, 40, {"VN": 40}, same_as=kept, reported_by=iaea)
    event(host, 2014, 38, {"VN": 38}, same_as=kept, reported_by=make_institution())
    need(100, 2014, country="VN")
    assert _row(VISITOR, scope_key="VN")["supply"]["value"] == 40
    assert gap_analysis(VISITOR)["totals"]["folded_reports"] == 2


def test_duplicate_of_a_hidden_report_stands_for_it_once():
    host = make_institution()
    kept = event(host, 2014, 40, {"VN": 40}, sensitivity="restricted")
    event(host, 2014, 41, {"VN": 41}, same_as=kept)
    event(host, 2014, 39, {"VN": 39}, same_as=kept)
    need(100, 2014, country="VN")
    # The visitor sees two reports of one event: the first one visible counts, once.
    assert _row(VISITOR, scope_key="VN")["supply"]["value"] == 41


def test_unattributed_participants_are_never_assigned_a_country():
    host = make_institution(country="MY")
    event(host, 2014, 50, {"MY": 30}, country="MY")  # 20 with no known country
    event(host, 2014, 25, None, country="MY")  # no breakdown at all
    need(100, 2014, country="MY")
    need(1000, 2014, region="World", key="world")
    assert _row(VISITOR, scope_key="MY")["supply"]["value"] == 30
    assert _row(VISITOR, scope="world")["supply"]["value"] == 75
    by_year = gap_analysis(VISITOR)["supply_by_year"]
    assert by_year == [{"year": 2014, "people": 75, "unattributed": 45, "unitemised": 0}]


def test_region_scope_sums_its_countries():
    host = make_institution()
    event(host, 2014, 30, {"CN": 10, "JP": 10, "FR": 10})
    need(100, 2014, region="East Asia")
    row = _row(VISITOR, scope="region")
    assert row["scope_key"] == "r-east-asia"
    assert row["supply"]["value"] == 20


def test_aggregate_claim_adds_only_what_logged_events_do_not_cover():
    snstc, other = make_institution(key="snstc"), make_institution()
    # "over 500" in 2010-2012; 120 logged in that period by the claimant, 60 by someone else.
    event(snstc, 2011, 70, {"CN": 70})
    event(snstc, 2012, 50, {"CN": 50})
    event(other, 2011, 60, {"CN": 60})
    event(snstc, 2013, 99, {"CN": 99})  # outside the claim's period
    claim(snstc, 500, 2010, 2012, qualifier="over")
    need(10_000, 2011, region="World", key="world-2011")
    result = gap_analysis(VISITOR)
    reconciled = next(c for c in result["claims"] if c["claim"].startswith("claim-snstc"))
    assert reconciled["logged"] == 120
    assert reconciled["extra"] == {"value": 380, "low": 380, "high": None, "qualifier": "over"}
    # 2011: 70 + 60 logged, plus the 380 extra spread in whole people (127, 127, 126).
    assert [y["value"] for y in reconciled["per_year"]] == [127, 127, 126]
    row = _row(VISITOR, scope="world")
    assert row["supply"]["value"] == 130 + 127
    assert row["supply"]["high"] is None  # "over": no upper bound
    assert row["gap"]["low"] == 0.0


def test_claim_covered_by_logged_events_adds_nothing():
    center = make_institution()
    event(center, 2012, 90, {"MY": 90})
    claim(center, 80, 2012, 2012)
    need(1000, 2012, region="World")
    result = gap_analysis(VISITOR)
    assert result["claims"][0]["extra"]["value"] == 0
    assert result["claims"][0]["reason"] == "covered by logged events"
    assert _row(VISITOR, scope="world")["supply"]["value"] == 90


def test_qualifiers_give_bounds():
    host = make_institution()
    event(host, 2014, 100, {"ID": 100}, participants_qualifier="approximately")
    need(1000, 2014, country="ID", qualifier="more_than")
    row = _row(VISITOR, scope_key="ID")
    assert row["supply"] == {"value": 100.0, "low": 90.0, "high": 110.0}
    assert row["demand"] == {"value": 1000.0, "low": 1000.0, "high": None}
    assert row["gap"] == {"value": 900.0, "low": 890.0, "high": None}
    assert row["coverage"]["value"] == 0.1
    assert row["coverage"]["low"] == 0.0  # unbounded demand: coverage may be near nil
    assert row["coverage"]["high"] == 0.11


def test_just_over_and_almost_are_narrow_one_sided_bands():
    need(200, 2014, country="PH", qualifier="just_over")
    need(200, 2014, country="SG", qualifier="almost")
    assert _row(VISITOR, scope_key="PH")["demand"] == {"value": 200.0, "low": 200.0, "high": 210.0}
    assert _row(VISITOR, scope_key="SG")["demand"] == {"value": 200.0, "low": 190.0, "high": 200.0}


def test_restricted_event_never_changes_a_visitors_figures(django_user_model):
    host = make_institution()
    event(host, 2014, 10, {"KR": 10})
    need(100, 2014, country="KR")
    before = gap_analysis(VISITOR)
    secret = event(host, 2014, 500, {"KR": 500}, sensitivity="restricted")
    event(host, 2014, 500, {"KR": 500}, same_as=secret, sensitivity="restricted")
    claim(host, 9000, 2014, 2014, sensitivity="restricted")
    from nscap.analytics.cache import bump_data_version

    bump_data_version()
    assert gap_analysis(VISITOR) == before
    member = django_user_model.objects.create_user("member", password="a-long-password-1")
    Affiliation.objects.create(user=member, institution=host)
    assert _row(member, scope_key="KR")["supply"]["value"] == 510


def test_wins_headline_row_shows_the_stated_coverage():
    from nscap.brief.loader import load_brief

    load_brief()
    rows = gap_analysis(VISITOR)["rows"]
    wins = next(r for r in rows if r["quantity"] == "wins-2013-professionals-worldwide")
    assert wins["scope"] == "world"
    assert wins["year"] == 2013
    assert wins["demand"]["value"] == 230_000
    assert wins["stated_coverage"] == {"value": 0.5, "low": 0.5, "high": 0.525}
    assert wins["stated_coverage_qualifier"] == "just_over"
    assert wins["stated_supply"]["low"] == 115_000
    # The Asian study is undated: no year to compare with, so no gap row (listed as undated).
    assert not [r for r in rows if r["assessment"] == "wins-asia"]
    assert "wins-asia-offsite-training-demand" in gap_analysis(VISITOR)["undated_needs"]
    detail = cell_detail(VISITOR, Cell.parse(wins["cell"]))
    assert [r["quantity"] for r in detail["rows"]] == ["wins-2013-professionals-worldwide"]


def test_filters_and_heatmap_cells():
    host = make_institution()
    group = make_target_group(key="customs")
    event(host, 2014, 10, {"JP": 10}, groups=(group,))
    need(100, 2014, country="JP", group=group)
    need(50, 2015, country="KR")
    rows = gap_analysis(VISITOR)["rows"]
    assert [r["scope_key"] for r in filter_rows(rows, year=2014)] == ["JP"]
    assert [r["scope_key"] for r in filter_rows(rows, region="East Asia")] == ["JP", "KR"]
    assert [r["scope_key"] for r in filter_rows(rows, country="KR")] == ["KR"]
    cells = heatmap_cells(filter_rows(rows, year=2014), "target_group")
    assert cells == [
        {
            "scope_key": "JP",
            "scope_label": "JP",
            "column": "customs",
            "column_label": group.name,
            "demand": 100.0,
            "supply": 10.0,
            "gap": 90.0,
            "cell": "JP.customs.all.2014",
            "coverage": 0.1,
        }
    ]
    detail = cell_detail(VISITOR, Cell.parse("JP.customs.all.2014"))
    assert [e["counted"] for e in detail["events"]] == [10]


def test_bad_cell_ids_are_refused_with_the_part_named():
    from nscap.analytics.gaps import BadCell

    with pytest.raises(BadCell, match="scope.group.topic.year"):
        Cell.parse("JP.customs")
    with pytest.raises(BadCell, match="year 'soon'"):
        Cell.parse("JP.customs.all.soon")
