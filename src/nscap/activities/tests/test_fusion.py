"""Survivorship rules of ``activities.fusion``, one rule a test (pure: no database)."""

from __future__ import annotations

import datetime as dt

from nscap.activities.fusion import LOCATION_SHARE, ReportFacts, estimate_countries, fuse

HOST, COORG, PARTICIPANT = 1, 2, 3


def report(id: int, **fields) -> ReportFacts:
    return ReportFacts(id=id, key=f"r{id}", host=fields.pop("host", HOST), **fields)


def test_the_hosts_breakdown_and_exact_count_win_over_a_rounded_kept_report():
    kept = report(1, reported_by=COORG, participants=40, qualifier="approximately")
    hosts = report(2, participants=37, breakdown=(("JP", 30), ("KR", 7)))
    fused = fuse([kept, hosts], kept=1)
    assert fused.value("participants") == 37
    assert fused.fields["participants"].source == "r2"
    assert fused.value("participants_qualifier") == "exact"
    assert fused.value("breakdown") == (("JP", 30), ("KR", 7))
    assert fused.fields["breakdown"].source == "r2"
    assert fused.kept == "r1" and fused.estimate is None


def test_exact_beats_approximately_beats_more_than_whatever_the_order():
    reports = [
        report(1, reported_by=COORG, participants=30, qualifier="more_than"),
        report(2, reported_by=PARTICIPANT, participants=33, qualifier="exact"),
        report(3, reported_by=4, participants=30, qualifier="approximately"),
    ]
    fused = fuse(reports, kept=1)
    assert (fused.value("participants"), fused.fields["participants"].source) == (33, "r2")


def test_a_counted_figure_beats_the_hosts_round_one_of_the_same_rank():
    """The import stores a bare (rounded) figure as exact: 25 from the host and 23 from a
    co-organiser are both "exact", and 23 is the count (issue 13)."""
    hosts = report(1, participants=25, qualifier="exact")
    other = report(2, reported_by=COORG, participants=23, qualifier="exact")
    for kept in (1, 2):
        fused = fuse([hosts, other], kept=kept)
        assert (fused.value("participants"), fused.fields["participants"].source) == (23, "r2")
    agreeing = fuse([hosts, report(2, reported_by=COORG, participants=25)], kept=2)
    assert agreeing.fields["participants"].source == "r1"  # equal figures: the host's own
    rounded_only = fuse([hosts, report(2, reported_by=COORG, participants=30)], kept=1)
    assert rounded_only.value("participants") == 25


def test_a_day_date_beats_a_month_and_the_end_comes_with_it():
    month = report(1, start=dt.date(2017, 3, 1), start_precision="month")
    day = report(2, reported_by=COORG, start=dt.date(2017, 3, 14), end=dt.date(2017, 3, 17))
    fused = fuse([month, day], kept=1)
    assert fused.value("start") == dt.date(2017, 3, 14)
    assert fused.value("end") == dt.date(2017, 3, 17)
    assert fused.fields["start"].source == fused.fields["end"].source == "r2"


def test_topics_are_the_union_of_stated_ones_never_mixed_with_inferred():
    reports = [
        report(1, title="Insider Threat Mitigation", topics=("insider",)),
        report(2, reported_by=COORG, title="x", topics=("physical-protection",)),
    ]
    fused = fuse(reports, kept=1, infer_topics=lambda title: ("transport",))
    assert fused.value("topics") == ("insider", "physical-protection")
    assert fused.fields["topics"].basis == "stated"
    assert fused.fields["topics"].source == "r1, r2"


def test_with_no_stated_topic_they_are_inferred_from_titles_with_evidence():
    reports = [
        report(1, title="RTC on PP"),
        report(2, reported_by=COORG, title="核安保 workshop"),
    ]
    infer = {"RTC on PP": ("physical-protection",), "核安保 workshop": ()}.get
    fused = fuse(reports, kept=1, infer_topics=infer)
    topics = fused.fields["topics"]
    assert topics.value == ("physical-protection",) and topics.basis == "inferred"
    assert topics.evidence == (("physical-protection", "r1", "RTC on PP"),)
    assert fuse(reports, kept=1).fields.get("topics") is None  # no inferrer: nothing made up


def test_partners_are_united_with_roles_and_a_self_named_host_becomes_a_co_organiser():
    host_report = report(1, partners=((5, "funder"),))
    self_named = report(2, host=COORG, reported_by=COORG, partners=((HOST, "co_organiser"),))
    fused = fuse([host_report, self_named], kept=1)
    assert fused.value("host") == HOST
    assert fused.value("partners") == ((COORG, "co_organiser", ("r2",)), (5, "funder", ("r1",)))


def test_people_with_no_country_are_estimated_over_listed_countries_location_first():
    reports = [
        report(1, participants=40, country="MY"),
        report(2, reported_by=PARTICIPANT, participants=40, qualifier="approximately"),
    ]
    fused = fuse(reports, kept=1, country_of={PARTICIPANT: "VN"}.get)
    assert fused.value("breakdown") is None and fused.unplaced == 40
    estimate = fused.estimate
    assert estimate["people"] == 40 and estimate["bounds"] == [0, 40]
    assert estimate["countries"] == [["MY", round(40 * LOCATION_SHARE), 0, 40], ["VN", 10, 0, 40]]
    assert "location country" in estimate["method"]


def test_the_estimate_places_only_people_beyond_a_partial_breakdown():
    estimate = fuse(
        [report(1, participants=20, breakdown=(("TH", 12),), country="TH")], kept=1
    ).estimate
    assert estimate["people"] == 8 and estimate["countries"] == [["TH", 8, 0, 8]]
    assert estimate_countries(0, "TH", ["VN"]) is None
    assert estimate_countries(5, "", []) is None  # nowhere to place them: left unattributed
