"""``nscap token create|list|revoke``: API tokens from the command line.

The full token is printed once, at creation; only its prefix and a hash are stored.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nscap.accounts.choices import TokenScope
from nscap.accounts.models import ApiToken
from nscap.accounts.tokens import DEFAULT_DAYS, create_token, revoke_token


def _state(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if not token.is_active:
        return "expired"
    return "active"


class Command(BaseCommand):
    help = "Create, list or revoke API tokens (the token text is shown once, at creation)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a token for USER and print it once.")
        create.add_argument("user", help="User name")
        create.add_argument("--name", required=True, help="What the token is for")
        create.add_argument("--scope", choices=TokenScope.values, default=TokenScope.READ)
        create.add_argument("--days", type=int, default=DEFAULT_DAYS, help="Lifetime (1-366)")
        listing = actions.add_parser("list", help="List tokens: prefix, user, scope, expiry.")
        listing.add_argument("--user", help="Only this user's tokens")
        revoke = actions.add_parser("revoke", help="Revoke the token with PREFIX.")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _create(self, options: dict) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user named {options['user']!r}.")
        if not user.is_active:
            raise CommandError(f"User {user.username!r} is deactivated.")
        try:
            token, text = create_token(user, options["name"], options["scope"], options["days"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(text)
        self.stderr.write(
            f"Token {token.prefix} ({token.scope}) for {user.username}, expires "
            f"{token.expires_at:%Y-%m-%d}. Copy it now: it is not shown again."
        )

    def _list(self, options: dict) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
        if options.get("user"):
            tokens = tokens.filter(user__username=options["user"])
        self.stdout.write(f"{'prefix':<10} {'user':<20} {'scope':<6} {'expires':<11} state  name")
        for token in tokens:
            self.stdout.write(
                f"{token.prefix:<10} {token.user.username:<20} {token.scope:<6} "
                f"{token.expires_at:%Y-%m-%d}  {_state(token):<6} {token.name}"
            )

    def _revoke(self, options: dict) -> None:
        token = ApiToken.objects.filter(prefix=options["prefix"]).first()
        if token is None:
            raise CommandError(f"No token with prefix {options['prefix']!r}.")
        already = token.revoked_at is not None
        revoke_token(token)
        self.stdout.write(
            f"Token {token.prefix} was already revoked." if already else f"Revoked {token.prefix}."
        )
