"""Constrained clustering on hand-made scored pairs: average linkage across clusters and the
placement of undated reports (issue 13 item 1). Each test fails when its rule is taken out."""

from __future__ import annotations

import datetime as dt

from nscap.linkage.clustering import constrained_clusters

DAY = dt.date(2019, 5, 13)


def _cluster(rows, reporters, starts, link_weight=1.0):
    precise = [s is not None for s in starts]
    clusters, statuses, ambiguous = constrained_clusters(
        rows, reporters, starts, precise, [None] * len(reporters), link_weight=link_weight
    )
    return [clusters.find(i) for i in range(len(reporters))], statuses, ambiguous


def test_one_strong_pair_does_not_fuse_two_events_whose_other_reports_disagree():
    # two runs of one course days apart, each reported twice (0+1, 2+3); 1 and 2 look alike,
    # but 0-2, 0-3 and 1-3 weigh against: the average across the two clusters is below the
    # link weight, so they stay apart (single linkage would fuse all four)
    rows = [
        (0, 1, 12.0),
        (2, 3, 11.0),
        (1, 2, 6.0),
        (0, 2, -1.5),
        (1, 3, -1.5),
        (0, 3, -1.8),
    ]
    starts = [DAY, DAY, DAY + dt.timedelta(days=2), DAY + dt.timedelta(days=2)]
    roots, statuses, _ = _cluster(rows, ["a", "b", "c", "d"], starts)
    assert roots[0] == roots[1] and roots[2] == roots[3] and roots[0] != roots[2]
    assert statuses[2] == "kept apart"


def test_pairs_the_scoring_did_not_return_count_against_a_join():
    # 1-2 is strong, but 0-2 was not scored at all (not blocked, or below the suggestion
    # weight): the average across {0, 1} and {2} is (6 - 5) / 2 < 1
    rows = [(0, 1, 12.0), (1, 2, 6.0)]
    roots, _, _ = _cluster(rows, ["a", "b", "c"], [DAY, DAY, DAY])
    assert roots[0] == roots[1] != roots[2]
    roots, _, _ = _cluster(rows + [(0, 2, 3.0)], ["a", "b", "c"], [DAY, DAY, DAY])
    assert roots[0] == roots[1] == roots[2]


def test_an_undated_report_joins_the_one_event_it_may_join():
    # 3 is undated; its best pairs point into event {0} and event {1, 2}, close in weight.
    # Its own reporter ("c") already reported event {1, 2}, so that event is no rival: 3
    # joins {0}. Judged report by report (before), 0 and 1 were rivals a season apart and 3
    # was left for a steward.
    rows = [(1, 2, 12.0), (0, 3, 6.0), (1, 3, 5.5), (2, 3, 5.0)]
    starts = [DAY, DAY + dt.timedelta(days=120), DAY + dt.timedelta(days=120), None]
    roots, _, ambiguous = _cluster(rows, ["a", "b", "c", "c"], starts)
    assert roots[3] == roots[0] != roots[1]
    assert 3 not in ambiguous


def test_an_undated_report_between_two_events_is_left_to_a_steward():
    rows = [(0, 2, 6.0), (1, 2, 5.5)]
    starts = [DAY, DAY + dt.timedelta(days=120), None]
    roots, statuses, ambiguous = _cluster(rows, ["a", "b", "c"], starts)
    assert 2 in ambiguous and len(set(roots)) == 3
    assert statuses == ["ambiguous", "ambiguous"]
