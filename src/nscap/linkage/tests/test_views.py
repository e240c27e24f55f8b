"""The merge queue over real HTTP: who may see it and decide, and what a decision does."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from nscap.activities.models import TrainingEvent
from nscap.linkage.models import MergeSuggestion
from nscap.testing.factories import make_institution
from nscap.testing.roles import PASSWORD, make_steward, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def suggestion(linked_once: int, db) -> MergeSuggestion:
    """A linked suggestion of the module's run (``conftest.linked_once``)."""
    return MergeSuggestion.objects.filter(strength="linked").first()


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.login(username=user.username, password=PASSWORD)
    return client


def test_stewards_see_the_queue_with_both_reports_and_the_evidence(suggestion):
    response = _client(make_steward()).get(reverse("linkage:queue"))
    assert response.status_code == 200
    body = response.content.decode()
    assert suggestion.kept.key in body and suggestion.duplicate.key in body
    assert "Match weight" in body and "same host" in body


@pytest.mark.parametrize("role", ["visitor", "contributor", "superuser-less member"])
def test_others_do_not_see_the_queue_nor_decide(suggestion, role):
    if role == "visitor":
        user = None
    elif role == "contributor":
        user = make_user(institution=suggestion.kept.host)
    else:
        user = make_user(institution=make_institution())
    client = _client(user)
    page = client.get(reverse("linkage:queue"))
    assert page.status_code in (302, 403)
    if user is not None:
        assert page.status_code == 403
    post = client.post(reverse("linkage:decide", args=[suggestion.pk, "accept"]))
    assert post.status_code in (302, 403)
    if user is not None:
        assert post.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == "pending"
    assert TrainingEvent.objects.get(pk=suggestion.duplicate_id).same_as_id is None


def test_accept_then_undo_over_http(suggestion):
    client = _client(make_steward())
    response = client.post(reverse("linkage:decide", args=[suggestion.pk, "accept"]))
    assert response.status_code == 302
    assert TrainingEvent.objects.get(pk=suggestion.duplicate_id).same_as_id == suggestion.kept_id
    again = client.post(reverse("linkage:decide", args=[suggestion.pk, "accept"]), follow=True)
    assert "is Accepted" in again.content.decode()
    client.post(reverse("linkage:decide", args=[suggestion.pk, "undo"]))
    assert TrainingEvent.objects.get(pk=suggestion.duplicate_id).same_as_id is None


def test_unknown_suggestion_or_decision_is_a_404(suggestion):
    client = _client(make_steward())
    assert client.post(reverse("linkage:decide", args=[999999, "accept"])).status_code == 404
    assert client.post(reverse("linkage:decide", args=[suggestion.pk, "merge"])).status_code == 404
    assert client.get(reverse("linkage:decide", args=[suggestion.pk, "accept"])).status_code == 405


def test_the_suggestions_api_is_for_stewards_only(suggestion):
    url = "/api/linkage/suggestions"
    assert Client().get(url).status_code == 401
    assert _client(make_user(institution=make_institution())).get(url).status_code == 403
    response = _client(make_steward()).get(url, {"limit": 5})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] >= 1 and len(body["items"]) <= 5
    first = body["items"][0]
    assert first["status"] == "pending" and "host" in first["comparisons"]
    assert _client(make_steward()).get(url, {"status": "nonsense"}).status_code == 400
