"""``nscap export --format csv|xlsx|jsonl|jsonld [--type T] [--user U] [-o FILE]``.

Exports what USER may see (without --user: what a visitor sees, i.e. public records only).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nscap.interchange import exporter


class Command(BaseCommand):
    help = "Export every record USER may see (a visitor's view without --user)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=list(exporter.FORMATS), default="jsonl")
        parser.add_argument(
            "--type", choices=exporter.table_names(), help="Only this record type (or table)"
        )
        parser.add_argument("--user", help="Export what this user may see")
        parser.add_argument("-o", "--output", help="File to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        user: Any = AnonymousUser()
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']!r}.")
            if not user.is_active:
                raise CommandError(f"User {user.username!r} is deactivated.")
        try:
            content, _type, filename = exporter.export(user, options["format"], options["type"])
        except exporter.ExportError as exc:
            raise CommandError(str(exc)) from exc
        if options["output"]:
            Path(options["output"]).write_bytes(content)
            self.stderr.write(f"Wrote {options['output']} ({len(content)} bytes)")
        elif options["format"] in ("xlsx",) or filename.endswith(".zip"):
            raise CommandError("Binary output: name a file with -o.")
        else:
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
