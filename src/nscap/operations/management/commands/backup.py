"""``nscap backup [--format native|jsonl] [-o FILE]``: back up the whole database."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from nscap.operations import native, portable
from nscap.operations.state import BackupError

SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}


class Command(BaseCommand):
    help = (
        "Back up the whole database: native (SQLite online backup or pg_dump -Fc), or a "
        "portable JSON Lines dump (--format jsonl; .gz compresses) that restores into SQLite "
        "or PostgreSQL. The file holds restricted records and password hashes: protect it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["native", "jsonl"], default="native")
        parser.add_argument("-o", "--output", help="File to write (default: a dated name here)")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias")

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        connection = connections[options["database"]]
        output = Path(options["output"] or self.default_name(options["format"], connection.vendor))
        if not output.parent.is_dir():
            raise CommandError(f"{output.parent} is not a directory.")
        started = time.perf_counter()
        try:
            if options["format"] == "jsonl":
                header = portable.dump(connection, output, progress=self.note)
                rows = sum(table["rows"] for table in header["tables"])
                summary = f"{rows} rows in {len(header['tables'])} tables"
            else:
                native.backup(connection, output)
                summary = f"{connection.vendor} native backup"
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Wrote {output} ({summary}, {output.stat().st_size} bytes, {seconds:.1f} s)"
        )

    def note(self, message: str) -> None:
        if self.verbosity > 1:
            self.stderr.write(message)

    @staticmethod
    def default_name(fmt: str, vendor: str) -> str:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        suffix = ".jsonl.gz" if fmt == "jsonl" else SUFFIXES.get(vendor, ".backup")
        return f"nscap-{stamp}{suffix}"
