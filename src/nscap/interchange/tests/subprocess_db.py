"""Helpers for tests and benchmarks that run ``nscap`` in a subprocess on a file-based SQLite
database of their own (never the suite's database, never DATABASE_URL)."""

from __future__ import annotations

import csv
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

SETUP = """
from nscap.testing.factories import make_institution
from nscap.testing.roles import make_user
insa = make_institution(key="insa", name="International Nuclear Nonproliferation Academy",
                        labels=[("INSA", "en", "Latn", "acronym")])
make_user("bench-steward", steward=True)
make_user("bench-contributor", institution=insa)
"""


def nscap_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        NSCAP_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="nscap.settings",
        SECRET_KEY="nscap-subprocess-tests-only",
        PYTHONUNBUFFERED="1",
    )
    return env


def nscap_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "nscap.cli", *args]


def prepare_database(data_dir: Path) -> Path:
    """Migrate a fresh SQLite database in ``data_dir`` and add INSA, a steward and a contributor."""
    env = nscap_env(data_dir)
    subprocess.run(nscap_command("migrate", "-v", "0"), env=env, check=True)
    subprocess.run(nscap_command("shell", "-c", SETUP), env=env, check=True)
    return data_dir / "nscap.sqlite3"


def write_events_csv(path: Path, rows: int) -> Path:
    """``rows`` training events hosted by INSA (named by its acronym), as a CSV file."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["key", "host", "title", "start", "country", "participants"])
        for i in range(rows):
            writer.writerow(
                [
                    f"ev-{i:06d}",
                    "INSA",
                    f"Physical protection course, run {i}",
                    f"20{10 + i % 15}-{1 + i % 12:02d}",
                    "KR",
                    10 + i % 40,
                ]
            )
    return path


def database_digest(path: Path) -> str:
    """SHA-256 of the whole database's SQL dump (every table, every row)."""
    connection = sqlite3.connect(path)
    try:
        digest = hashlib.sha256()
        for line in connection.iterdump():
            digest.update(line.encode())
        return digest.hexdigest()
    finally:
        connection.close()
