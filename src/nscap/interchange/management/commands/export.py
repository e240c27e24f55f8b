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
        binary = options["format"] == "xlsx" or (options["format"] == "csv" and not options["type"])
        if binary and not options["output"]:
            raise CommandError("Binary output: name a file with -o.")
        try:
            exporter.check_request(options["format"], options["type"])
            if options["output"]:
                # Written record by record (a large export never sits in memory whole), to a
                # ".part" file renamed when complete: a failed export leaves no half a file.
                target = Path(options["output"])
                part = target.with_name(target.name + ".part")
                try:
                    with part.open("wb") as out:
                        exporter.export_to(out, user, options["format"], options["type"])
                    part.replace(target)
                finally:
                    part.unlink(missing_ok=True)
                self.stderr.write(f"Wrote {target} ({target.stat().st_size} bytes)")
            else:
                exporter.export_to(sys.stdout.buffer, user, options["format"], options["type"])
                sys.stdout.flush()
        except exporter.ExportError as exc:
            raise CommandError(str(exc)) from exc
