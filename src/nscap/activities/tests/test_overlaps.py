"""Overlap groups on hand-made cases: what pools together and what does not."""

import datetime as dt

import pytest

from nscap.activities.overlaps import find_overlaps
from nscap.activities.regions import region_of
from nscap.testing.factories import (
    make_course,
    make_event,
    make_institution,
    make_target_group,
    make_topic,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def vocab():
    return {
        "pp": make_topic(key="pp", name="Physical protection"),
        "ct": make_topic(key="ct", name="Computer security"),
        "reg": make_target_group(key="reg", name="Regulators"),
        "cus": make_target_group(key="cus", name="Customs"),
    }


@pytest.fixture
def providers():
    return {
        "insa": make_institution(key="insa", name="INSA", country="KR"),
        "iscn": make_institution(key="iscn", name="ISCN", country="JP"),
        "snstc": make_institution(key="snstc", name="SNSTC", country="CN"),
    }


def offering(host, start, vocab, topic="pp", group="reg", country="", **fields):
    event = make_event(host=host, start=start, country=country, **fields)
    event.topics.set([vocab[topic]])
    event.target_groups.set([vocab[group]])
    return event


def keys(report):
    return [sorted(o.key for o in c.offerings) for c in report.clusters]


def test_regions_are_m49_subregions():
    assert region_of("JP") == region_of("KR") == region_of("CN") == "eastern-asia"
    assert region_of("VN") == region_of("ID") == "south-eastern-asia"
    assert region_of("ZZ") == "ZZ"  # unmapped: its own region


def test_same_topic_group_region_window_different_providers_is_one_cluster(providers, vocab):
    offering(providers["insa"], dt.date(2016, 3, 1), vocab, key="a", participants=30)
    offering(providers["iscn"], dt.date(2016, 7, 1), vocab, key="b", participants=25)
    offering(providers["snstc"], dt.date(2016, 9, 15), vocab, key="c")
    offering(providers["snstc"], dt.date(2016, 12, 15), vocab, key="d")
    report = find_overlaps(None, window=6)
    # a–b 4 months, a–c 6: one window; d is 9 months after a (a chain would take it in).
    assert keys(report) == [["a", "b", "c"]]
    (cluster,) = report.clusters
    assert (cluster.topic, cluster.target_group, cluster.region) == ("pp", "reg", "eastern-asia")
    assert cluster.providers == ["INSA", "ISCN", "SNSTC"]
    assert (cluster.participants, cluster.without_count) == (55, 1)
    assert (cluster.start, cluster.end) == (dt.date(2016, 3, 1), dt.date(2016, 9, 15))


def test_same_provider_is_no_overlap(providers, vocab):
    offering(providers["insa"], dt.date(2016, 3, 1), vocab, key="a")
    offering(providers["insa"], dt.date(2016, 4, 1), vocab, key="b")
    assert find_overlaps(None).clusters == []


def test_outside_the_window_is_no_overlap(providers, vocab):
    offering(providers["insa"], dt.date(2016, 1, 1), vocab, key="a")
    offering(providers["iscn"], dt.date(2016, 8, 1), vocab, key="b")  # 7 months later
    assert find_overlaps(None, window=6).clusters == []
    assert keys(find_overlaps(None, window=7)) == [["a", "b"]]


def test_other_topic_group_or_region_is_no_overlap(providers, vocab):
    offering(providers["insa"], dt.date(2016, 3, 1), vocab, key="a")
    offering(providers["iscn"], dt.date(2016, 3, 1), vocab, key="b", topic="ct")
    offering(providers["iscn"], dt.date(2016, 3, 1), vocab, key="c", group="cus")
    offering(providers["snstc"], dt.date(2016, 3, 1), vocab, key="d", country="VN")
    assert find_overlaps(None).clusters == []


def test_region_filter(providers, vocab):
    offering(providers["insa"], dt.date(2016, 3, 1), vocab, key="a", country="VN")
    offering(providers["iscn"], dt.date(2016, 4, 1), vocab, key="b", country="TH")
    offering(providers["insa"], dt.date(2016, 3, 1), vocab, key="c")
    offering(providers["iscn"], dt.date(2016, 4, 1), vocab, key="d")
    assert keys(find_overlaps(None, region="south-eastern-asia")) == [["a", "b"]]
    assert keys(find_overlaps(None, region="eastern-asia")) == [["c", "d"]]


def test_duplicate_reports_count_once(providers, vocab):
    kept = offering(providers["insa"], dt.date(2016, 3, 1), vocab, key="a", participants=30)
    # ISCN's report of the same event, merged into INSA's: not a second provider.
    offering(
        providers["iscn"],
        dt.date(2016, 3, 1),
        vocab,
        key="a-dup",
        participants=30,
        same_as=kept,
    )
    assert find_overlaps(None).clusters == []


def test_course_topics_stand_in_when_the_event_lists_none(providers, vocab):
    course = make_course(provider=providers["iscn"])
    course.topics.set([vocab["pp"]])
    course.target_groups.set([vocab["reg"]])
    offering(providers["insa"], dt.date(2016, 3, 1), vocab, key="a")
    make_event(host=providers["iscn"], course=course, start=dt.date(2016, 5, 1), key="b")
    assert keys(find_overlaps(None)) == [["a", "b"]]


def test_undated_and_year_only_events_are_counted_apart(providers, vocab):
    offering(providers["insa"], dt.date(2016, 3, 1), vocab, key="a")
    offering(providers["iscn"], dt.date(2016, 1, 1), vocab, key="b", start_precision="year")
    offering(providers["snstc"], None, vocab, key="c")
    report = find_overlaps(None)
    assert report.clusters == [] and (report.undated, report.offerings) == (2, 1)


def test_restricted_events_never_change_a_visitors_clusters(providers, vocab, steward):
    offering(providers["insa"], dt.date(2016, 3, 1), vocab, key="a", participants=30)
    offering(providers["iscn"], dt.date(2016, 4, 1), vocab, key="b", participants=20)
    before = find_overlaps(None)
    offering(
        providers["snstc"],
        dt.date(2016, 5, 1),
        vocab,
        key="secret",
        participants=500,
        sensitivity="restricted",
    )
    hidden_topic = make_topic(key="hidden", name="Hidden", sensitivity="restricted")
    for key in ("a", "b"):
        from nscap.activities.models import TrainingEvent

        TrainingEvent.objects.get(key=key).topics.add(hidden_topic)
    after = find_overlaps(None)
    assert keys(after) == keys(before) == [["a", "b"]]
    assert after.clusters[0].participants == 50 and after.offerings == 2
    assert keys(find_overlaps(steward)) == [["a", "b", "secret"], ["a", "b"]]


def test_bad_window_is_refused():
    with pytest.raises(ValueError, match="window"):
        find_overlaps(None, window=-1)


@pytest.mark.parametrize("limit", [0, 5000])
def test_many_events_are_classified_through_a_subquery_with_the_same_result(
    providers, vocab, steward, monkeypatch, limit
):
    """Past MAX_LISTED_IDS the ids go by subquery (SQLite refused 1M parameters): same answer,
    hidden events and topics still left out."""
    from nscap.activities import overlaps

    monkeypatch.setattr(overlaps, "MAX_LISTED_IDS", limit)
    course = make_course(provider=providers["iscn"])
    course.topics.set([vocab["pp"]])
    course.target_groups.set([vocab["reg"]])
    offering(providers["insa"], dt.date(2016, 3, 1), vocab, key="a", participants=30)
    make_event(host=providers["iscn"], course=course, start=dt.date(2016, 5, 1), key="b")
    offering(providers["snstc"], dt.date(2016, 4, 1), vocab, key="secret", sensitivity="restricted")
    assert keys(find_overlaps(None)) == [["a", "b"]]
    assert keys(find_overlaps(steward)) == [["a", "b", "secret"]]
