"""Who is calling the API: a bearer token (machines) or the browser session (with CSRF).

Reads are open to visitors; a token or a session only widens what ``visible_to`` shows.
Writes need a signed-in session (CSRF checked, as for any form) or a write-scope token.
A token that is sent but bad (unknown, malformed, expired, revoked, its user deactivated) is
refused with 401 and the reason; the API never quietly falls back to "visitor" for it.
Every refusal is written to the audit log as ``api.refused``.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from nscap.accounts.audit import record_event
from nscap.accounts.choices import TokenScope
from nscap.accounts.models import ApiToken
from nscap.accounts.tokens import TOKEN_PREFIX, _hash, authenticate_token

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ApiRefused(Exception):
    """The API refuses the caller: 401 (who are you?) or 403 (not with these rights)."""

    def __init__(self, status: int, message: str, reason: str):
        super().__init__(message)
        self.status, self.message, self.reason = status, message, reason


class Visitor:
    """Truthy stand-in for ``request.auth`` when nobody signed in (reads are open)."""

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return "Visitor()"


def audit_refusal(request: HttpRequest, status: int, reason: str, **details: Any) -> None:
    """Write an ``api.refused`` event: who, where, which status and why."""
    record_event(
        "api.refused", request, status=status, reason=reason, method=request.method, **details
    )


def refuse(request: HttpRequest, status: int, message: str, reason: str, **details: Any):
    """Record the refusal in the audit log and raise it."""
    audit_refusal(request, status, reason, **details)
    raise ApiRefused(status, message, reason)


def _token_problem(text: str) -> tuple[str, str]:
    """(reason, message) for a token that ``authenticate_token`` turned down."""
    parts = text.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return "malformed_token", _("The token is malformed; expected 'nscap_<prefix>_<secret>'.")
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if token is None:
        return "unknown_token", _("The token is not known (check it was copied whole).")
    if not secrets.compare_digest(token.token_hash, _hash(parts[2])):
        return "unknown_token", _("The token is not known (check it was copied whole).")
    if token.revoked_at is not None:
        return "revoked_token", _("The token was revoked.")
    if not token.is_active:
        return "expired_token", _("The token has expired; create a new one.")
    return "inactive_user", _("The token's user account is deactivated.")


class BearerTokenAuth(AuthBase):
    """``Authorization: Bearer nscap_<prefix>_<secret>``; ``write`` asks for the write scope.

    Returns None when no Authorization header is sent, so the session is tried next.
    """

    openapi_type = "http"
    openapi_scheme = "bearer"
    openapi_bearerFormat = "nscap_<prefix>_<secret>"
    openapi_description = "An API token (`nscap token create`); read or write scope."

    def __init__(self, write: bool = False):
        super().__init__()
        self.write = write

    def __call__(self, request: HttpRequest) -> ApiToken | None:
        header = request.headers.get("Authorization")
        if header is None:
            return None
        scheme, _space, text = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not text.strip():
            refuse(
                request,
                401,
                _("The Authorization header must be 'Bearer nscap_<prefix>_<secret>'."),
                "bad_authorization_header",
            )
        token = authenticate_token(text.strip())
        if token is None:
            reason, message = _token_problem(text)
            refuse(request, 401, message, reason, token_prefix=_prefix_of(text))
        # The token's user is the caller for reads too, so visible_to shows what they may see.
        request.user = token.user
        request.api_token = token
        if self.write and request.method in UNSAFE_METHODS and token.scope != TokenScope.WRITE:
            refuse(
                request,
                403,
                _("This token has the read scope; writing needs a token with the write scope."),
                "read_scope_token",
                token_prefix=token.prefix,
            )
        return token


def _prefix_of(text: str) -> str:
    parts = text.strip().split("_", 2)
    return parts[1][:12] if len(parts) == 3 else ""


class SessionAuth(AuthBase):
    """The browser's signed-in session. ``optional``: visitors may pass (reads)."""

    openapi_type = "apiKey"
    openapi_in = "cookie"
    openapi_name = settings.SESSION_COOKIE_NAME
    openapi_description = "The web UI's session; unsafe methods need the CSRF token."

    def __init__(self, optional: bool = False):
        super().__init__()
        self.optional = optional

    def __call__(self, request: HttpRequest) -> Any:
        user = request.user
        if user.is_authenticated:
            if request.method in UNSAFE_METHODS and check_csrf(request) is not None:
                refuse(
                    request,
                    403,
                    _("CSRF check failed: send the X-CSRFToken header from the page's cookie."),
                    "csrf",
                )
            return user
        if self.optional:
            return Visitor()
        refuse(
            request,
            401,
            _("Sign in, or send 'Authorization: Bearer nscap_...' with an API token."),
            "not_signed_in",
        )
        return None  # unreachable: refuse() raises


def read_auth() -> list:
    """Reads: a token if one is sent, else the session, else a visitor."""
    return [BearerTokenAuth(), SessionAuth(optional=True)]


def signed_in_auth() -> list:
    """Reads that need an account (own changesets): a token or a session."""
    return [BearerTokenAuth(), SessionAuth()]


def write_auth() -> list:
    """Writes: a write-scope token, or a session with a valid CSRF token."""
    return [BearerTokenAuth(write=True), SessionAuth()]
