"""Guard for issue 15, found 6, on a small synthetic set and on the contribution pages (history,
changesets, my changesets): no stored code reaches a reader. Kept apart from the brief's module,
whose data stays loaded for the whole module."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.test_readable_labels import assert_readable

from nscap.activities.models import EventParticipantCountry, TrainingEvent
from nscap.testing.factories import (
    cite,
    make_claim,
    make_course,
    make_event,
    make_institution,
    make_quantity,
)


@pytest.mark.django_db
def test_pages_of_a_small_synthetic_set_show_no_raw_codes(client):
    center = make_institution(kind="nssc", country="NP")
    partner = make_institution(kind="university", country="BT")
    course = make_course(provider=center)
    event = make_event(host=center, course=course, country="LK", delivery_mode="in_person")
    for code, count in (("BT", 3), ("IR", 2), ("MV", 1), ("TL", 4)):
        EventParticipantCountry.objects.create(event=event, country=code, count=count)
    make_claim(claimant=center, partner=None, partner_country="NP")
    make_claim(claimant=center, partner=partner)
    quantity = make_quantity(measure="people_trained_per_year", country="MV")
    cite(quantity)
    assert_readable(
        client,
        [
            reverse("activities:event", args=[event.key]),
            reverse("activities:course", args=[course.key]),
            reverse("institutions:detail", args=[center.key]),
            reverse("institutions:list"),
            reverse("collaboration:index"),
            reverse("quantities:index"),
            reverse("activities:list"),
        ],
    )
    assert TrainingEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_history_and_changeset_pages_show_no_raw_codes(client, django_user_model):
    from nscap.contributions import services
    from nscap.contributions.models import Changeset
    from nscap.contributions.tests.test_views import EVENT, propose_event, user
    from nscap.testing.factories import make_source

    host = make_institution(key="insa", country="KR")
    make_source(key="report-2024", title="Annual report 2024")
    author = user(django_user_model, "kim", host)
    steward = user(django_user_model, "stew", steward=True)
    client.force_login(author)
    assert propose_event(client, country="LK").status_code == 302
    changeset = Changeset.objects.get()
    assert EVENT["delivery_mode"] == "in_person"
    client.force_login(steward)
    assert_readable(client, [reverse("contributions:changeset", args=[changeset.pk])])
    services.approve(steward, changeset.pk)
    event = TrainingEvent.objects.get()
    client.force_login(author)
    assert_readable(
        client,
        [
            reverse("contributions:history", args=["training_event", event.key]),
            reverse("contributions:mine"),
        ],
    )
