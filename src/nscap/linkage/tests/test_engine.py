"""The linkage engine on synthetic data with known truth, plus hand-made hard cases."""

from __future__ import annotations

import pytest

from nscap.linkage import engine, quality, synthetic
from nscap.linkage.features import HostResolver, TopicInferrer, parse_partial


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


def _link(data: synthetic.SyntheticData, extra: list[dict], **options) -> engine.LinkResult:
    return engine.link(
        data.records + extra,
        topic_vocabulary=data.topic_vocabulary(),
        resolve_host=HostResolver(data.labels, data.host_places()),
        **options,
    )


def test_known_duplicates_are_linked_across_scripts_and_noise(background):
    reports = [
        _event("x-host"),
        # the IAEA: acronym with country, abbreviated title, month only, rounded count
        _event("x-iaea", host_text="DNSTC, KR", reporter="iaea", title="RTC on PP",
               start="2019-05", end=None, participants=25, topics=[]),
        # a co-organiser: Korean name and title, shifted two days, "approximately"
        _event("x-partner", host_text="대전핵안보훈련센터", reporter="h3",
               title="물리적 방호 지역 훈련과정", start="2019-05-15", end=None,
               participants_qualifier="approximately", topics=[], city=None),
    ]  # fmt: skip
    result = _link(background, reports)
    ids = {result.cluster_of[k] for k in ("x-host", "x-iaea", "x-partner")}
    assert len(ids) == 1
    pair = next(p for p in result.pairs if {p.left, p.right} == {"x-host", "x-partner"})
    assert pair.status == "linked"
    assert pair.comparisons["start"]["level"] == "within 3 days"
    assert pair.comparisons["host"]["weight"] > 0
    assert pair.comparisons["topics"]["level"] == "same topics"


def test_distinct_runs_and_other_hosts_are_kept_apart(background):
    reports = [
        _event("y-first"),
        _event("y-second-run", start="2019-06-24", end="2019-06-28", reporter="iaea"),
        _event("y-other-host", host_text="Busan Nuclear Security Training Centre",
               reporter="h9", city="Busan"),
        # the same reporter twice on one day: two parallel sessions, not one event
        _event("y-parallel"),
    ]  # fmt: skip
    result = _link(background, reports)
    ids = [result.cluster_of[k] for k in ("y-first", "y-second-run", "y-other-host", "y-parallel")]
    assert len(set(ids)) == 4


def test_a_series_of_runs_weeks_apart_does_not_chain(background):
    # Each run is reported twice; connected components over "same host, same course" would
    # chain them all into one cluster.
    reports = []
    for run, day in enumerate(["2021-03-01", "2021-03-29", "2021-04-26"]):
        reports.append(_event(f"s{run}-host", start=day, end=None))
        reports.append(_event(f"s{run}-iaea", start=day, end=None, reporter="iaea",
                              host_text="DNSTC, KR", title="RTC on PP"))  # fmt: skip
    result = _link(background, reports)
    for run in range(3):
        assert result.cluster_of[f"s{run}-host"] == result.cluster_of[f"s{run}-iaea"]
    assert len({result.cluster_of[r["key"]] for r in reports}) == 3


def test_f1_on_a_small_synthetic_set_meets_the_target():
    data = synthetic.generate(600, seed=21)
    result = _link(data, [])
    scores = quality.pairwise(result.cluster_of, data.truth)
    assert scores.f1 >= 0.95, scores
    assert quality.clusters(result.cluster_of, data.truth).f1 >= 0.9


def test_incremental_linking_keeps_cluster_ids(background):
    first = _link(background, [_event("z-host")])
    later = _link(
        background,
        [
            _event("z-host"),
            _event("z-iaea", reporter="iaea", host_text="DNSTC", start="2019-05-14"),
        ],
        previous=first.cluster_of,
    )
    assert all(later.cluster_of[k] == v for k, v in first.cluster_of.items())
    assert later.cluster_of["z-iaea"] == first.cluster_of["z-host"]


def test_earlier_clusters_merge_only_by_suggestion(background):
    first = _link(background, [_event("m-a"), _event("m-b", start="2020-01-01", reporter="iaea")])
    assert first.cluster_of["m-a"] != first.cluster_of["m-b"]
    # a correction makes them look alike; their ids were both given out, so: a suggestion
    later = _link(
        background,
        [_event("m-a"), _event("m-b", reporter="iaea")],
        previous=first.cluster_of,
    )
    assert later.cluster_of["m-a"] != later.cluster_of["m-b"]
    pair = next(p for p in later.pairs if {p.left, p.right} == {"m-a", "m-b"})
    assert pair.status == "suggested"


def test_generator_is_deterministic_and_carries_truth():
    a, b = synthetic.generate(50, seed=9), synthetic.generate(50, seed=9)
    assert a.records == b.records
    assert set(a.truth) == {r["key"] for r in a.records}
    assert len(set(a.truth.values())) == 50
    scripts = {h.script for h in a.hosts}
    assert scripts == {0, 1, 2, 3, 4}


