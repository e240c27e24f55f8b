"""The audit log: sign-ins, failed sign-ins, sign-outs and refused access, with who and where."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from nscap.accounts.client_address import client_ip
from nscap.accounts.models import AuditEvent


def record_event(
    action: str, request: HttpRequest | None = None, actor: Any = None, **details: Any
) -> AuditEvent:
    """Write one audit event. ``actor`` defaults to the request's signed-in user."""
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        username=details.pop("username", "") or (actor.get_username() if actor else ""),
        ip_address=client_ip(request),
        path=request.path[:500] if request is not None else "",
        details=details,
    )


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs) -> None:
    record_event("accounts.sign_in", request, actor=user)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs) -> None:
    record_event("accounts.sign_out", request, actor=user)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    record_event("accounts.sign_in_failed", request, username=credentials.get("username", ""))


def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    record_event("accounts.locked_out", request, username=username or "")


def connect_lockout_receiver() -> None:
    """Record django-axes lockouts too (connected in AppConfig.ready, once axes is loaded)."""
    from axes.signals import user_locked_out

    user_locked_out.connect(_locked_out, dispatch_uid="nscap-audit-locked-out")
