"""``nscap backup`` and ``nscap restore`` run as an operator runs them: in a subprocess, on
databases of their own (SQLite files in temporary directories; PostgreSQL scratch databases
on the server of DATABASE_URL, when the suite runs on PostgreSQL)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from nscap.interchange.tests.subprocess_db import nscap_command, nscap_env

SUITE_DATABASE = os.environ.get("DATABASE_URL", "")
needs_postgres = pytest.mark.skipif(
    not SUITE_DATABASE.startswith("postgres"),
    reason="the suite runs on SQLite (set DATABASE_URL=postgres://... to run these)",
)


def nscap(data_dir: Path, *args: str, database: str | None = None) -> subprocess.CompletedProcess:
    env = nscap_env(data_dir)
    if database:
        env["DATABASE_URL"] = database
    return subprocess.run(
        nscap_command(*args), env=env, capture_output=True, text=True, timeout=300
    )


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def refused(result: subprocess.CompletedProcess, message: str) -> None:
    assert result.returncode != 0
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def tables(data_dir: Path, tmp_path: Path, database: str | None = None) -> list[dict]:
    """Every table's name, row count and checksum, from a fresh portable dump."""
    path = tmp_path / f"check-{uuid.uuid4().hex}.jsonl"
    ok(nscap(data_dir, "backup", "--format", "jsonl", "-o", str(path), database=database))
    with path.open(encoding="utf-8") as source:
        header = json.loads(source.readline())
    return [{k: t[k] for k in ("table", "rows", "checksum")} for t in header["tables"]]


@pytest.fixture(scope="module")
def brief_registry(tmp_path_factory) -> tuple[Path, list[dict]]:
    """A SQLite registry holding the brief's data set, and its tables' checksums (built once)."""
    data_dir = tmp_path_factory.mktemp("brief")
    ok(nscap(data_dir, "migrate", "-v", "0"))
    ok(nscap(data_dir, "load-brief"))
    return data_dir, tables(data_dir, data_dir)


@pytest.fixture
def source_dir(brief_registry, tmp_path) -> Path:
    """A copy of that registry for one test."""
    data_dir = tmp_path / "source"
    shutil.copytree(brief_registry[0], data_dir, ignore=shutil.ignore_patterns("check-*"))
    return data_dir


@pytest.fixture
def source_tables(brief_registry) -> list[dict]:
    return brief_registry[1]


def test_sqlite_native_round_trip(source_dir, source_tables, tmp_path):
    backup = tmp_path / "registry.sqlite3"
    ok(nscap(source_dir, "backup", "-o", str(backup)))
    assert backup.stat().st_mode & 0o077 == 0
    target = tmp_path / "target"
    ok(nscap(target, "restore", str(backup)))
    assert tables(target, tmp_path) == source_tables
    refused(nscap(target, "restore", str(backup)), "not empty")
    ok(nscap(target, "restore", str(backup), "--force"))


def test_sqlite_portable_round_trip(source_dir, source_tables, tmp_path):
    dump = tmp_path / "registry.jsonl.gz"
    ok(nscap(source_dir, "backup", "--format", "jsonl", "-o", str(dump)))
    target = tmp_path / "target"
    refused(nscap(target, "restore", str(dump)), "run `nscap migrate` first")
    ok(nscap(target, "migrate", "-v", "0"))
    result = ok(nscap(target, "restore", str(dump)))
    assert "checksums verified" in result.stdout
    assert tables(target, tmp_path) == source_tables


def test_a_corrupted_sqlite_backup_is_refused_and_the_database_kept(
    source_dir, source_tables, tmp_path
):
    backup = tmp_path / "registry.sqlite3"
    ok(nscap(source_dir, "backup", "-o", str(backup)))
    data = bytearray(backup.read_bytes())
    data[8192:12288] = b"\xff" * 4096  # overwrite a page in the middle
    backup.write_bytes(bytes(data))
    refused(nscap(source_dir, "restore", str(backup), "--force"), "The database was not changed")
    assert tables(source_dir, tmp_path) == source_tables