def test_host_resolution_settles_shared_acronyms_by_place():
    resolver = HostResolver(
        [("Tokai Centre", "a"), ("TC", "a"), ("Tokyo Centre", "b"), ("TC", "b")],
        {"a": ("JP", "Tokai"), "b": ("JP", "Tokyo")},
    )
    assert resolver("TC", "JP", "Tokyo") == "b"
    assert resolver("TC", "JP") is None  # two centers in Japan: not a guess
    assert resolver("tokai  CENTER") == "a"


def test_topics_are_inferred_from_titles_in_several_scripts():
    topics = TopicInferrer(synthetic.generate(1).topic_vocabulary())
    assert topics.infer("RTC on PP") == ("physical-protection",)
    assert topics.infer("核法证学国际培训班") == ("nuclear-forensics",)
    assert topics.infer("Lunch") == ()


def test_partial_dates():
    assert parse_partial("2014-09")[1] == "month"
    assert parse_partial("2014")[1] == "year"
    assert parse_partial("not a date") == (None, None)


def test_quality_scores_by_hand():
    truth = {"a": "1", "b": "1", "c": "1", "d": "2"}
    found = {"a": "x", "b": "x", "c": "y", "d": "y"}
    scores = quality.pairwise(found, truth)
    assert (scores.true_positives, scores.predicted, scores.actual) == (1, 2, 3)
    assert scores.precision == 0.5
    assert quality.clusters(found, truth).true_positives == 0


def test_a_month_only_report_between_two_runs_is_left_to_a_steward(background):
    reports = [
        _event("amb-early", start="2019-05-02", end=None),
        _event("amb-late", start="2019-05-27", end=None),
        _event("amb-iaea", start="2019-05", end=None, reporter="iaea", host_text="DNSTC, KR"),
    ]
    result = _link(background, reports)
    assert "amb-iaea" in result.ambiguous
    ids = {result.cluster_of[r["key"]] for r in reports}
    assert len(ids) == 3
    statuses = {p.status for p in result.pairs if "amb-iaea" in (p.left, p.right)}
    assert statuses == {"ambiguous"}


def test_a_co_organiser_naming_itself_host_is_compared_with_the_hosts_report(background):
    # Xi'an (h3) co-organised Daejeon's (h7) course and reports it as its own, Daejeon a
    # partner: a different host id, so only the reporter-aware rule ever compares the two.
    reports = [
        _event("self-host", topics=[], title="Regional Workshop on Physical Protection"),
        _event("self-coorg", host_text="XNSTC", reporter="h3", partners=["h7"],
               start="2019-05-14", end=None, topics=[], title="RTC on PP"),
    ]  # fmt: skip
    result = _link(background, reports)
    pair = next(p for p in result.pairs if {p.left, p.right} == {"self-host", "self-coorg"})
    assert pair.comparisons["host"]["level"].startswith("the other's host is a possible host")
    assert pair.status == "linked"
    assert result.cluster_of["self-host"] == result.cluster_of["self-coorg"]


def test_a_month_only_report_without_topic_is_compared_and_linked(background):
    # no topic on either side and only a month on one: the old blocking (exact day, or topic
    # + month) never compared these two
    reports = [
        _event("mo-host", topics=[], title="Seminar for guards"),
        _event("mo-iaea", reporter="iaea", start="2019-05", end=None, topics=[],
               title="Seminar for guards", host_text="DNSTC, KR"),
    ]  # fmt: skip
    result = _link(background, reports)
    assert result.cluster_of["mo-host"] == result.cluster_of["mo-iaea"]


def test_a_shared_acronym_is_settled_by_the_reporter_then_the_city():
    resolver = HostResolver(
        [("NSSC", "a"), ("NSSC", "b"), ("NSSC", "c")],
        {"a": ("CN", "Beijing"), "b": ("CN", "Shanghai"), "c": ("ID", "Serpong")},
    )
    assert resolver("NSSC", "CN", "Beijing", reporter="b") == "b"  # its own report
    assert resolver("NSSC", "CN", "Beijing", reporter="iaea") == "a"
    assert resolver("NSSC", "CN", None, reporter="iaea") is None  # not a guess
    assert resolver.candidates("NSSC", "CN") == ["a", "b"]
    assert resolver("Shanghai Nucl. Sec. Supp. Ctr", "CN") is None  # no such label at all


def test_topic_inference_prefers_the_specific_label_and_reads_initials():
    topics = TopicInferrer(
        {
            "nuclear-security": ["Nuclear security", "nuclear security"],
            "culture": ["Nuclear security culture", "security culture"],
            "response": ["Response to nuclear security events", "nuclear security events"],
            "pp": ["Physical protection", "PP"],
            "morc": ["Material out of regulatory control"],
        }
    )
    assert topics.infer("Workshop on Response to Nuclear Security Events") == ("response",)
    assert topics.infer("Nuclear Security Culture Seminar") == ("culture",)
    assert topics.infer("Basics of nuclear security") == ("nuclear-security",)
    assert topics.infer("NTC on MORC") == ("morc",)
    assert topics.infer("Supporting staff meeting") == ()  # "PP" only as a whole word
    assert topics.infer("Regional Training Course on Phyiscal Protection") == ("pp",)
