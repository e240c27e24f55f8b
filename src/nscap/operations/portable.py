"""The portable dump: every table as JSON Lines, readable by any database nscap runs on.

A dump is one header line, then for each table a line ``{"table": NAME}`` followed by one JSON
array per row (the columns in the order the header lists). The header carries the format
version, the migration state of every app, and per table the row count and a checksum.

The checksum of a table is order-independent: the sum, modulo 2**128, of a 128-bit BLAKE2b
hash of each row's canonical JSON (the same text the row line holds). Rows written by SQLite
and read back from PostgreSQL (or the reverse) give the same canonical text, so the restore
checks the rows it reads against the header, and once loaded checks the database itself.

The dump is of the database, not of what a user may see: it holds restricted records and the
accounts' password hashes, and is written with mode 600. Restoring is not a change to the
registry's records but the replacement of the whole database, history included, so it does not
go through the changeset services.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import shutil
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import DatabaseError, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.duration import duration_iso_string

from nscap.operations.state import (
    BackupError,
    applied_migrations,
    dumped_models,
    existing_tables,
    migration_differences,
    refuse_non_empty,
)

FORMAT = "nscap-portable-dump"
VERSION = 1
BATCH = 2000
GZIP_MAGIC = b"\x1f\x8b"
Progress = Callable[[str], None]


def _json_value(value: Any) -> Any:
    """A database value as JSON: the canonical form both databases give back alike."""
    if value is None or isinstance(value, bool | int | float | str | dict | list):
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, timedelta):
        return duration_iso_string(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot dump a value of type {type(value).__name__}")


def canonical(values: list[Any]) -> str:
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class Checksum:
    """Order-independent checksum of a table's rows (a sum of per-row hashes)."""

    def __init__(self) -> None:
        self.total = 0
        self.rows = 0

    def add(self, line: str) -> None:
        digest = hashlib.blake2b(line.encode("utf-8"), digest_size=16).digest()
        self.total = (self.total + int.from_bytes(digest, "big")) % (1 << 128)
        self.rows += 1

    def hexdigest(self) -> str:
        return f"{self.total:032x}"


def columns(model: type[models.Model]) -> list[models.Field]:
    return list(model._meta.concrete_fields)


def table_lines(model: type[models.Model]) -> Iterator[str]:
    """The canonical JSON line of every row of the model's table, by primary key."""
    fields = columns(model)
    rows = (
        model._base_manager.order_by("pk")
        .values_list(*(f.attname for f in fields))
        .iterator(chunk_size=BATCH)
    )
    for row in rows:
        yield canonical([_json_value(v) for v in row])


def table_summary(model: type[models.Model]) -> dict[str, Any]:
    checksum = Checksum()
    for line in table_lines(model):
        checksum.add(line)
    return {"rows": checksum.rows, "checksum": checksum.hexdigest()}


