"""Send a steward or institution admin without a verified second factor to the setup page."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from nscap.accounts.two_factor import needs_two_factor, two_factor_required

EXEMPT_PREFIXES = ("/static/", "/i18n/", "/favicon")


class RequireTwoFactorMiddleware:
    """Before any other page, a signed-in steward or admin must verify a TOTP device.

    Runs after django-otp's middleware (which sets ``user.is_verified``). The sign-in, sign-out
    and two-factor pages stay reachable; API calls with such a session get a 403 instead of a
    redirect. Machines using API tokens are not affected (they carry no session).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_set_up(request):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Set up two-factor sign-in in the web UI first.")}, status=403
                )
            target = reverse("accounts:two_factor")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def _must_set_up(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not two_factor_required():
            return False
        if request.path.startswith(EXEMPT_PREFIXES) or request.path in {
            reverse("accounts:two_factor"),
            reverse("accounts:sign_out"),
            reverse("accounts:sign_in"),
        }:
            return False
        is_verified = getattr(user, "is_verified", None)
        if is_verified is not None and is_verified():
            return False
        return needs_two_factor(user)
