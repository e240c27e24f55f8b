"""The merge queue page (issue 16): in the stewards' navigation only, grouped by event, a
probability that tells pairs apart, and topics read from the title shown beside "a shared
topic"."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from nscap.linkage.models import MergeSuggestion
from nscap.linkage.views import probability_text
from nscap.testing.factories import make_event, make_institution, make_topic
from nscap.testing.roles import PASSWORD, make_steward, make_user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize(
    ("probability", "text"),
    [
        (0.6003, "60.0 %"),
        (0.9667, "96.7 %"),
        (0.9988, "99.88 %"),
        (0.99998253, "99.9983 %"),
        (0.9999999, "over 99.9999 %"),
    ],
)
def test_probability_is_shown_with_the_digits_that_tell_it_from_certainty(probability, text):
    assert probability_text(probability) == text


@pytest.fixture
def group():
    host = make_institution(key="insa", name="INSA")
    make_topic(key="physical-protection", name="Physical protection")
    kept = make_event(key="ev-a", title="Course on physical protection", host=host)
    twins = [make_event(key=f"ev-{n}", title="Physical protection course", host=host) for n in "bc"]
    other = make_event(key="ev-z", title="Unrelated workshop", host=host)
    other_twin = make_event(key="ev-y", title="Unrelated workshop", host=host)
    for twin, weight in zip(twins, (12.0, 4.9), strict=True):
        MergeSuggestion.objects.create(
            kept=kept,
            duplicate=twin,
            match_weight=weight,
            match_probability=2**weight / (1 + 2**weight),
            comparisons={"topics": {"level": "a shared topic", "weight": 2.84}},
            strength="linked",
        )
    MergeSuggestion.objects.create(
        kept=other,
        duplicate=other_twin,
        match_weight=20.0,
        match_probability=2**20 / (1 + 2**20),
        comparisons={},
        strength="linked",
    )
    return kept, other


def test_suggestions_are_grouped_by_event_strongest_group_first(group):
    kept, other = group
    response = _client(make_steward()).get(reverse("linkage:queue"))
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [g["kept"].pk for g in groups] == [other.pk, kept.pk]
    assert [i["suggestion"].match_weight for i in groups[1]["items"]] == [12.0, 4.9]
    body = response.content.decode()
    assert "2 suggested duplicates" in body
    assert "probability 99.976 %" in body and "probability 96.8 %" in body
    assert "probability 1.000" not in body


def test_topics_read_from_the_title_are_shown_not_a_dash(group):
    body = _client(make_steward()).get(reverse("linkage:queue")).content.decode()
    assert (
        '<th scope="row">Topics</th><td>Physical protection (read from the title)</td>'
        "<td>Physical protection (read from the title)</td>"
    ) in body


@pytest.mark.parametrize("role", ["visitor", "contributor", "steward"])
def test_the_merge_queue_is_in_the_navigation_for_stewards_only(group, role):
    user = {
        "visitor": None,
        "contributor": make_user(institution=make_institution(key="iscn", name="ISCN")),
        "steward": make_steward(),
    }[role]
    home = _client(user).get("/").content.decode()
    link = f'href="{reverse("linkage:queue")}"'
    assert (link in home) is (role == "steward")
