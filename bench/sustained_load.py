"""Sustained mixed load: gunicorn on PostgreSQL under a steady open-loop stream of requests.

    python bench/sustained_load.py --minutes 15 --rate 20 \
        --database-url postgres://postgres@127.0.0.1:5432/nscap_load --bulk 5000

75% reads (lists, details, search, pages), 20% writes (a contributor proposes an event or a
change through the API with a token and an Idempotency-Key, a steward approves it), 5% exports.
Requests leave on a fixed schedule, so a slow answer delays nothing and its latency counts from
when the request was due. Prints p50/p95/p99 per kind, the errors, and the workers' memory
sampled over the run; then checks that every acknowledged write is in the database. Without
``--database-url`` it runs on a fresh SQLite file. Appends a row to docs/benchmarks.md unless
``--no-record``. Goals (issue 5): p95 <= 300 ms, zero errors, memory flat.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import record  # noqa: E402
from bench.loadgen import Load, Server, run_json, server_env  # noqa: E402

MIX = {"read": 0.75, "write": 0.20, "export": 0.05}


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def sample_memory(server: Server, every: float, stop: threading.Event, out: list) -> None:
    start = time.monotonic()
    while not stop.wait(every):
        sizes = server.worker_rss_mib()
        if sizes:
            out.append((time.monotonic() - start, sum(sizes), max(sizes)))


def memory_verdict(samples: list[tuple[float, float, float]]) -> dict:
    """Total worker RSS early in the run (second tenth, after warm-up) against its last tenth."""
    if len(samples) < 10:
        return {"samples": len(samples)}
    tenth = len(samples) // 10
    early = statistics.median(s[1] for s in samples[tenth : 2 * tenth])
    late = statistics.median(s[1] for s in samples[-tenth:])
    return {
        "samples": len(samples),
        "early_mib": round(early, 1),
        "late_mib": round(late, 1),
        "growth_pct": round(100 * (late - early) / early, 1),
        "max_worker_mib": round(max(s[2] for s in samples), 1),
    }


def run(
    *,
    seconds: float,
    rate: float,
    port: int,
    database_url: str | None,
    bulk: int,
    workers: int,
    data_dir: Path,
    memory_every: float = 5.0,
) -> dict:
    """Set up, serve, load, check; the figures and the check's findings as a dict."""
    env = server_env(data_dir, database_url)
    tokens = run_json(env, "setup", "--bulk", str(bulk))
    server = Server(env, port, workers=workers, log=data_dir / "server.log")
    server.start()
    memory: list[tuple[float, float, float]] = []
    stop = threading.Event()
    sampler = threading.Thread(target=sample_memory, args=(server, memory_every, stop, memory))
    load = Load(
        port,
        tokens["contributor_token"],
        tokens["steward_token"],
        tokens["host"],
        tokens["event_keys"],
    )
    sampler.start()
    try:
        load.warm_up(2 * workers)
        started = time.perf_counter()
        load.run(seconds, rate, MIX)
        elapsed = time.perf_counter() - started
    finally:
        stop.set()
        sampler.join()
        server.stop()
    ledger_path = data_dir / "ledger.json"
    ledger_path.write_text(json.dumps(load.ledger.as_json()))
    check = run_json(env, "verify", str(ledger_path))
    kinds = {
        kind: {
            "n": len(samples),
            "p50_ms": round(1000 * percentile(samples, 0.50), 1),
            "p95_ms": round(1000 * percentile(samples, 0.95), 1),
            "p99_ms": round(1000 * percentile(samples, 0.99), 1),
        }
        for kind, samples in sorted(load.latencies.items())
    }
    paths = {
        path: {
            "n": len(samples),
            "p50_ms": round(1000 * percentile(samples, 0.50), 1),
            "p95_ms": round(1000 * percentile(samples, 0.95), 1),
        }
        for path, samples in sorted(load.by_path.items())
    }
    every = [s for samples in load.latencies.values() for s in samples]
    return {
        "seconds": round(elapsed, 1),
        "rate": rate,
        "operations": int(seconds * rate),
        "requests": len(every),
        "achieved_rate": round(len(every) / elapsed, 1),
        "all": {
            "p50_ms": round(1000 * percentile(every, 0.50), 1),
            "p95_ms": round(1000 * percentile(every, 0.95), 1),
            "p99_ms": round(1000 * percentile(every, 0.99), 1),
        },
        "kinds": kinds,
        "paths": paths,
        "errors": len(load.errors),
        "error_examples": load.errors[:10],
        "memory": memory_verdict(memory),
        "memory_samples": [(round(t), round(total, 1)) for t, total, _ in memory],
        "check": check,
        "events_at_start": tokens["events"],
    }


def report(result: dict, database: str, workers: int) -> list[tuple[str, str]]:
    print(
        f"{result['operations']} operations ({result['requests']} HTTP requests: a write is a "
        f"proposal and an approval) in {result['seconds']} s, {result['achieved_rate']} req/s, "
        f"operations due at {result['rate']}/s, on {database}"
    )
    print(f"  {'kind':8s} {'n':>6s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s}")
    for kind, k in result["kinds"].items():
        print(f"  {kind:8s} {k['n']:6d} {k['p50_ms']:8.1f} {k['p95_ms']:8.1f} {k['p99_ms']:8.1f}")
    a = result["all"]
    print(
        f"  {'all':8s} {result['requests']:6d} {a['p50_ms']:8.1f} {a['p95_ms']:8.1f} "
        f"{a['p99_ms']:8.1f}"
    )
    print(f"errors: {result['errors']} {result['error_examples']}")
    print(f"worker memory (total RSS of {workers} workers): {result['memory']}")
    check = result["check"]
    print(
        f"check: {check['acknowledged_proposals']} acknowledged proposals, "
        f"{check['acknowledged_applied']} applied records, {check['problem_count']} problems "
        f"{check['problems'][:5]}"
    )
    mem = result["memory"]
    return [
        (
            f"{result['seconds'] / 60:.1f} min, {result['rate']} operations/s "
            f"({result['achieved_rate']} HTTP req/s), {database}, "
            f"{workers} workers, {result['events_at_start']} events at the start",
            "; ".join(
                f"{kind} p50/p95/p99 {k['p50_ms']:.0f}/{k['p95_ms']:.0f}/{k['p99_ms']:.0f} ms"
                for kind, k in result["kinds"].items()
            ),
        ),
        (
            "errors, acknowledged writes missing or doubled, worker RSS early → late",
            f"{result['errors']} errors; {check['problem_count']} problems in "
            f"{check['acknowledged_applied']} acknowledged writes; "
            f"{mem.get('early_mib')} → {mem.get('late_mib')} MiB ({mem.get('growth_pct')}%)",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--rate", type=float, default=20.0, help="requests per second")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--bulk", type=int, default=2000, help="events added before the run")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8240)
    parser.add_argument("--json", help="also write the full result to this file")
    parser.add_argument("--no-record", action="store_true", help="do not touch benchmarks.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nscap-load-") as tmp:
        result = run(
            seconds=args.minutes * 60,
            rate=args.rate,
            port=args.port,
            database_url=args.database_url,
            bulk=args.bulk,
            workers=args.workers,
            data_dir=Path(tmp),
        )
    database = "PostgreSQL" if args.database_url else "SQLite"
    rows = report(result, database, args.workers)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    if not args.no_record:
        record("sustained load (shared machine)", rows)
    failed = result["errors"] or result["check"]["problem_count"]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
