"""What a backup or a restore needs to know of a database: its tables, its migration state and
whether it already holds a registry."""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

# Tables that ``migrate`` fills by itself: a freshly migrated database has rows in them and is
# still empty as far as a restore is concerned (the restore replaces them).
FILLED_BY_MIGRATE = frozenset({"django_content_type", "auth_permission"})


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do instead."""


def dumped_models() -> list[type[models.Model]]:
    """Every table the project's models own (many-to-many tables included), once, by name."""
    by_table: dict[str, type[models.Model]] = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            by_table.setdefault(model._meta.db_table, model)
    return [by_table[name] for name in sorted(by_table)]


def existing_tables(connection: BaseDatabaseWrapper) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def tables_with_rows(connection: BaseDatabaseWrapper) -> list[str]:
    """The model tables that hold rows, other than those ``migrate`` fills by itself."""
    present = existing_tables(connection)
    quote = connection.ops.quote_name
    found = []
    with connection.cursor() as cursor:
        for model in dumped_models():
            table = model._meta.db_table
            if table in FILLED_BY_MIGRATE or table not in present:
                continue
            # The table name is a model's own, quoted.
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                found.append(table)
    return found


def refuse_non_empty(connection: BaseDatabaseWrapper, force: bool) -> None:
    """Stop a restore that would overwrite a registry, unless the operator said ``--force``."""
    if force:
        return
    full = tables_with_rows(connection)
    if full:
        shown = ", ".join(full[:5]) + (f" and {len(full) - 5} more" if len(full) > 5 else "")
        raise BackupError(
            f"The target database is not empty ({shown} hold rows). Restore into an empty "
            "database, or pass --force to replace what it holds."
        )


def applied_migrations(connection: BaseDatabaseWrapper) -> dict[str, list[str]]:
    """The migrations applied to this database, by app (empty when it was never migrated)."""
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return {}
    applied: dict[str, list[str]] = {}
    for app_label, name in recorder.applied_migrations():
        applied.setdefault(app_label, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def known_migrations() -> set[tuple[str, str]]:
    """Every migration this version of nscap ships (app label, name)."""
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def migration_differences(dump: dict[str, list[str]], target: dict[str, list[str]]) -> list[str]:
    """Human-readable differences between two migration states (empty when they agree)."""
    differences = []
    for app in sorted(set(dump) | set(target)):
        missing = sorted(set(dump.get(app, [])) - set(target.get(app, [])))
        extra = sorted(set(target.get(app, [])) - set(dump.get(app, [])))
        if missing:
            differences.append(f"{app}: the database lacks {', '.join(missing)}")
        if extra:
            differences.append(f"{app}: the dump predates {', '.join(extra)}")
    return differences


def unknown_migrations(applied: dict[str, list[str]]) -> list[str]:
    """Applied migrations this version of nscap does not know (a backup from a newer version)."""
    known = known_migrations()
    return [
        f"{app}.{name}"
        for app, names in applied.items()
        for name in names
        if (app, name) not in known
    ]
