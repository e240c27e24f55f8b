"""Shared set-up for the benchmarks: a throwaway SQLite registry and timing helpers.

Benchmarks run on demand (`make bench`), never in the test suite.
"""

from __future__ import annotations

import functools
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "benchmarks.md"


def setup_django(data_dir: str | None = None) -> None:
    os.environ.setdefault("NSCAP_DATA_DIR", data_dir or tempfile.mkdtemp(prefix="nscap-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nscap.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    """Wall-clock seconds of ``runs`` calls of ``fn`` (after one warm-up call)."""
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p95_ms": p95 * 1000,
        "spread_ms": (ordered[-1] - ordered[0]) * 1000,
    }


@functools.cache
def cpu_probe() -> float:
    """Seconds for a fixed pure-Python loop (best of three): a speed index that makes rows from
    different machines, or the same machine on different days, comparable."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(3_000_000):
            total += i
        best = min(best, time.perf_counter() - start)
    return best


def machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"CPU probe {cpu_probe():.2f} s"
    )


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def record(benchmark: str, rows: list[tuple[str, str]]) -> None:
    """Append one run's figures to docs/benchmarks.md (date, machine, commit, figures)."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    lines = [
        f"| {stamp} | {benchmark} | {machine()} | {commit()} | {what} | {value} |"
        for what, value in rows
    ]
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
