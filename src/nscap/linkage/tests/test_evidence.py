"""Evidence issue 13 item 1 added: counts read with their qualifiers, an event's length, who
reported against whom the other report names as partners, and unresolved hosts compared by
month or topic and city. Each test fails when its rule is taken out."""

from __future__ import annotations

import pytest

from nscap.linkage import engine, synthetic
from nscap.linkage.features import HostResolver, count_bounds, duration_days, parse_partial


@pytest.fixture(scope="module")
def background() -> synthetic.SyntheticData:
    """Enough other reports for u probabilities and the prior to mean something."""
    return synthetic.generate(400, seed=5)


def _event(key: str, **values) -> dict:
    base = {
        "key": key,
        "host_text": "Daejeon Nuclear Security Training Centre",
        "reporter": "h7",
        "title": "Regional Training Course on Physical Protection",
        "start": "2019-05-13",
        "end": "2019-05-17",
        "city": "Daejeon",
        "country": "KR",
        "participants": 24,
        "participants_qualifier": "exact",
        "topics": ["physical-protection"],
    }
    return base | values


def _pair(data: synthetic.SyntheticData, reports: list[dict]) -> engine.Pair | None:
    result = engine.link(
        data.records + reports,
        topic_vocabulary=data.topic_vocabulary(),
        resolve_host=HostResolver(data.labels, data.host_places()),
    )
    keys = {r["key"] for r in reports}
    return next((p for p in result.pairs if {p.left, p.right} == keys), None)


def test_count_bounds_read_the_qualifier():
    assert count_bounds(60, "exact") == (60, 60)
    assert count_bounds(60, "more_than") == (61, 1_000_000)
    assert count_bounds(60, "at_least") == (60, 1_000_000)
    assert count_bounds(60, "almost") == (0, 59)
    assert count_bounds(60, "approximately") == (0, 1_000_000)  # bounds nothing
    assert count_bounds(60, None) == (0, 1_000_000)  # unqualified: often rounded
    assert count_bounds(None, "exact") == (None, None)


def test_more_than_sixty_and_exactly_sixty_exclude_each_other(background):
    # the same number, but "more than 60" cannot be exactly 60: not "the same count"
    pair = _pair(
        background,
        [
            _event("n-exact", participants=60),
            _event("n-more", reporter="iaea", participants=60, participants_qualifier="more_than"),
        ],
    )
    assert pair.comparisons["participants"]["level"] == "counts exclude each other"
    assert pair.comparisons["participants"]["weight"] < 0
    agreeing = _pair(
        background,
        [
            _event("m-exact", participants=72),
            _event("m-more", reporter="iaea", participants=60, participants_qualifier="more_than"),
        ],
    )
    assert agreeing.comparisons["participants"]["weight"] > -5


def test_an_events_length_is_evidence(background):
    assert duration_days(*parse_partial("2019-05-13"), *parse_partial("2019-05-17")) == 4
    assert duration_days(*parse_partial("2019-05"), *parse_partial("2019-05-17")) is None
    same = _pair(
        background,
        [_event("len-a"), _event("len-b", reporter="iaea", start="2019-05-14", end="2019-05-18")],
    )
    other = _pair(
        background,
        [_event("len-c"), _event("len-d", reporter="iaea", start="2019-05-14", end="2019-05-24")],
    )
    assert same.comparisons["length"]["level"] == "same length"
    assert other.comparisons["length"]["level"] == "lengths differ"
    assert same.match_weight - other.match_weight > 4


def test_a_reporter_named_as_the_others_partner_is_evidence(background):
    # the host names Xi'an (h3) a partner; Xi'an's own report of the event is more likely
    # the same event than the IAEA's with the same fields
    host = _event("p-host", partners=["h3"])
    by_partner = _pair(background, [host, _event("p-h3", reporter="h3", participants=None)])
    other = _event("p-x", reporter="h9", participants=None)
    by_other = _pair(background, [host | {"key": "p-host2"}, other])
    assert by_partner.comparisons["partners"]["level"] == "a reporter is the other's partner"
    assert by_partner.match_weight > by_other.match_weight + 2


def test_an_unresolved_host_is_compared_by_month_topic_and_city(background):
    # "NSTC" names no institution: the only rule that compares these two is month + topic +
    # city (one side gives only the month, so the same-day rule cannot)
    pair = _pair(
        background,
        [
            _event("u-host"),
            _event("u-iaea", host_text="NSTC", reporter="iaea", start="2019-05", end=None),
        ],
    )
    assert pair is not None
    assert pair.comparisons["host"]["level"] == "host_id is NULL"


def test_an_unresolved_undated_report_is_compared_by_topic_and_city(background):
    pair = _pair(
        background,
        [
            _event("ud-host"),
            _event("ud-iaea", host_text="NSTC", reporter="iaea", start=None, end=None),
        ],
    )
    assert pair is not None
