"""API tokens: created once (shown once), stored hashed, scoped, expiring, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from nscap.accounts.choices import TokenScope
from nscap.accounts.models import ApiToken

TOKEN_PREFIX = "nscap"  # noqa: S105 - a public marker, not a secret
DEFAULT_DAYS = 90


def _hash(secret: str) -> str:
    # The secret has 256 bits of entropy: a fast hash is enough, no key stretching needed.
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    user, name: str, scope: str = TokenScope.READ, days: int = DEFAULT_DAYS
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it and the full token text, which is never stored."""
    if scope not in TokenScope.values:
        raise ValueError(f"scope must be one of {', '.join(TokenScope.values)}")
    if not 1 <= days <= 366:
        raise ValueError("a token lives between 1 and 366 days")
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=prefix,
        token_hash=_hash(secret),
        scope=scope,
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, f"{TOKEN_PREFIX}_{prefix}_{secret}"


def authenticate_token(text: str) -> ApiToken | None:
    """The active token ``text`` names, or None (unknown, malformed, revoked or expired)."""
    parts = (text or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if token is None or not secrets.compare_digest(token.token_hash, _hash(parts[2])):
        return None
    if not token.is_active or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
