"""Crash safety of the write API: writes through changesets while the server and the database
are killed, then a check that every acknowledged write is there exactly once.

    python bench/crash_safety.py --writes 10000

Runs gunicorn on a PostgreSQL cluster of its own (initdb under /tmp, port 5499), so stopping
the database disturbs no one else. Two phases, each half of ``--writes`` HTTP write requests (an
operation is a contributor's proposal and a steward's approval, two requests):

1. ``kill -9`` of a random gunicorn worker every few seconds (the master starts a new one);
2. ``pg_ctl stop -m immediate`` of the database every few seconds, started again 1-3 s later.

The client retries a write through network errors and 5xx with the same body and the same
``Idempotency-Key`` (an approval that answers 409 after a retry is read back: applied or not).
Afterwards every acknowledged proposal must be exactly one changeset, every acknowledged approval
an event with the values sent (and its partner and participant rows: a changeset is applied
whole), no title twice, and every changeset applied whole or not at all (history entries).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import record  # noqa: E402
from bench.loadgen import Cluster, Load, Server, run_json, server_env  # noqa: E402


def kill_workers(server: Server, stop: threading.Event, rng: random.Random, log: list) -> None:
    """``kill -9`` one worker at a random moment, every 1-6 s."""
    while not stop.wait(rng.uniform(1, 6)):
        pids = server.worker_pids()
        if pids:
            pid = rng.choice(pids)
            try:
                os.kill(pid, signal.SIGKILL)
                log.append(pid)
            except ProcessLookupError:
                pass


def stop_database(cluster: Cluster, stop: threading.Event, rng: random.Random, log: list) -> None:
    """Stop PostgreSQL immediately (no checkpoint: crash recovery on start) every 5-15 s, for
    1-3 s."""
    while not stop.wait(rng.uniform(5, 15)):
        cluster.stop("immediate")
        down = rng.uniform(1, 3)
        time.sleep(down)
        cluster.start()
        log.append(round(down, 1))


def phase(name: str, load: Load, operations: int, rate: float, chaos, seed: int) -> dict:
    stop = threading.Event()
    log: list = []
    chaos_thread = threading.Thread(target=chaos, args=(stop, random.Random(seed), log))
    before_errors, before_retries = len(load.errors), load.retries
    before_why = dict(load.retried)
    before_requests = sum(len(v) for v in load.latencies.values())
    chaos_thread.start()
    started = time.perf_counter()
    try:
        load.run(operations / rate, rate, {"write": 1.0}, seed=seed)
    finally:
        stop.set()
        chaos_thread.join()
    result = {
        "phase": name,
        "seconds": round(time.perf_counter() - started, 1),
        "write_requests": sum(len(v) for v in load.latencies.values()) - before_requests,
        "crashes": len(log),
        "retries": load.retries - before_retries,
        "retried_on": {k: v - before_why.get(k, 0) for k, v in load.retried.items()},
        "gave_up": len(load.errors) - before_errors,
    }
    print(json.dumps(result))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writes", type=int, default=10000, help="write requests in all")
    parser.add_argument("--rate", type=float, default=8.0, help="operations per second")
    parser.add_argument("--port", type=int, default=8244)
    parser.add_argument("--pg-port", type=int, default=5499)
    parser.add_argument("--pg-dir", default=str(Path(tempfile.gettempdir()) / "nscap-load-pg"))
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    cluster = Cluster(Path(args.pg_dir), args.pg_port)
    cluster.create()
    url = cluster.fresh_database("nscap_crash")
    with tempfile.TemporaryDirectory(prefix="nscap-crash-") as tmp:
        env = server_env(Path(tmp), url)
        tokens = run_json(env, "setup", "--bulk", "0")
        server = Server(env, args.port, workers=args.workers, log=Path(tmp) / "server.log")
        server.start()
        load = Load(
            args.port,
            tokens["contributor_token"],
            tokens["steward_token"],
            tokens["host"],
            tokens["event_keys"],
            retry_for=120,
        )
        # Each operation is about two write requests (a proposal and an approval).
        operations = args.writes // 4
        try:
            phases = [
                phase(
                    "kill -9 gunicorn workers",
                    load,
                    operations,
                    args.rate,
                    lambda stop, rng, log: kill_workers(server, stop, rng, log),
                    seed=1,
                ),
                phase(
                    "PostgreSQL stop -m immediate",
                    load,
                    operations,
                    args.rate,
                    lambda stop, rng, log: stop_database(cluster, stop, rng, log),
                    seed=2,
                ),
            ]
        finally:
            server.stop()
        ledger = Path(tmp) / "ledger.json"
        ledger.write_text(json.dumps(load.ledger.as_json()))
        check = run_json(env, "verify", str(ledger))
    cluster.stop()
    print(
        f"acknowledged: {check['acknowledged_proposals']} proposals, "
        f"{check['acknowledged_applied']} applied; changesets made through the API: "
        f"{check['api_changesets']} ({check['api_changesets_applied']} applied); "
        f"half-applied: {check['half_applied']}; problems: {check['problem_count']} "
        f"{check['problems'][:5]}; writes given up: {len(load.errors)} {load.errors[:3]}"
    )
    if not args.no_record:
        record(
            "crash safety (shared machine)",
            [
                (
                    f"{p['phase']}: {p['write_requests']} answers in {p['seconds']} s "
                    "(every attempt, retries and read-backs included)",
                    f"{p['crashes']} crashes, {p['retries']} retried requests "
                    f"({', '.join(f'{n} x {why}' for why, n in p['retried_on'].items() if n)}), "
                    f"{p['gave_up']} writes given up",
                )
                for p in phases
            ]
            + [
                (
                    "acknowledged writes missing or doubled, changesets half-applied",
                    f"{check['problem_count']} of {check['acknowledged_applied']} applied and "
                    f"{check['acknowledged_proposals']} proposed; {check['half_applied']} of "
                    f"{check['api_changesets']} changesets",
                )
            ],
        )
    sys.exit(1 if check["problem_count"] or load.errors else 0)


if __name__ == "__main__":
    main()
