"""Folding duplicate reports follows the viewer's visibility (issue 12, finding 22): a visible
report that points at a report the viewer may not see counts for the viewer exactly as if it
pointed nowhere — as its API record, which shows ``same_as: null``, says."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache

from nscap.activities.overlaps import find_overlaps
from nscap.activities.selectors import kept_reports
from nscap.analytics.achievements import achievements
from nscap.analytics.supply import supply
from nscap.analytics.supply_sums import supply_sums
from nscap.analytics.tests.helpers import event
from nscap.testing.factories import make_institution, make_target_group, make_topic
from nscap.testing.roles import make_steward

pytestmark = pytest.mark.django_db


def _totals(user) -> tuple:
    """Every per-viewer total that counts events once (supply, its sums, achievements,
    overlaps), fresh."""
    cache.clear()
    by_event, summed = supply(user), supply_sums(user)
    centers = achievements(user)["centers"]
    overlaps = find_overlaps(user)
    return (
        len(by_event.events),
        sum(e.people for e in by_event.events),
        summed.events,
        summed.people,
        sorted((c["institution"], c["events"], c["participants"]) for c in centers),
        overlaps.offerings,
        sorted(sorted(o.key for o in c.offerings) for c in overlaps.clusters),
    )


def test_a_visible_report_pointing_at_a_hidden_one_counts_as_if_it_pointed_nowhere():
    insa = make_institution(key="insa", country="KR")
    iscn = make_institution(key="iscn", country="JP")
    snstc = make_institution(key="snstc", country="CN")
    pp, regulators = make_topic(key="pp"), make_target_group(key="reg")
    labels = {"topics": (pp,), "groups": (regulators,)}
    march = dt.date(2016, 3, 1)
    hidden = event(iscn, 2016, 30, {"JP": 30}, key="hidden", sensitivity="restricted", **labels)
    first = event(insa, 2016, 31, {"KR": 31}, key="first", start=march, **labels)
    second = event(insa, 2016, 29, {"KR": 29}, key="second", start=march, **labels)
    event(snstc, 2016, 20, {"CN": 20}, key="other", start=dt.date(2016, 5, 1), **labels)
    second.same_as = first
    second.save()
    visitor = AnonymousUser()
    alone = _totals(visitor)
    first.same_as = hidden
    first.save()
    second.same_as = hidden  # both point at the hidden report: the lowest stands for them
    second.save()
    assert _totals(visitor) == alone
    assert sorted(kept_reports(visitor).values_list("key", flat=True)) == ["first", "other"]
    # The steward sees the hidden report: both visible ones fold into it.
    steward = make_steward("s")
    assert sorted(kept_reports(steward).values_list("key", flat=True)) == ["hidden", "other"]
    assert _totals(steward)[6] == [["hidden", "other"]]