def test_pg_dump_missing_is_a_clear_error(tmp_path):
    env = nscap_env(tmp_path)
    env.update(DATABASE_URL="postgres://nobody@127.0.0.1:1/none", PATH="/nonexistent")
    result = subprocess.run(
        nscap_command("backup", "-o", str(tmp_path / "x.pgdump")),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    refused(result, "pg_dump is not installed")
    assert not list(tmp_path.glob("x.pgdump*"))


@pytest.fixture
def scratch_postgres() -> Iterator[callable]:
    """Make empty PostgreSQL databases on the suite's server; dropped afterwards."""
    import psycopg
    from django.conf import settings

    server = settings.DATABASES["default"]
    made: list[str] = []
    params = {
        "host": server["HOST"] or "127.0.0.1",
        "port": server["PORT"] or 5432,
        "user": server["USER"],
        "password": server["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }

    def make() -> str:
        name = f"nscap_ops_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(**params) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        password = f":{params['password']}" if params["password"] else ""
        return f"postgres://{params['user']}{password}@{params['host']}:{params['port']}/{name}"

    yield make
    with psycopg.connect(**params) as admin:
        for name in made:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@needs_postgres
def test_sqlite_to_postgresql_through_the_portable_dump(
    source_dir, source_tables, tmp_path, scratch_postgres
):
    dump = tmp_path / "registry.jsonl"
    ok(nscap(source_dir, "backup", "--format", "jsonl", "-o", str(dump)))
    database = scratch_postgres()
    ok(nscap(tmp_path, "migrate", "-v", "0", database=database))
    ok(nscap(tmp_path, "restore", str(dump), database=database))
    assert tables(tmp_path, tmp_path, database) == source_tables
    # Sequences were reset: a new record gets a fresh id.
    code = (
        "from django.db.models import Max; from nscap.sources.models import Source; "
        "highest = Source.objects.aggregate(m=Max('pk'))['m']; "
        "print(highest, Source.objects.create(key='after-restore', title='t').pk)"
    )
    highest, created = ok(nscap(tmp_path, "shell", "-c", code, database=database)).stdout.split()[
        -2:
    ]
    assert int(created) > int(highest)
    # A SQLite backup does not restore into PostgreSQL; the message says what to use.
    native = tmp_path / "registry.sqlite3"
    ok(nscap(source_dir, "backup", "-o", str(native)))
    refused(nscap(tmp_path, "restore", str(native), database=database), "--format jsonl")


@needs_postgres
def test_postgresql_native_round_trip(tmp_path, scratch_postgres):
    source, target = scratch_postgres(), scratch_postgres()
    ok(nscap(tmp_path, "migrate", "-v", "0", database=source))
    ok(nscap(tmp_path, "load-brief", database=source))
    backup = tmp_path / "registry.pgdump"
    ok(nscap(tmp_path, "backup", "-o", str(backup), database=source))
    ok(nscap(tmp_path, "restore", str(backup), database=target))
    assert tables(tmp_path, tmp_path, target) == tables(tmp_path, tmp_path, source)
    refused(nscap(tmp_path, "restore", str(backup), database=target), "not empty")
    damaged = tmp_path / "damaged.pgdump"
    damaged.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    before = tables(tmp_path, tmp_path, target)
    refused(nscap(tmp_path, "restore", str(damaged), "--force", database=target), "pg_restore")
    assert tables(tmp_path, tmp_path, target) == before


DUMP_WHILE_WRITING = """
import sqlite3
from pathlib import Path
from django.conf import settings
from django.db import connection
from nscap.operations import portable
writes = []
def write_meanwhile(message):
    if not writes:
        other = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=2)
        other.execute("UPDATE sources_source SET title = 'Written during the dump'")
        other.commit()
        other.close()
        writes.append(message)
portable.dump(connection, Path({output!r}), progress=write_meanwhile)
print("wrote during the dump:", writes)
"""


def test_the_app_keeps_writing_during_a_sqlite_dump_which_reads_one_snapshot(
    source_dir, source_tables, tmp_path
):
    output = tmp_path / "during.jsonl"
    result = ok(nscap(source_dir, "shell", "-c", DUMP_WHILE_WRITING.format(output=str(output))))
    assert "wrote during the dump: ['accounts_affiliation" in result.stdout
    text = output.read_text(encoding="utf-8")
    assert "Written during the dump" not in text  # the dump is the moment it began
    assert tables(source_dir, tmp_path) != source_tables  # and the write did land
