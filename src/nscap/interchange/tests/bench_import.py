"""Import speed: ``python -m nscap.interchange.tests.bench_import [ROWS ...] [USER ...]``.

For each size, a fresh SQLite database; times the dry run (read + check), the import by a
contributor (one pending changeset) and by a steward (one changeset, applied). Prints rows/s.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from nscap.interchange.tests.subprocess_db import (
    nscap_command,
    nscap_env,
    prepare_database,
    write_events_csv,
)


def _timed(args: list[str], env: dict) -> float:
    import subprocess

    started = time.perf_counter()
    subprocess.run(nscap_command(*args), env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main(sizes: list[int], users: list[str]) -> None:
    for rows in sizes:
        for who in users:
            with tempfile.TemporaryDirectory() as tmp:
                data_dir = Path(tmp)
                prepare_database(data_dir)
                env = nscap_env(data_dir)
                path = write_events_csv(data_dir / "training_event.csv", rows)
                base = ["import", str(path), "--user", who, "--no-progress"]
                dry = _timed([*base, "--dry-run"], env)
                real = _timed(base, env)
                again = _timed(base, env)
                print(
                    f"{rows:>7} rows as {who:<17} dry run {dry:6.1f} s ({rows / dry:7.0f} rows/s)"
                    f"  import {real:6.1f} s ({rows / real:7.0f} rows/s)"
                    f"  re-import {again:6.1f} s",
                    flush=True,
                )


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:] if a.isdigit()] or [10_000, 100_000]
    users = [a for a in sys.argv[1:] if not a.isdigit()] or ["bench-contributor", "bench-steward"]
    main(sizes, users)
