"""Native backups: the database's own format, fastest, restorable only into the same kind.

SQLite uses the online backup API (a consistent copy while the app keeps running); PostgreSQL
uses ``pg_dump -Fc`` and ``pg_restore --single-transaction`` (all or nothing). Like the portable
dump, a native backup is the whole database: protect the file.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

from django.db.backends.base.base import BaseDatabaseWrapper

from nscap.operations.state import BackupError, refuse_non_empty, unknown_migrations

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
Progress = Callable[[str], None]


def _partial(output: Path) -> Path:
    partial = output.with_name(output.name + ".partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)
    return partial


def backup(connection: BaseDatabaseWrapper, output: Path) -> None:
    """Write a native backup of the database to ``output`` (replaced in one rename at the end)."""
    partial = _partial(output)
    try:
        if connection.vendor == "sqlite":
            _sqlite_backup(connection, partial)
        elif connection.vendor == "postgresql":
            dump_command = ["pg_dump", "-Fc", "--no-owner", "--no-privileges", "-f", str(partial)]
            _run(dump_command, connection)
        else:
            raise BackupError(f"No native backup for {connection.vendor}; use --format jsonl.")
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, output)


def _sqlite_backup(connection: BaseDatabaseWrapper, partial: Path) -> None:
    connection.ensure_connection()
    target = sqlite3.connect(partial)
    try:
        # One step (pages=-1): the copy is one consistent snapshot even while others write.
        connection.connection.backup(target)
    finally:
        target.close()


def restore(
    connection: BaseDatabaseWrapper, path: Path, force: bool = False, progress: Progress = print
) -> None:
    """Replace the database with a native backup of the same kind, all or nothing."""
    magic = head(path)
    if magic.startswith(SQLITE_MAGIC):
        if connection.vendor != "sqlite":
            raise BackupError(
                f"{path} is a SQLite backup and this database is {connection.vendor}: move a "
                "registry between kinds of database with a portable dump (--format jsonl)."
            )
        _sqlite_check(path)
        refuse_non_empty(connection, force)
        _sqlite_restore(connection, path)
    elif magic.startswith(PG_MAGIC):
        if connection.vendor != "postgresql":
            raise BackupError(
                f"{path} is a PostgreSQL backup and this database is {connection.vendor}: move a "
                "registry between kinds of database with a portable dump (--format jsonl)."
            )
        _pg_check(connection, path)
        refuse_non_empty(connection, force)
        connection.close()  # pg_restore drops and recreates tables: hold no session open
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--clean",
                "--if-exists",
                "-d",
                connection.settings_dict["NAME"],
                str(path),
            ],
            connection,
        )
    else:
        raise BackupError(f"{path} is not an nscap backup (neither SQLite, pg_dump nor JSONL).")
    progress("restored")


def head(path: Path) -> bytes:
    with path.open("rb") as source:
        return source.read(16)


def _check_applied(path: Path, applied: dict[str, list[str]]) -> None:
    if not applied:
        raise BackupError(f"{path} holds no nscap database (no migrations table).")
    unknown = unknown_migrations(applied)
    if unknown:
        raise BackupError(
            f"{path} comes from a newer nscap (unknown migrations: {', '.join(unknown[:5])}). "
            "Restore it with that version."
        )


def _sqlite_check(path: Path) -> None:
    """The file opens, passes SQLite's quick check and holds migrations this nscap knows."""
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            status = source.execute("PRAGMA quick_check").fetchone()[0]
            rows = source.execute("SELECT app, name FROM django_migrations").fetchall()
        finally:
            source.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not a usable SQLite backup ({exc}).") from exc
    if status != "ok":
        raise BackupError(f"{path}: the SQLite file is damaged ({status}).")
    applied: dict[str, list[str]] = {}
    for app, name in rows:
        applied.setdefault(app, []).append(name)
    _check_applied(path, applied)


def _sqlite_restore(connection: BaseDatabaseWrapper, path: Path) -> None:
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError("Cannot restore a SQLite backup inside a transaction.")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        # The backup API copies page by page under one write lock: all or nothing.
        source.backup(connection.connection)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: restoring failed ({exc}).") from exc
    finally:
        source.close()


def _pg_check(connection: BaseDatabaseWrapper, path: Path) -> None:
    """The archive lists, and its migrations table holds migrations this nscap knows."""
    listing = _run(["pg_restore", "--list", str(path)], connection)
    if "TABLE DATA public django_migrations" not in listing:
        raise BackupError(f"{path} holds no nscap database (no migrations table).")
    data = _run(
        ["pg_restore", "--data-only", "--table", "django_migrations", "-f", "-", str(path)],
        connection,
    )
    applied: dict[str, list[str]] = {}
    in_copy = False
    for line in data.splitlines():
        if line.startswith("COPY "):
            in_copy = True
        elif line == "\\.":
            in_copy = False
        elif in_copy:
            _id, app, name, _at = line.split("\t")
            applied.setdefault(app, []).append(name)
    _check_applied(path, applied)


def _pg_environment(connection: BaseDatabaseWrapper) -> dict[str, str]:
    settings = connection.settings_dict
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings.get(key):
            env[variable] = str(settings[key])
    return env


def _run(command: list[str], connection: BaseDatabaseWrapper) -> str:
    """Run a PostgreSQL client program; a clear error if it is missing or fails."""
    program = shutil.which(command[0])
    if program is None:
        raise BackupError(
            f"{command[0]} is not installed; install the PostgreSQL client programs "
            "(Debian: apt-get install postgresql-client) or use --format jsonl."
        )
    result = subprocess.run(  # noqa: S603 - a fixed program, arguments are ours
        [program, *command[1:]],
        env=_pg_environment(connection),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        message = re.sub(r"\s+", " ", result.stderr.strip())[:500]
        raise BackupError(f"{command[0]} failed: {message}")
    return result.stdout
