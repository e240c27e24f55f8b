"""Short runs of the load and crash scripts in bench/: a real gunicorn on a SQLite file, real
HTTP, and a check of the database afterwards. They assert that nothing failed and that every
acknowledged write is there once, never how fast (speed is measured in bench/)."""

from __future__ import annotations

import json
import os
import random
import threading

from bench.crash_safety import kill_workers
from bench.loadgen import Load, Server, run_json, server_env
from bench.sustained_load import run

# Ports of our own (8240-8259 belong to the load and crash scripts and these tests); under
# pytest-xdist each worker takes its own pair (gw0: 8250/8251, gw1: 8252/8253, ...).
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
LOAD_PORT = 8250 + 2 * _WORKER
CRASH_PORT = 8251 + 2 * _WORKER


def test_a_short_mixed_load_has_no_errors_and_keeps_every_acknowledged_write(tmp_path):
    result = run(
        seconds=6,
        rate=4,
        port=LOAD_PORT,
        database_url=None,
        bulk=50,
        workers=2,
        data_dir=tmp_path,
        memory_every=1,
    )
    assert result["errors"] == 0, result["error_examples"]
    assert set(result["kinds"]) >= {"write", "list", "page"}
    check = result["check"]
    assert check["problem_count"] == 0, check["problems"]
    assert check["acknowledged_applied"] > 0
    assert check["half_applied"] == 0
    assert result["memory"]["samples"] > 0


def test_writes_survive_killed_workers_exactly_once(tmp_path):
    env = server_env(tmp_path, None)
    tokens = run_json(env, "setup")
    server = Server(env, CRASH_PORT, workers=2, log=tmp_path / "server.log")
    server.start()
    load = Load(
        CRASH_PORT,
        tokens["contributor_token"],
        tokens["steward_token"],
        tokens["host"],
        tokens["event_keys"],
        retry_for=60,
    )
    stop, kills = threading.Event(), []
    killer = threading.Thread(target=kill_workers, args=(server, stop, random.Random(3), kills))
    killer.start()
    try:
        load.run(8, 4, {"write": 1.0})
    finally:
        stop.set()
        killer.join()
        server.stop()
    ledger = tmp_path / "ledger.json"
    ledger.write_text(json.dumps(load.ledger.as_json()))
    check = run_json(env, "verify", str(ledger))
    assert kills, "no worker was killed"
    assert load.errors == []
    assert check["problem_count"] == 0, check["problems"]
    assert check["acknowledged_proposals"] == 32
    assert check["half_applied"] == 0
