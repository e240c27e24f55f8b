"""Crash safety of ``nscap import``: a big CSV import killed (``kill -9``) at random moments
holds all of the file or nothing; a retry then imports it exactly once.

    python bench/import_crash.py --rows 100000 --kills 20

On a PostgreSQL cluster of its own (initdb under /tmp, port 5499). First one whole import into
a scratch database measures how long an import takes (T); then, in a fresh database, each of
``--kills`` attempts is killed at a random moment between 2% and 98% of T and the database is
checked: none of the file's events, or all of them in one applied changeset. Finally a retry
runs to the end, and a second retry must find nothing to import: the file is there exactly once.
Uses whatever ``nscap import`` is installed (it checks the whole file, then writes one
changeset in one transaction).
"""

from __future__ import annotations

import argparse
import csv
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import record  # noqa: E402
from bench.loadgen import PYTHON, Cluster, run_json, server_env  # noqa: E402

COLUMNS = ["key", "host", "title", "start", "country", "participants", "participants_qualifier"]


def write_csv(path: Path, rows: int, tag: str) -> None:
    """``rows`` training events whose keys and titles carry ``tag``."""
    rng = random.Random(11)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for n in range(rows):
            writer.writerow(
                [
                    f"imp-{tag}-{n}",
                    rng.choice(["insa", "iscn", "snstc"]),
                    f"Import crash {tag} {n}",
                    f"20{rng.randint(10, 25)}-{rng.randint(1, 12):02d}",
                    rng.choice(["JP", "KR", "CN", "ID", "MY", "VN"]),
                    rng.randint(5, 80),
                    "exact",
                ]
            )


def start_import(env: dict, path: Path, user: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            PYTHON,
            "-m",
            "nscap.cli",
            "import",
            str(path),
            "--user",
            user,
            "--type",
            "training_event",
            "--no-progress",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def count(env: dict, tag: str) -> dict:
    return run_json(env, "count", tag)


def writing(cluster: Cluster, database: str) -> bool:
    """Whether a transaction that has written is open in ``database`` (the import's one
    changeset being written) rather than the import still reading and checking the file."""
    found = cluster.psql(
        database,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()",
    )
    return found.strip() not in ("", "0")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--pg-port", type=int, default=5499)
    parser.add_argument("--pg-dir", default=str(Path(tempfile.gettempdir()) / "nscap-load-pg"))
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    cluster = Cluster(Path(args.pg_dir), args.pg_port)
    cluster.create()
    tag = uuid.uuid4().hex[:6]
    with tempfile.TemporaryDirectory(prefix="nscap-import-crash-") as tmp:
        path = Path(tmp) / f"events-{tag}.csv"
        write_csv(path, args.rows, tag)
        # T: one whole import into a scratch database.
        scratch = server_env(Path(tmp), cluster.fresh_database("nscap_import_scratch"))
        user = run_json(scratch, "setup", "--bulk", "0")["steward"]
        started = time.perf_counter()
        whole = start_import(scratch, path, user)
        output = whole.communicate()[0]
        full = time.perf_counter() - started
        if whole.returncode != 0:
            raise SystemExit(f"the whole import failed:\n{output[-3000:]}")
        print(f"whole import of {args.rows} rows: {full:.1f} s ({args.rows / full:.0f} rows/s)")
        database = "nscap_import_crash"
        env = server_env(Path(tmp), cluster.fresh_database(database))
        user = run_json(env, "setup", "--bulk", "0")["steward"]
        outcomes = []
        for attempt in range(1, args.kills + 1):
            after = rng.uniform(0.02, 0.98) * full
            process = start_import(env, path, user)
            in_transaction = False
            try:
                process.wait(after)
                killed = False
            except subprocess.TimeoutExpired:
                in_transaction = writing(cluster, database)
                process.kill()  # SIGKILL: no cleanup, no rollback by the process itself
                process.wait()
                killed = True
            state = count(env, tag)
            whole_file = state["events"] == args.rows and state["applied"] == 1
            nothing = state["events"] == 0 and state["changesets"] == 0
            outcomes.append((attempt, round(after, 1), killed, state, in_transaction))
            when = "while writing its changeset" if in_transaction else "while reading/checking"
            print(
                f"attempt {attempt}: {f'killed {when}' if killed else 'finished'} after "
                f"{after:.1f} s: {state}"
            )
            if not (whole_file or nothing) or state["changesets"] > 1:
                raise SystemExit(f"not all or nothing after attempt {attempt}: {state}")
        retry = start_import(env, path, user)
        retry_out = retry.communicate()[0]
        after_retry = count(env, tag)
        again = start_import(env, path, user)
        again_out = again.communicate()[0]
        after_again = count(env, tag)
    cluster.stop()
    print(f"retry: {retry_out.strip().splitlines()[-1:]} -> {after_retry}")
    print(f"second retry: {again_out.strip().splitlines()[-1:]} -> {after_again}")
    once = (
        after_retry["events"] == args.rows
        and after_retry["distinct_keys"] == args.rows
        and after_retry["applied"] == 1
        and after_again == after_retry
    )
    killed = sum(1 for o in outcomes if o[2])
    partial = sum(1 for o in outcomes if o[3]["events"] not in (0, args.rows))
    mid_write = sum(1 for o in outcomes if o[4])
    print(
        f"{killed} of {args.kills} attempts killed ({mid_write} inside the write transaction), "
        f"{partial} partial; exactly once: {once}"
    )
    if not args.no_record:
        record(
            "import crash (shared machine)",
            [
                (f"nscap import of {args.rows} CSV rows, PostgreSQL", f"{full:.1f} s whole"),
                (
                    f"{args.kills} attempts killed at random moments (kill -9)",
                    f"{killed} killed before the end ({mid_write} inside the write transaction), "
                    f"{partial} left part of the file; "
                    f"retry imported it exactly once: {once}",
                ),
            ],
        )
    sys.exit(0 if once and not partial else 1)


if __name__ == "__main__":
    main()
