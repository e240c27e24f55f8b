"""Users for the accounts tests: a contributor and an admin of one institution, a stranger."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from nscap.accounts.models import Affiliation
from nscap.core.visibility import STEWARDS_GROUP
from nscap.testing.factories import make_institution

PASSWORD = "a-long-test-password-9"


def make_user(django_user_model, username, institution=None, role="contributor", steward=False):
    user = django_user_model.objects.create_user(username, f"{username}@example.org", PASSWORD)
    if institution is not None:
        Affiliation.objects.create(user=user, institution=institution, role=role)
    if steward:
        user.groups.add(Group.objects.get_or_create(name=STEWARDS_GROUP)[0])
    return user


def code_for(device: TOTPDevice, ahead: int = 0) -> str:
    """The device's current code (``ahead`` steps later, as a code is accepted only once)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, ahead):0{device.digits}d}"


@pytest.fixture
def insa(db):
    return make_institution(key="insa", name="International Nuclear Security Academy", country="KR")


@pytest.fixture
def iscn(db):
    return make_institution(key="iscn", name="Integrated Support Center", country="JP")


@pytest.fixture
def contributor(django_user_model, insa):
    return make_user(django_user_model, "kim", insa)


@pytest.fixture
def admin(django_user_model, insa):
    return make_user(django_user_model, "park", insa, role="admin")


@pytest.fixture
def stranger(django_user_model):
    return make_user(django_user_model, "nobody")


@pytest.fixture
def steward_user(django_user_model):
    return make_user(django_user_model, "stew", steward=True)


@pytest.fixture
def two_factor_on(settings):
    settings.NSCAP_REQUIRE_TWO_FACTOR = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    return settings
