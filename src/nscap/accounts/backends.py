"""The sign-in lockout backend (django-axes) that leaves request-less authentication alone."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):
    """Refuse a locked-out user name and address before any password is checked.

    Sign-in over HTTP always passes the request, so it is always counted and locked out.
    ``authenticate()`` without a request (a management shell, ``Client.login`` in a test) has no
    address to count by; axes would raise there, so this backend steps aside and lets the next
    backend decide.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
