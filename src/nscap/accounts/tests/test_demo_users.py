"""Demo users: seeded, printed once by the command, reset on every run, steward with TOTP."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from nscap.accounts.demo_users import seed_demo_users
from nscap.accounts.models import Affiliation
from nscap.core.visibility import is_steward
from nscap.testing.factories import make_institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def centers():
    return make_institution(key="insa"), make_institution(key="iscn")


def _signs_in(username: str, password: str) -> bool:
    request = RequestFactory().post("/accounts/sign-in/")
    return authenticate(request, username=username, password=password) is not None


def test_seed_makes_a_steward_and_two_contributors(centers):
    users = {u.username: u for u in seed_demo_users()}
    assert set(users) == {"demo-steward", "demo-insa", "demo-iscn"}
    for user in users.values():
        assert len(user.password) >= 20 and _signs_in(user.username, user.password)
    steward = users["demo-steward"]
    assert steward.totp_secret and steward.totp_code.isdigit() and len(steward.totp_code) == 6
    from django.contrib.auth import get_user_model

    assert is_steward(get_user_model().objects.get(username="demo-steward"))
    assert Affiliation.objects.get(user__username="demo-insa").institution.key == "insa"


def test_rerun_resets_passwords_and_keeps_one_of_everything(centers):
    first = {u.username: u for u in seed_demo_users()}
    second = {u.username: u for u in seed_demo_users()}
    assert first["demo-insa"].password != second["demo-insa"].password
    assert not _signs_in("demo-insa", first["demo-insa"].password)
    assert _signs_in("demo-insa", second["demo-insa"].password)
    assert first["demo-steward"].totp_secret == second["demo-steward"].totp_secret
    assert Affiliation.objects.count() == 2


def test_seed_needs_the_brief(db):
    with pytest.raises(ValueError, match="load the brief first"):
        seed_demo_users()


def test_demo_command_prints_the_passwords(db):
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    text = out.getvalue()
    for name in ("demo-steward", "demo-insa", "demo-iscn"):
        assert name in text
    password = text.split("demo-insa  password: ")[1].split()[0]
    assert _signs_in("demo-insa", password)
    assert "two-factor: add secret" in text
