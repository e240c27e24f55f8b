"""Overlap groups are bounded in time: a window that slides over the offerings, not a chain that
spans years; each group names two providers or more and whole combined participants; the page,
the API and the chart count the same groups."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from nscap.activities.charts import overlaps_chart
from nscap.activities.models import FusedEvent, TrainingEvent
from nscap.activities.overlaps import find_overlaps
from nscap.analytics.synthetic import load_synthetic
from nscap.testing.factories import make_event, make_institution, make_target_group, make_topic

pytestmark = pytest.mark.django_db


def months(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


@pytest.fixture
def label():
    return make_topic(key="pp", name="Physical protection"), make_target_group(key="reg")


@pytest.fixture
def hosts():
    return [
        make_institution(key="insa", name="INSA", country="KR"),
        make_institution(key="iscn", name="ISCN", country="JP"),
    ]


def offering(host, start, label, key, participants=None):
    event = make_event(
        host=host, start=start, key=key, title=f"PP {key}", participants=participants
    )
    event.topics.set([label[0]])
    event.target_groups.set([label[1]])
    return event


def test_a_chain_every_two_months_over_three_years_is_cut_into_windows(hosts, label):
    # 18 offerings, two months apart, alternating providers: 2014-01 to 2016-11.
    for n in range(18):
        start = dt.date(2014 + (2 * n) // 12, (2 * n) % 12 + 1, 1)
        offering(hosts[n % 2], start, label, key=f"e{n:02d}", participants=10)
    report = find_overlaps(None, window=6)
    spans = [(c.start, c.end) for c in report.clusters]
    assert len(spans) == 5  # windows opening at months 0, 8, 16, 24 and 32
    assert all(months(start, end) <= 6 for start, end in spans)
    members = [o.key for c in report.clusters for o in c.offerings]
    assert sorted(members) == [f"e{n:02d}" for n in range(18)]  # disjoint, none left out
    assert sorted(spans)[0] == (dt.date(2014, 1, 1), dt.date(2014, 7, 1))


def test_a_window_with_one_provider_slides_to_the_next_offering(hosts, label):
    insa, iscn = hosts
    offering(insa, dt.date(2016, 1, 1), label, key="a")
    offering(insa, dt.date(2016, 3, 1), label, key="b")
    offering(iscn, dt.date(2016, 9, 1), label, key="c")  # 8 months after a, 6 after b
    (group,) = find_overlaps(None, window=6).clusters
    assert [o.key for o in group.offerings] == ["b", "c"]
    assert group.providers == ["INSA", "ISCN"]


def test_a_group_with_one_provider_is_not_reported(hosts, label):
    for n, month in enumerate((1, 2, 3)):
        offering(hosts[0], dt.date(2016, month, 1), label, key=f"a{n}", participants=20)
    assert find_overlaps(None, window=6).clusters == []


def test_combined_participants_are_whole_numbers(client, hosts, label):
    kept = offering(hosts[0], dt.date(2016, 3, 1), label, key="a", participants=20)
    offering(hosts[1], dt.date(2016, 4, 1), label, key="b", participants=15)
    # A fused figure stored as a float (JSON) is still a number of people.
    FusedEvent.objects.create(
        event=kept, data={"fields": {"participants": {"value": 20.6, "source": "a"}}}
    )
    (group,) = find_overlaps(None).clusters
    assert group.participants == 36 and isinstance(group.participants, int)
    assert all(isinstance(o.participants, int) for o in group.offerings)
    body = client.get("/api/analytics/overlaps").json()
    assert body["clusters"][0]["participants"] == 36
    assert [o["participants"] for o in body["clusters"][0]["offerings"]] == [21, 15]


def test_page_api_and_chart_count_the_same_groups(client, hosts, label):
    insa, iscn = hosts
    for n, (host, start) in enumerate(
        [(insa, dt.date(2015, 1, 1)), (iscn, dt.date(2015, 2, 1)), (insa, dt.date(2016, 1, 1))]
        + [(iscn, dt.date(2016, 5, 1)), (iscn, dt.date(2017, 1, 1))]
    ):
        offering(host, start, label, key=f"e{n}", participants=5)
    response = client.get(reverse("activities:overlaps"))
    html = response.content.decode()
    shown = int(re.search(r"(\d+) overlap groups", html).group(1))
    api = client.get("/api/analytics/overlaps").json()
    chart = response.context["chart"]
    assert shown == api["groups"] == len(api["clusters"]) == len(chart.rows) == 2
    assert len(chart.spec["data"]["values"]) == 2  # one mark per group, not per offering
    assert html.count('class="overlap-cluster"') == 2
    first = api["clusters"][0]
    assert (first["start"], first["end"]) == (first["first"], first["last"])
    assert first["providers"] == ["INSA", "ISCN"]
    marks = {(v["start"], v["end"]) for v in chart.spec["data"]["values"]}
    assert marks == {(c["start"], c["end"]) for c in api["clusters"]}


def test_chart_draws_one_bar_per_group_over_its_span(hosts, label):
    offering(hosts[0], dt.date(2016, 12, 1), label, key="a")
    offering(hosts[1], dt.date(2016, 12, 20), label, key="b")
    chart = overlaps_chart(find_overlaps(None))
    assert chart.spec["mark"]["type"] == "bar"
    (mark,) = chart.spec["data"]["values"]
    assert (mark["start"], mark["until"]) == ("2016-12-01", "2017-01-01")  # a month wide


def test_no_group_on_the_synthetic_data_spans_more_than_the_window(steward):
    # One load for every window: the grouping only reads (a parametrised test loaded the brief
    # and 300 synthetic events three times, 25 s each on the shared CI machine).
    call_command("load_brief", verbosity=0)
    load_synthetic(events=300, seed=7)
    assert TrainingEvent.objects.filter(key__endswith="-parallel").exists()
    for window in (0, 6, 12):
        for viewer in (None, steward):
            report = find_overlaps(viewer, window=window)
            assert report.clusters, ("the synthetic set plants overlapping offerings", window)
            for group in report.clusters:
                assert months(group.start, group.end) <= window, (window, group.offerings)
                assert len({o.provider_key for o in group.offerings}) >= 2
                assert isinstance(group.participants, int)
