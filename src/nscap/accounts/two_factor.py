"""Two-factor sign-in (TOTP): who needs it, their devices, and the setup QR code."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from nscap.accounts.choices import AffiliationRole
from nscap.accounts.models import Affiliation
from nscap.core.visibility import is_steward

DEVICE_NAME = "authenticator"


def needs_two_factor(user: Any) -> bool:
    """Stewards, superusers and institution admins must sign in with a second factor."""
    if user is None or not user.is_authenticated:
        return False
    return (
        is_steward(user)
        or Affiliation.objects.filter(user=user, role=AffiliationRole.ADMIN).exists()
    )


def two_factor_required() -> bool:
    return bool(getattr(settings, "NSCAP_REQUIRE_TWO_FACTOR", True))


def confirmed_device(user: Any) -> TOTPDevice | None:
    if user is None or not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: Any) -> TOTPDevice:
    """The user's unconfirmed device, created on first use; its secret is shown at setup."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_of(device: TOTPDevice) -> str:
    """The secret in the base32 form authenticator apps accept when typed in."""
    return b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code (no image file, no network)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2)
