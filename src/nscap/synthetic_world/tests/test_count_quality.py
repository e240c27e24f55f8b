"""Counting on the true clusters holds (issue 13): a 300-event world taken through the steward's
path (import, merges, ``nscap fuse``, ``nscap analyse gaps``, the collaboration edges API) and
scored against its truth. Linkage plays no part: the duplicates file carries the true merges,
so every miss here is a counting error (``bench/count_quality.py`` runs the same at 5,000).
"""

from __future__ import annotations

import pytest

from nscap.synthetic_world import scoring, steward, world
from nscap.testing.roles import make_steward

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def small_world() -> world.World:
    # More claims than the default rate, so that parents answering for their children occur.
    return world.generate(300, seed=8, rates=world.Rates(claims_per_event=0.4))


def test_counts_on_the_true_clusters_hold_against_the_truth(small_world, tmp_path):
    result = steward.run(small_world, tmp_path, make_steward(), true_clusters=True)
    scores = scoring.score(result)
    supply, gaps, collaboration = scores["supply"], scores["gaps"], scores["collaboration"]

    assert 0.97 <= supply["counted_over_true"] <= 1.03, supply
    assert 0.95 <= supply["located_with_estimate_over_true"] <= 1.03, supply
    # Every demand cell of the truth has its row; what the reports cannot tell (a target group
    # no report states, a course's second topic) is the floor; nscap's own error stays close.
    assert gaps["cells_without_a_row"] == 0
    assert gaps["gap_error_with_estimate_over_demand"] < gaps["gap_error_over_demand"]
    assert gaps["gap_error_with_estimate_over_demand"] - gaps["information_floor"] < 0.06, gaps

    assert collaboration["pairs"] == len(small_world.pair_status)
    assert "parent → parent" in collaboration["confusion"], "the world has a parent answering"
    assert collaboration["status_accuracy"] == 1.0, collaboration["confusion"]
    assert collaboration["confirmed_depth_accuracy"] == 1.0


def test_a_parent_claiming_back_is_scored_as_its_own_state_not_confirmed(small_world):
    """The scorer itself: an edge answered only by a related institution is "parent"; an
    answered edge is confirmed; the truth's one-sided pair seen as confirmed is a miss."""
    (a, b), status = next(
        (pair, s) for pair, s in sorted(small_world.pair_status.items()) if s == "one-sided"
    )
    truth = {
        "collaboration_pairs": [{"a": a, "b": b, "status": status, "parent_answered": True}],
        "claims": [],
    }

    def edge(answered: bool, related: bool) -> list[dict]:
        return [
            {
                "claimant": {"key": a},
                "partner": {"key": b},
                "answered": answered,
                "related_back": related,
                "confirmed": 0,
            }
        ]

    assert scoring.collaboration_scores(truth, edge(False, True))["status_accuracy"] == 1.0
    assert scoring.collaboration_scores(truth, edge(True, False))["status_accuracy"] == 0.0
    assert scoring.collaboration_scores(truth, edge(False, False))["status_accuracy"] == 0.0
