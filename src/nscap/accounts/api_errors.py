"""The API's answers to refused requests: who may not, and who is not signed in.

Installed beside ``core.api_errors`` by ``nscap.api``; they live here because refusals are
written to the audit log (``accounts``), which the ground floor may not import (``core.hooks``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from nscap.accounts.api_auth import ApiRefused, audit_refusal


def install_refusal_handlers(api: NinjaAPI) -> None:
    """A refusal is answered with its status and message, and audited."""

    @api.exception_handler(ApiRefused)
    def refused(request, exc: ApiRefused):
        return api.create_response(request, {"detail": exc.message}, status=exc.status)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc: AuthenticationError):
        audit_refusal(request, 401, "not_signed_in")
        return api.create_response(request, {"detail": _("Authentication required.")}, status=401)
