"""The portable dump, in process on the suite's database (SQLite or PostgreSQL, whichever runs):
round trip with checksums, sequences, and every kind of bad input refused with the database
left as it was."""

from __future__ import annotations

import gzip
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from nscap.core.choices import Sensitivity
from nscap.operations import portable
from nscap.operations.state import BackupError, dumped_models
from nscap.sources.models import Source
from nscap.testing.factories import make_institution, make_quantity
from nscap.testing.roles import PASSWORD, make_user


def database_state() -> dict[str, dict]:
    """Row count and checksum of every table, as the database holds it now."""
    return {m._meta.db_table: portable.table_summary(m) for m in dumped_models()}


@pytest.fixture
def registry(db):
    """The brief's data set plus a restricted record, a decimal figure and a user."""
    call_command("load_brief", verbosity=0)
    secret = make_institution(key="secret-centre", sensitivity=Sensitivity.RESTRICTED)
    make_quantity(key="decimal-figure", value=Decimal("1234.5"))
    make_user("restore-steward", institution=secret, steward=True)


@pytest.fixture
def dump_file(registry, tmp_path) -> Path:
    path = tmp_path / "registry.jsonl"
    portable.dump(connection, path, progress=lambda _: None)
    return path


def rewrite(path: Path, number: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[number - 1] = text + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def first_row_line(path: Path, table: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines.index(json.dumps({"table": table}, separators=(",", ":"))) + 2


def test_header_lists_every_table_with_counts_and_checksums(dump_file):
    header = portable.read_header(dump_file)
    assert header["format"] == portable.FORMAT
    assert header["vendor"] == connection.vendor
    assert "activities" in header["migrations"]
    tables = {t["table"]: t for t in header["tables"]}
    assert set(tables) == {m._meta.db_table for m in dumped_models()}
    assert tables["institutions_institution"]["rows"] >= 8
    assert {
        t["table"]: {"rows": t["rows"], "checksum": t["checksum"]} for t in header["tables"]
    } == (database_state())
    assert dump_file.stat().st_mode & 0o077 == 0  # it holds restricted records and hashes


def test_round_trip_restores_every_row_and_the_checksums_agree(dump_file):
    before = database_state()
    Source.objects.create(key="added-after-the-dump", title="Added after the dump")
    call_command("restore", str(dump_file), force=True, verbosity=0)
    assert database_state() == before
    assert not Source.objects.filter(key="added-after-the-dump").exists()
    from nscap.quantities.models import Quantity

    assert Quantity.objects.get(key="decimal-figure").value == Decimal("1234.5")
    assert get_user_model().objects.get(username="restore-steward").check_password(PASSWORD)


def test_gzip_dump_round_trips(registry, tmp_path):
    path = tmp_path / "registry.jsonl.gz"
    call_command("backup", format="jsonl", output=str(path), verbosity=0)
    with gzip.open(path, "rt", encoding="utf-8") as source:
        assert json.loads(source.readline())["format"] == portable.FORMAT
    before = database_state()
    call_command("restore", str(path), force=True, verbosity=0)
    assert database_state() == before


def test_a_new_record_after_restore_gets_a_fresh_id(dump_file):
    highest = Source.objects.order_by("-pk").values_list("pk", flat=True).first()
    call_command("restore", str(dump_file), force=True, verbosity=0)
    # The restore empties the tables and restarts their id sequences before loading; a
    # sequence not reset afterwards would hand out an id that is taken.
    created = Source.objects.create(key="after-restore", title="After restore")
    assert created.pk > highest


def test_a_database_holding_data_is_refused_without_force(dump_file):
    before = database_state()
    with pytest.raises(CommandError, match="not empty.*--force"):
        call_command("restore", str(dump_file), verbosity=0)
    assert database_state() == before


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("{not json", r"line {n}: not valid JSON"),
        ('["too", "few"]', r"line {n}: 2 values, but table institutions_institution has"),
        ("42", r"line {n}: neither a row nor a table start"),
    ],
)
def test_a_corrupted_line_is_named_and_nothing_is_restored(dump_file, damage, message):
    number = first_row_line(dump_file, "institutions_institution")
    rewrite(dump_file, number, damage)
    Source.objects.create(key="kept", title="Kept")
    before = database_state()
    with pytest.raises(BackupError, match=message.format(n=number)):
        portable.restore(connection, dump_file, force=True, progress=lambda _: None)
    assert database_state() == before


def test_a_changed_value_fails_the_checksum_and_nothing_is_restored(dump_file):
    number = first_row_line(dump_file, "institutions_institution")
    row = json.loads(dump_file.read_text(encoding="utf-8").splitlines()[number - 1])
    spec = next(
        t
        for t in portable.read_header(dump_file)["tables"]
        if t["table"] == "institutions_institution"
    )
    row[spec["columns"].index("name")] += " (edited)"
    rewrite(dump_file, number, json.dumps(row, ensure_ascii=False))
    before = database_state()
    with pytest.raises(CommandError, match="institutions_institution.*checksum.*damaged"):
        call_command("restore", str(dump_file), force=True, verbosity=0)
    assert database_state() == before


def test_a_truncated_dump_is_refused(dump_file):
    lines = dump_file.read_text(encoding="utf-8").splitlines(keepends=True)
    dump_file.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    before = database_state()
    with pytest.raises(CommandError, match="damaged|ends early"):
        call_command("restore", str(dump_file), force=True, verbosity=0)
    assert database_state() == before


def test_a_dump_at_other_migrations_is_refused(dump_file):
    lines = dump_file.read_text(encoding="utf-8").splitlines(keepends=True)
    header = json.loads(lines[0])
    header["migrations"]["activities"].append("9999_from_the_future")
    lines[0] = json.dumps(header) + "\n"
    dump_file.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(CommandError, match="different migrations.*9999_from_the_future"):
        call_command("restore", str(dump_file), force=True, verbosity=0)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"key,title\ninsa,INSA\n", "not an nscap backup"),
        (b'{"format": "something-else"}\n', "not an nscap portable dump"),
        (b'{"format": "nscap-portable-dump", "version": 99}\n', "version 99"),
        (b"\x1f\x8b\x08 not really gzip", "cannot read it|damaged"),
        (b"", "not an nscap backup"),
    ],
)
def test_a_file_that_is_not_a_dump_is_refused(db, tmp_path, content, message):
    path = tmp_path / "input"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), force=True, verbosity=0)


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "nowhere.jsonl"), verbosity=0)


def test_backup_into_a_missing_directory_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="not a directory"):
        call_command("backup", output=str(tmp_path / "no" / "dir.jsonl"), verbosity=0)
