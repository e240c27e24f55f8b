"""The one read filter."""

import pytest
from django.contrib.auth.models import AnonymousUser

from nscap.core.visibility import is_steward
from nscap.institutions.models import Institution
from nscap.testing.factories import make_institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    return {
        level: make_institution(key=f"inst-{level}", sensitivity=level)
        for level in ("public", "network", "restricted")
    }


def keys(user):
    return set(Institution.objects.visible_to(user).values_list("key", flat=True))


def test_visitor_sees_public_only(records):
    assert keys(AnonymousUser()) == {"inst-public"}
    assert keys(None) == {"inst-public"}


def test_signed_in_user_without_role_sees_public_only(records, django_user_model):
    user = django_user_model.objects.create_user("someone", password="x-long-password-1")
    assert keys(user) == {"inst-public"}


def test_steward_and_superuser_see_everything(records, steward, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x-long-password-2")
    everything = {"inst-public", "inst-network", "inst-restricted"}
    assert keys(steward) == everything
    assert keys(admin) == everything


def test_deactivated_steward_sees_public_only(records, steward):
    steward.is_active = False
    steward.save()
    assert not is_steward(steward)
    assert keys(steward) == {"inst-public"}


def test_counts_follow_the_filter(records):
    assert Institution.objects.visible_to(None).count() == 1
