"""The client's network address, for the sign-in lockout (django-axes) and the audit log.

Behind a reverse proxy every request reaches the app from the proxy's own address (127.0.0.1
behind the documented nginx), so counting failures by ``REMOTE_ADDR`` would put every user
behind one address: five wrong passwords from anywhere would lock a user out for everyone.
The proxy passes the address it saw in ``X-Forwarded-For``, but a client can send that header
too, so it is believed only as far as the operator says proxies stand in front of the app:

- ``NSCAP_TRUSTED_PROXIES = 0`` (the default): the header is ignored, ``REMOTE_ADDR`` is the
  client. A forged header changes nothing, so an attacker cannot rotate it to dodge the lockout.
- ``NSCAP_TRUSTED_PROXIES = N``: each trusted proxy appends the address it received the request
  from (nginx's ``$proxy_add_x_forwarded_for``), so the client is the N-th entry from the
  right. Entries left of it were written by the client and are never read.

django-axes reads this through ``AXES_CLIENT_IP_CALLABLE`` (its documented hook); the audit log
calls the same function, so the lockout and the log agree on who tried.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"


def trusted_proxies() -> int:
    """How many reverse proxies in front of the app append to ``X-Forwarded-For`` (0: none)."""
    return int(getattr(settings, "NSCAP_TRUSTED_PROXIES", 0) or 0)


def _address(text: str) -> str | None:
    """``text`` as a normalised IP address, or None when it is not one (a port or junk)."""
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from, believing only the trusted proxies' entries.

    Falls back to ``REMOTE_ADDR`` when no proxy is trusted, when the header is missing, or when
    the entry the trusted proxies wrote is not an IP address (a misconfigured proxy must not let
    junk through as an address). With fewer entries than trusted proxies, the leftmost is used:
    the request passed fewer proxies than configured, and the farthest one's entry is the best
    there is.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    count = trusted_proxies()
    header = request.META.get(FORWARDED_FOR, "")
    if count <= 0 or not header:
        return remote
    entries = [entry.strip() for entry in header.split(",") if entry.strip()]
    if not entries:
        return remote
    chosen = entries[-count] if len(entries) >= count else entries[0]
    return _address(chosen) or remote
