"""``nscap restore FILE [--force]``: replace the database with a backup or a portable dump."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from nscap.operations import native, portable
from nscap.operations.state import BackupError


class Command(BaseCommand):
    help = (
        "Restore a backup made by `nscap backup` (its kind is read from the file). Refuses a "
        "database that holds data unless --force; loads all or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--force", action="store_true", help="Replace what the database holds")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias")

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        connection = connections[options["database"]]
        started = time.perf_counter()
        try:
            magic = native.head(path)
            if magic.startswith(portable.GZIP_MAGIC) or magic.lstrip()[:1] == b"{":
                header = portable.restore(connection, path, options["force"], self.note)
                rows = sum(table["rows"] for table in header["tables"])
                summary = f"{rows} rows in {len(header['tables'])} tables, checksums verified"
            else:
                native.restore(connection, path, options["force"], self.note)
                summary = f"{connection.vendor} native backup"
        except BackupError as exc:
            raise CommandError(f"{exc} The database was not changed.") from exc
        seconds = time.perf_counter() - started
        self.stdout.write(f"Restored {path} ({summary}, {seconds:.1f} s)")

    def note(self, message: str) -> None:
        if self.verbosity > 1:
            self.stderr.write(message)
