"""Demo users: a steward and a contributor for each of two institutions, with fresh passwords.

Only ``nscap demo`` calls this. Passwords are random, strong, printed once by the command and
never stored in clear; re-running resets them. The steward gets a confirmed TOTP device whose
secret is printed too, so the demo's steward can sign in with any authenticator app (or with
the current code the command prints, valid for about 30 seconds).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from nscap.accounts.choices import AffiliationRole
from nscap.accounts.models import Affiliation
from nscap.accounts.two_factor import secret_of
from nscap.core.visibility import STEWARDS_GROUP
from nscap.institutions.models import Institution

DEMO_INSTITUTIONS = ("insa", "iscn")
STEWARD = "demo-steward"


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: str
    institution: str = ""
    totp_secret: str = ""
    totp_url: str = ""
    totp_code: str = ""


def _password() -> str:
    # 20 URL-safe characters (~120 bits): passes every password validator.
    return secrets.token_urlsafe(15)


def _reset(username: str) -> tuple[object, str]:
    user_model = get_user_model()
    user, _created = user_model.objects.get_or_create(
        username=username, defaults={"email": f"{username}@demo.invalid"}
    )
    password = _password()
    user.set_password(password)
    user.is_active = True
    user.save()
    return user, password


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):0{device.digits}d}"


@transaction.atomic
def seed_demo_users(institution_keys: tuple[str, ...] = DEMO_INSTITUTIONS) -> list[DemoUser]:
    """Create or reset the demo users; return them with their new passwords (to print)."""
    institutions = {i.key: i for i in Institution.objects.filter(key__in=institution_keys)}
    missing = [key for key in institution_keys if key not in institutions]
    if missing:
        raise ValueError(f"load the brief first: no institution {', '.join(missing)}")
    seeded = []
    steward, password = _reset(STEWARD)
    steward.groups.add(Group.objects.get_or_create(name=STEWARDS_GROUP)[0])
    device = TOTPDevice.objects.filter(user=steward, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=steward, name="demo authenticator", confirmed=True)
    seeded.append(
        DemoUser(
            STEWARD,
            password,
            "steward",
            totp_secret=secret_of(device),
            totp_url=device.config_url,
            totp_code=current_code(device),
        )
    )
    for key in institution_keys:
        username = f"demo-{key}"
        user, password = _reset(username)
        Affiliation.objects.update_or_create(
            user=user, institution=institutions[key], defaults={"role": AffiliationRole.CONTRIBUTOR}
        )
        seeded.append(DemoUser(username, password, "contributor", institution=key))
    return seeded
