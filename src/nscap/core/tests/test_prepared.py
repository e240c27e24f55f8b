"""Queries compiled once per viewer class: the same rows as the ORM, never another viewer's."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from nscap.core.prepared import prepared_rows
from nscap.institutions.models import Institution
from nscap.testing.factories import make_event, make_institution
from nscap.testing.roles import make_user

pytestmark = pytest.mark.django_db


def _institutions(user, *ids):
    return (
        Institution.objects.visible_to(user)
        .filter(pk__in=ids)
        .order_by("key")
        .values_list("key", flat=True)
    )


def _rows(user, ids):
    return prepared_rows("test.institutions", user, lambda *marks: _institutions(user, *marks), ids)


def test_each_viewer_class_gets_its_own_rows_in_any_order(steward):
    public = make_institution(key="a-public")
    restricted = make_institution(key="b-restricted", sensitivity="restricted")
    other = make_institution(key="c-other", sensitivity="restricted")
    member = make_user(institution=restricted)
    ids = [public.pk, restricted.pk, other.pk]
    for _round in range(2):  # the second round runs the cached SQL
        for user, expected in (
            (AnonymousUser(), ["a-public"]),
            (member, ["a-public", "b-restricted"]),
            (steward, ["a-public", "b-restricted", "c-other"]),
            (None, ["a-public"]),
        ):
            assert [row[0] for row in _rows(user, ids)] == expected
            assert list(_institutions(user, *ids)) == expected


def test_new_values_and_writes_are_seen():
    first = make_institution(key="first")
    second = make_institution(key="second")
    assert [row[0] for row in _rows(None, [first.pk])] == ["first"]
    assert [row[0] for row in _rows(None, [second.pk])] == ["second"]
    second.sensitivity = "restricted"
    second.save()
    assert _rows(None, [second.pk]) == []


def test_converters_run_and_dates_substitute():
    event = make_event(start=dt.date(2014, 9, 12), start_precision="day")

    def build(user, since):
        return (
            type(event)
            .objects.visible_to(user)
            .filter(start__gte=since)
            .values_list("key", "start")
        )

    def rows(since):
        return prepared_rows("test.events", None, lambda *marks: build(None, *marks), [since])

    assert rows(dt.date(2014, 1, 1)) == [(event.key, dt.date(2014, 9, 12))]
    assert rows(dt.date(2015, 1, 1)) == []


def test_a_value_that_does_not_reach_the_parameters_is_refused():
    with pytest.raises(ValueError, match="did not reach"):
        prepared_rows(
            "test.ignored", None, lambda key: Institution.objects.values_list("key"), ["x"]
        )
