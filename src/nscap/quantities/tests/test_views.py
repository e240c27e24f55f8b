"""The figures page: all visible quantities, filter by measure."""

import pytest
from django.urls import reverse

from nscap.testing.factories import make_quantity

pytestmark = pytest.mark.django_db
URL = reverse("quantities:index")


@pytest.fixture
def figures():
    make_quantity(key="courses", measure="courses", value=108, unit="courses")
    make_quantity(key="people", measure="people_trained", value=3000, qualifier="almost")
    make_quantity(
        key="secret", measure="courses", value=5, unit="secret courses", sensitivity="restricted"
    )


def keys(response):
    return {q.key for q in response.context["quantities"]}


def test_figures_page_lists_visible(client, steward, figures):
    response = client.get(URL)
    assert keys(response) == {"courses", "people"}
    assert "almost 3,000 people" in response.content.decode()
    client.force_login(steward)
    assert keys(client.get(URL)) == {"courses", "people", "secret"}


def test_filter_by_measure(client, figures):
    assert keys(client.get(URL, {"measure": "courses"})) == {"courses"}


def test_bad_measure_is_a_message(client, figures):
    response = client.get(URL, {"measure": "bogus"})
    assert response.status_code == 200
    assert "is not a value you can filter by" in response.content.decode()
    assert keys(response) == {"courses", "people"}
