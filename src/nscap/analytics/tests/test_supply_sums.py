"""The summed supply (``supply_sums``) agrees with the event-by-event supply on awkward cases."""

import pytest
from django.contrib.auth.models import AnonymousUser

from nscap.analytics.supply import supply
from nscap.analytics.supply_sums import signatures_of, supply_sums
from nscap.analytics.tests.helpers import claim, event
from nscap.testing.factories import make_course, make_institution, make_target_group, make_topic
from nscap.testing.roles import make_steward, make_user

pytestmark = pytest.mark.django_db


def _assert_agree(user) -> None:
    by_event, summed = supply(user), supply_sums(user)
    assert dict(signatures_of(by_event.events)) == dict(summed.signatures)
    assert summed.events == len(by_event.events)
    assert summed.people == sum(e.people for e in by_event.events)
    assert summed.undated_events == by_event.undated_events
    assert summed.uncounted_events == by_event.uncounted_events
    assert summed.folded_reports == by_event.folded_reports
    assert [repr(c) for c in summed.claims] == [repr(c) for c in by_event.claims]


def test_summed_supply_matches_the_event_by_event_supply():
    host, reporter = make_institution(country="JP"), make_institution(key="reporter")
    hidden_host = make_institution(key="hidden-host", sensitivity="restricted")
    pp, secret = make_topic(key="pp"), make_topic(key="secret", sensitivity="restricted")
    regulators = make_target_group(key="regulators")
    course = make_course(provider=host)
    course.topics.add(pp)
    course.target_groups.add(regulators)
    hidden_course = make_course(provider=hidden_host)
    hidden_course.topics.add(pp)
    event(host, 2014, 30, {"JP": 20, "KR": 10}, course=course)
    event(host, 2014, 12, {"JP": 15}, course=course, participants_qualifier="approximately")
    event(host, 2015, 20, None, course=hidden_course)
    event(host, 2015, None, None, course=course)  # uncounted
    event(host, 2015, 9, {"TH": 0}, start=None)  # undated
    event(host, 2013, 25, {"JP": 5}, topics=(secret,), course=course)  # hidden own topic
    labelled = event(host, 2013, 18, {"KR": 18}, topics=(pp,), groups=(regulators,))
    # A labelled duplicate folded into a labelled event, reported by someone else.
    event(host, 2013, 19, {"KR": 19}, topics=(secret,), same_as=labelled, reported_by=reporter)
    # A duplicate of a hidden report stands for it; a chain through a visible one.
    hidden = event(host, 2014, 40, {"VN": 40}, sensitivity="restricted")
    first = event(host, 2014, 41, {"VN": 41}, same_as=hidden, course=course)
    event(host, 2014, 39, {"VN": 39}, same_as=hidden, reported_by=reporter)
    event(host, 2014, 38, {"VN": 30}, same_as=first)
    claim(reporter, 500, 2013, 2014)
    claim(host, 50, 2013, 2014, qualifier="more_than")
    claim(host, 10, 2015, 2015)
    member = make_user("member", institution=hidden_host)
    for user in (AnonymousUser(), make_steward("s"), member):
        _assert_agree(user)
