"""A 100,000-row import killed with SIGKILL at a random point while it writes leaves the
database exactly as before: the whole import is one transaction (one changeset).

Runs ``nscap import`` in a subprocess on its own file-based SQLite database (WAL mode, as
deployed). Writing has begun when the write-ahead log grows; the kill comes a random 0-4 s
later. Takes about a minute, most of it checking the 100,000 rows before writing starts.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time

import pytest

from .subprocess_db import (
    database_digest,
    nscap_command,
    nscap_env,
    prepare_database,
    write_events_csv,
)

ROWS = 100_000
TIMEOUT = 240


@pytest.mark.slow
def test_import_killed_midway_leaves_the_database_as_it_was(tmp_path):
    database = prepare_database(tmp_path)
    path = write_events_csv(tmp_path / "training_event.csv", ROWS)
    before = database_digest(database)
    wal = database.with_name(database.name + "-wal")
    wal_size = wal.stat().st_size if wal.exists() else 0
    seed = random.randrange(2**32)
    delay = random.Random(seed).uniform(0, 4)
    process = subprocess.Popen(
        nscap_command("import", str(path), "--user", "bench-steward", "--no-progress"),
        env=nscap_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    started = time.monotonic()
    try:
        while (wal.stat().st_size if wal.exists() else 0) <= wal_size + 256 * 1024:
            assert process.poll() is None, process.stderr.read().decode()[-2000:]
            assert time.monotonic() - started < TIMEOUT, "the import never started writing"
            time.sleep(0.02)
        writing_after = time.monotonic() - started
        time.sleep(delay)
        assert process.poll() is None, "the import finished before the kill"
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(30) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(30)
    print(
        f"killed {delay:.2f} s after writing began ({writing_after:.1f} s into the import; "
        f"seed {seed}; WAL {wal.stat().st_size // 1024} KB)"
    )
    assert database_digest(database) == before