@contextmanager
def _snapshot(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """One transaction for the whole dump, so that every table is read at the same moment.

    On SQLite a deferred read transaction: in WAL mode it reads one snapshot without taking
    the write lock, so the app keeps writing during the dump (``atomic()`` would begin an
    IMMEDIATE transaction, as settings ask for writes, and block every writer meanwhile).
    """
    outermost = not connection.in_atomic_block
    if connection.vendor == "sqlite" and outermost:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")  # nothing was written: this ends the read snapshot
        return
    with transaction.atomic(using=connection.alias):
        # Only the first statement of a transaction may set its isolation level.
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _open_text(path: Path, mode: str, compressed: bool | None = None) -> IO[str]:
    """A dump file as text; gzip-compressed when asked, or (reading) when it starts as gzip."""
    if compressed is None:
        with path.open("rb") as raw:
            compressed = raw.read(2) == GZIP_MAGIC
    if compressed:
        return gzip.open(path, mode + "t", encoding="utf-8", compresslevel=6)
    return path.open(mode, encoding="utf-8")


def dump(connection: BaseDatabaseWrapper, output: Path, progress: Progress = print) -> dict:
    """Write every table to ``output`` (gzip-compressed when its name ends in .gz).

    The rows go to a temporary file first (the header, written first, needs their counts and
    checksums); the finished dump then replaces ``output`` in one rename.
    """
    output = output.resolve()
    tables = []
    with (
        tempfile.TemporaryFile("w+", encoding="utf-8", dir=output.parent) as body,
        _snapshot(connection),
    ):
        migrations = applied_migrations(connection)
        for model in dumped_models():
            checksum = Checksum()
            body.write(canonical_header_line({"table": model._meta.db_table}))
            for line in table_lines(model):
                checksum.add(line)
                body.write(line + "\n")
            tables.append(
                {
                    "table": model._meta.db_table,
                    "model": model._meta.label_lower,
                    "columns": [f.column for f in columns(model)],
                    "rows": checksum.rows,
                    "checksum": checksum.hexdigest(),
                }
            )
            progress(f"{model._meta.db_table}: {checksum.rows} rows")
        header = {
            "format": FORMAT,
            "version": VERSION,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "vendor": connection.vendor,
            "migrations": migrations,
            "tables": tables,
        }
        body.seek(0)
        partial = output.with_name(output.name + ".partial")
        partial.unlink(missing_ok=True)
        partial.touch(mode=0o600)
        try:
            with _open_text(partial, "w", compressed=output.suffix == ".gz") as out:
                out.write(canonical_header_line(header))
                shutil.copyfileobj(body, out, 1 << 20)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    os.replace(partial, output)
    return header


def canonical_header_line(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


# --- restore ---------------------------------------------------------------------------------


# Column types dumped as text that the driver wants back as Python objects.
PARSED_TYPES = frozenset(
    {"DateTimeField", "DateField", "TimeField", "DecimalField", "DurationField", "UUIDField"}
)


def _loader(field: models.Field, connection: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    """Turn a dumped JSON value back into what the database driver takes for this column."""
    internal = field.get_internal_type()
    if internal == "JSONField":
        return lambda v: field.get_db_prep_save(v, connection)
    if internal == "BinaryField":
        return lambda v: None if v is None else base64.b64decode(v)
    if isinstance(field, models.ForeignKey):
        field = field.target_field
        internal = field.get_internal_type()
    if internal in PARSED_TYPES:
        return lambda v: (
            None if v is None else field.get_db_prep_save(field.to_python(v), connection)
        )
    return lambda v: v


def read_header(path: Path) -> dict:
    """The header line of a portable dump, checked; a clear error if the file is not one."""
    try:
        with _open_text(path, "r") as source:
            first = source.readline()
    except (OSError, UnicodeDecodeError, EOFError, zlib.error) as exc:
        raise BackupError(f"{path}: cannot read it as a portable dump ({exc}).") from exc
    try:
        header = json.loads(first)
    except json.JSONDecodeError as exc:
        raise BackupError(f"{path}, line 1: not a portable dump header ({exc.msg}).") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(f"{path}, line 1: not an nscap portable dump header.")
    if header.get("version") != VERSION:
        raise BackupError(
            f"{path}: dump format version {header.get('version')!r}; this nscap reads {VERSION}."
        )
    for key in ("migrations", "tables"):
        if key not in header:
            raise BackupError(f"{path}, line 1: the header has no {key!r}.")
    return header


class _Table:
    """A table being loaded: its insert statement, value loaders and running checksum."""

    def __init__(self, spec: dict, model: type[models.Model], connection: BaseDatabaseWrapper):
        self.spec = spec
        self.model = model
        self.connection = connection
        fields = columns(model)
        self.loaders = [_loader(f, connection) for f in fields]
        quote = connection.ops.quote_name
        self.names = ", ".join(quote(f.column) for f in fields)
        self.qualified = quote(model._meta.db_table)
        self.checksum = Checksum()
        self.batch: list[list[Any]] = []
        self.first_line = 0

    def add(self, values: list[Any], line_number: int, line: str) -> None:
        if len(values) != len(self.loaders):
            raise BackupError(
                f"line {line_number}: {len(values)} values, but table "
                f"{self.spec['table']} has {len(self.loaders)} columns."
            )
        self.checksum.add(line)
        if not self.batch:
            self.first_line = line_number
        try:
            self.batch.append([load(v) for load, v in zip(self.loaders, values, strict=True)])
        except (ValueError, TypeError, ValidationError) as exc:
            raise BackupError(f"line {line_number}: a value does not fit ({exc}).") from exc
        if len(self.batch) >= BATCH:
            self.flush(line_number)

    def flush(self, line_number: int) -> None:
        if not self.batch:
            return
        try:
            with self.connection.cursor() as cursor:
                if self.connection.vendor == "postgresql":
                    # COPY is several times faster than INSERT for a whole table.
                    copy_sql = f"COPY {self.qualified} ({self.names}) FROM STDIN"
                    with cursor.cursor.copy(copy_sql) as copy:
                        for row in self.batch:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(self.loaders))
                    # Names are the models' own, quoted; the values go as parameters.
                    insert = f"INSERT INTO {self.qualified} ({self.names}) VALUES ({marks})"  # noqa: S608
                    cursor.executemany(insert, self.batch)
        except DatabaseError as exc:
            raise BackupError(
                f"lines {self.first_line}-{line_number} (table {self.spec['table']}): "
                f"the database refused them ({exc})."
            ) from exc
        self.batch = []

    def finish(self, line_number: int) -> None:
        self.flush(line_number)
        expected = (self.spec.get("rows"), self.spec.get("checksum"))
        if (self.checksum.rows, self.checksum.hexdigest()) != expected:
            raise BackupError(
                f"table {self.spec['table']}: the dump holds {self.checksum.rows} rows with "
                f"checksum {self.checksum.hexdigest()}, its header says {expected[0]} rows with "
                f"checksum {expected[1]}. The file is damaged."
            )


def _check_target(header: dict, connection: BaseDatabaseWrapper) -> dict[str, type]:
    models_by_table = {m._meta.db_table: m for m in dumped_models()}
    target = applied_migrations(connection)
    if not target:
        raise BackupError(
            "The target database has no tables yet: run `nscap migrate` first, then restore."
        )
    differences = migration_differences(header["migrations"], target)
    if differences:
        raise BackupError(
            "The dump and this database are at different migrations ("
            + "; ".join(differences)
            + "). Restore with the nscap version that made the dump, or migrate this database "
            "to the dump's state first (`nscap migrate APP MIGRATION`)."
        )
    present = existing_tables(connection)
    for spec in header["tables"]:
        model = models_by_table.get(spec.get("table"))
        if model is None or spec["table"] not in present:
            raise BackupError(f"The dump's table {spec.get('table')!r} is not in this database.")
        wanted = [f.column for f in columns(model)]
        if spec.get("columns") != wanted:
            raise BackupError(
                f"table {spec['table']}: the dump has columns {spec.get('columns')}, "
                f"this database {wanted}."
            )
    return models_by_table


def _rows(path: Path) -> Iterator[tuple[int, Any, str]]:
    """(line number, parsed JSON, canonical text) of every line after the header."""
    try:
        with _open_text(path, "r") as source:
            source.readline()
            for number, raw in enumerate(source, start=2):
                try:
                    value = json.loads(raw)
                except json.JSONDecodeError as exc:
                    raise BackupError(f"line {number}: not valid JSON ({exc.msg}).") from exc
                yield number, value, canonical(value) if isinstance(value, list) else ""
    except (OSError, UnicodeDecodeError, EOFError, zlib.error) as exc:
        raise BackupError(f"{path}: the file is damaged ({exc}).") from exc


def restore(
    connection: BaseDatabaseWrapper, path: Path, force: bool = False, progress: Progress = print
) -> dict:
    """Load a portable dump into this database in one transaction: all of it or nothing.

    Refuses a database that holds a registry unless ``force``; checks the migration state,
    each table's row count and checksum as it reads, and once loaded the checksum of what the
    database itself holds; resets PostgreSQL's id sequences.
    """
    header = read_header(path)
    models_by_table = _check_target(header, connection)
    refuse_non_empty(connection, force)
    specs = {spec["table"]: spec for spec in header["tables"]}
    loaded_models = [models_by_table[name] for name in specs]
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # TRUNCATE refuses tables with foreign-key checks still pending in this
                # transaction (an enclosing one, as in tests): run those checks first.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for statement in connection.ops.sql_flush(
                no_style(), list(specs), reset_sequences=True
            ):
                cursor.execute(statement)
        current: _Table | None = None
        seen: set[str] = set()
        last = 1
        for number, value, line in _rows(path):
            last = number
            if isinstance(value, dict) and set(value) == {"table"}:
                if current:
                    current.finish(number - 1)
                    progress(f"{current.spec['table']}: {current.checksum.rows} rows")
                name = value["table"]
                if name not in specs or name in seen:
                    raise BackupError(f"line {number}: unexpected table {name!r}.")
                seen.add(name)
                current = _Table(specs[name], models_by_table[name], connection)
            elif isinstance(value, list) and current is not None:
                current.add(value, number, line)
            else:
                raise BackupError(f"line {number}: neither a row nor a table start.")
        if current:
            current.finish(last)
            progress(f"{current.spec['table']}: {current.checksum.rows} rows")
        missing = sorted(set(specs) - seen)
        if missing:
            raise BackupError(f"The dump ends early: no rows for {', '.join(missing)}.")
        _after_load(connection, loaded_models, specs, progress)
    return header


def _after_load(
    connection: BaseDatabaseWrapper,
    loaded_models: list[type[models.Model]],
    specs: dict[str, dict],
    progress: Progress,
) -> None:
    """Check references, reset id sequences and verify what the database now holds."""
    try:
        connection.check_constraints(table_names=list(specs))
    except DatabaseError as exc:
        raise BackupError(f"The dump's references do not hold together ({exc}).") from exc
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), loaded_models):
            cursor.execute(statement)
    for model in loaded_models:
        spec = specs[model._meta.db_table]
        found = table_summary(model)
        if (found["rows"], found["checksum"]) != (spec["rows"], spec["checksum"]):
            raise BackupError(
                f"table {spec['table']}: after loading, the database holds {found['rows']} "
                f"rows with checksum {found['checksum']}, not {spec['rows']} with "
                f"{spec['checksum']}."
            )
    progress("checksums verified")
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
