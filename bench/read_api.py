"""Read API and page load under gunicorn, against Datasette and a bare django-ninja endpoint.

    python bench/read_api.py --scales 10k 100k [--duration 10] [--repeat 3] [--skip-fill]

For each scale: fill a PostgreSQL database and a SQLite file with ``bench/dataset.py`` (the same
rows), then for each backend serve nscap with gunicorn and load it with ``wrk`` at 32
connections on loopback: (a) the filtered, paginated list ``/api/events?country=..&year=..``
(50 a page) and (b) the detail ``/api/events/{key}``, as an anonymous visitor, so the
visibility filter does its work on every request. Anchors in the same run on the same data:
a bare django-ninja project (``bench/bare_ninja``: the same SQL, none of our layers) on both
backends, and Datasette on the SQLite file (the table view with the same filters, ``_labels``
for the host's name and ``_nosuggest=1``; the row view for the detail). Then the home page and
institution pages (``--page`` adds one, e.g. the gap page: ``--page gaps=/gaps/``).

Each figure is the median of ``--repeat`` runs; the spread (lowest–highest req/s) is printed.
Results go to ``docs/benchmarks.md`` (one row per figure) and ``docs/bench-data/read_api.jsonl``
(for the growth plot, ``bench/growth.py``). Ports 8220–8222. Needs ``wrk`` (Debian package) and
the ``bench`` extra (Datasette).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, commit, machine, record  # noqa: E402
from bench.dataset import COUNTRIES, scale_of  # noqa: E402

BIN = Path(sys.executable).parent
PORTS = {"nscap": 8220, "bare": 8221, "datasette": 8222}
DATA = ROOT / "docs" / "bench-data" / "read_api.jsonl"
PG_URL = os.environ.get("NSCAP_BENCH_PG", "postgres://postgres@127.0.0.1:5432/nscap_readbench")
# As ``nscap serve`` runs it: two workers of four threads (NSCAP_BENCH_WORKERS/THREADS).
WORKERS = int(os.environ.get("NSCAP_BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("NSCAP_BENCH_THREADS", "4"))
# The pages measured at each scale; other branches add theirs with --page (the gap page).
PAGES = {"home": ["/"], "institution": None, "gaps": ["/analytics/gaps/"]}
GOALS = {
    "list": {"datasette": 1.5, "bare": 0.7, "p95_ms": 150},
    "detail": {"datasette": 2.0, "bare": 0.7, "p95_ms": 60},
    "page": {"p95_ms": 300},
}

LUA = """
local paths = {%s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), errors.status, errors.connect + errors.read + errors.write
    + errors.timeout))
end
"""


# --- servers ----------------------------------------------------------------------------------


def wait_for(port: int, path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"nothing answered 200 on port {port}{path} within {timeout} s")


def drain(port: int, path: str, timeout: float = 120) -> None:
    """Wait until the server answers ``path`` promptly again: requests a load run left queued
    (slow pages outlive wrk's connections) must not weigh on the next measurement."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=left):  # noqa: S310
                pass
        except OSError:  # a timed-out or refused probe: the server is still busy
            time.sleep(0.5)
            continue
        if time.monotonic() - started < 0.25:
            return
        time.sleep(0.5)
    print(f"  (port {port} still slow after {timeout:.0f} s of draining; measuring anyway)")


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@contextmanager
def serving(name: str, command: list[str], env: dict, probe: str):
    """Run a server on its port for the duration of the block, then stop it (and only it)."""
    port = PORTS[name]
    if not port_free(port):
        raise RuntimeError(f"port {port} is taken; stop what runs there first")
    log_path = Path(tempfile.gettempdir()) / f"nscap-bench-{name}.log"
    with log_path.open("w") as log:
        # A session of its own, so that stopping it stops its workers too (a worker busy with
        # a slow request outlives its master's TERM otherwise, and keeps the port).
        process = subprocess.Popen(
            command, env=env, stdout=log, stderr=log, cwd=ROOT, start_new_session=True
        )
        try:
            wait_for(port, probe)
            yield port
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def app_env(database: str, data_dir: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database,
        NSCAP_DATA_DIR=data_dir,
        SECRET_KEY="bench-only",  # noqa: S106 (a throwaway registry)
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DEBUG="0",
        PYTHONPATH=str(ROOT),
    )
    return env


def gunicorn(app: str, port: int) -> list[str]:
    return [
        str(BIN / "gunicorn"),
        app,
        *("--workers", str(WORKERS), "--threads", str(THREADS)),
        *("--bind", f"127.0.0.1:{port}"),
    ]


def datasette(path: Path, port: int) -> list[str]:
    # Immutable mode (-i) is Datasette's fastest way to serve a file it does not write.
    return [str(BIN / "datasette"), "serve", "-i", str(path), "-p", str(port)]


# --- load -------------------------------------------------------------------------------------


def load(port: int, paths: list[str], duration: int, connections: int = 32) -> dict:
    """One wrk run cycling through ``paths``: req/s, p50/p95/p99 (ms), errors."""
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "paths.lua"
        script.write_text(LUA % ", ".join(json.dumps(p) for p in paths))
        command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s"]
        command += ["-s", str(script), f"http://127.0.0.1:{port}"]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", output)
    if not match:
        raise RuntimeError(f"wrk gave no result:\n{output}")
    requests, micros, p50, p95, p99, bad_status, socket_errors = map(int, match.groups())
    return {
        "rps": requests / (micros / 1e6),
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "p99_ms": p99 / 1000,
        "errors": bad_status + socket_errors,
    }


def summarise(runs: list[dict]) -> dict:
    """Medians of several runs, with the req/s spread (lowest and highest)."""
    result = {k: statistics.median(r[k] for r in runs) for k in ("rps", "p50_ms", "p95_ms")}
    result["p99_ms"] = statistics.median(r["p99_ms"] for r in runs)
    result["errors"] = sum(r["errors"] for r in runs)
    result["rps_low"] = min(r["rps"] for r in runs)
    result["rps_high"] = max(r["rps"] for r in runs)
    result["runs"] = len(runs)
    return result


# --- what to ask for --------------------------------------------------------------------------


class Workload:
    """The URLs of one data set: list filters that have rows, visible event keys, pages."""

    def __init__(self, sqlite_path: Path, seed: int = 11):
        rng = random.Random(seed)
        with sqlite3.connect(sqlite_path) as db:
            # Public events of public hosts: what an anonymous visitor may read.
            events = db.execute(
                "SELECT e.id, e.key FROM activities_trainingevent e "
                "JOIN institutions_institution i ON i.id = e.host_id "
                "WHERE e.sensitivity = 'public' AND i.sensitivity = 'public' "
                "AND e.key LIKE 'bench-event-%' ORDER BY e.id"
            ).fetchall()
            institutions = db.execute(
                "SELECT key FROM institutions_institution WHERE sensitivity = 'public' "
                "AND key LIKE 'bench-inst-%' ORDER BY id"
            ).fetchall()
        picked = rng.sample(events, min(500, len(events)))
        self.event_ids = [row[0] for row in picked]
        self.event_keys = [row[1] for row in picked]
        self.institutions = [row[0] for row in rng.sample(institutions, min(50, len(institutions)))]
        # First pages only: Datasette pages by keyset tokens, not offsets.
        self.filters = [(c, y) for c in COUNTRIES[:6] for y in range(2001, 2025, 2)]
        rng.shuffle(self.filters)

    def list_paths(self, server: str) -> list[str]:
        if server == "datasette":
            return [
                f"/nscap/activities_trainingevent.json?country={c}&start__gte={y}-01-01"
                f"&start__lte={y}-12-31&_sort_desc=start&_size=50&_labels=on&_nosuggest=1"
                for c, y in self.filters
            ]
        return [f"/api/events?country={c}&year={y}&limit=50" for c, y in self.filters]

    def detail_paths(self, server: str) -> list[str]:
        if server == "datasette":
            return [f"/nscap/activities_trainingevent/{pk}.json" for pk in self.event_ids]
        return [f"/api/events/{key}" for key in self.event_keys]

    def page_paths(self, page: str, extra: dict[str, str]) -> list[str]:
        if page in extra:
            return [extra[page]]
        paths = PAGES[page]
        return paths if paths is not None else [f"/institutions/{k}/" for k in self.institutions]


# --- one scale --------------------------------------------------------------------------------


def fill(scale: str, database: str) -> None:
    command = [sys.executable, str(ROOT / "bench" / "dataset.py"), scale, "--database", database]
    subprocess.run(["nice", *command], check=True, cwd=ROOT)


def collect_static(env: dict) -> None:
    subprocess.run(
        [str(BIN / "nscap"), "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT
    )


def run_scale(scale: str, args: argparse.Namespace, extra_pages: dict[str, str]) -> list[dict]:
    """Every server of a backend runs at once and the runs alternate between them, so that the
    load of a shared machine weighs on nscap and its anchors alike."""
    work = Path(args.workdir) / scale
    sqlite_path = work / "nscap.sqlite3"
    backends = {"postgresql": PG_URL, "sqlite": f"sqlite:///{sqlite_path}"}
    backends = {name: url for name, url in backends.items() if name in args.backends}
    if not args.skip_fill:
        for url in backends.values():
            fill(scale, url)
    workload = Workload(sqlite_path)
    results = []
    for backend, url in backends.items():
        env = app_env(url, str(work / "data"))
        collect_static(env)
        probe = workload.list_paths("nscap")[0]  # not the unfiltered list: slow at 1M on SQLite
        servers = [("nscap", gunicorn("nscap.wsgi", PORTS["nscap"]), probe)]
        bare = gunicorn("bench.bare_ninja.wsgi", PORTS["bare"])
        servers.append(("bare", bare, workload.detail_paths("bare")[0]))
        if backend == "sqlite":
            servers.append(("datasette", datasette(sqlite_path, PORTS["datasette"]), "/nscap.json"))
        plan = [(server, endpoint) for server, _, _ in servers for endpoint in ("list", "detail")]
        plan += [("nscap", f"page:{page}") for page in [*PAGES, *extra_pages]]
        runs: dict[tuple[str, str], list[dict]] = {step: [] for step in plan}
        with ExitStack() as stack:
            for name, command, probe in servers:
                stack.enter_context(serving(name, command, env, probe))
            # Warm-up: a fresh gunicorn worker takes seconds over its first requests (imports,
            # URL configuration, the API schema), so each server gets a long first run.
            probes = {name: probe for name, _, probe in servers}
            warmed: set[str] = set()
            for server, endpoint in plan:
                seconds = 2 if server in warmed else args.warmup
                warmed.add(server)
                load(PORTS[server], paths_for(workload, server, endpoint, extra_pages), seconds)
                drain(PORTS[server], probes[server])
            for _ in range(args.repeat):
                for server, endpoint in plan:
                    paths = paths_for(workload, server, endpoint, extra_pages)
                    runs[(server, endpoint)].append(load(PORTS[server], paths, args.duration))
                    drain(PORTS[server], probes[server])
        for (server, endpoint), measured in runs.items():
            figures = summarise(measured)
            row = {"scale": scale_of(scale), "backend": backend, "server": server}
            results.append(row | {"endpoint": endpoint, **figures})
            print(
                f"  {scale:>5} {backend:10s} {server:9s} {endpoint:16s} {figures['rps']:7.0f} req/s"
                f" ({figures['rps_low']:.0f}–{figures['rps_high']:.0f})  p50 "
                f"{figures['p50_ms']:6.1f}  p95 {figures['p95_ms']:6.1f}  p99 "
                f"{figures['p99_ms']:6.1f} ms  errors {figures['errors']}",
                flush=True,
            )
    return results


def paths_for(workload: Workload, server: str, endpoint: str, extra: dict[str, str]) -> list[str]:
    if endpoint.startswith("page:"):
        return workload.page_paths(endpoint.removeprefix("page:"), extra)
    return getattr(workload, f"{endpoint}_paths")(server)


# --- report -----------------------------------------------------------------------------------


def ratios(results: list[dict]) -> list[tuple[str, str]]:
    """Rows for docs/benchmarks.md: each figure, with its ratios to the anchors and the goals."""
    index = {(r["scale"], r["backend"], r["server"], r["endpoint"]): r for r in results}
    rows = []
    for r in results:
        what = f"{r['endpoint']} @ {r['scale']:,} events, {r['backend']}, {r['server']}"
        figure = (
            f"{r['rps']:.0f} req/s ({r['rps_low']:.0f}–{r['rps_high']:.0f}), p50 {r['p50_ms']:.1f} "
            f"ms, p95 {r['p95_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, errors {r['errors']}"
        )
        if r["server"] == "nscap":
            goals = GOALS.get(r["endpoint"], GOALS["page"])
            for anchor in ("bare", "datasette"):
                other = index.get((r["scale"], r["backend"], anchor, r["endpoint"]))
                if other:
                    ratio = r["rps"] / other["rps"]
                    mark = "met" if ratio >= goals[anchor] else "MISSED"
                    figure += f"; {ratio:.2f}× {anchor} (goal ≥ {goals[anchor]}×, {mark})"
            mark = "met" if r["p95_ms"] <= goals["p95_ms"] else "MISSED"
            figure += f"; p95 goal ≤ {goals['p95_ms']} ms {mark}"
        rows.append((what, figure))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", nargs="+", default=["10k", "100k"])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=12, help="seconds of a server's first run")
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "nscap-readbench"))
    parser.add_argument("--backends", nargs="+", default=["postgresql", "sqlite"])
    parser.add_argument("--skip-fill", action="store_true", help="reuse the data of a last run")
    parser.add_argument("--page", action="append", default=[], help="NAME=PATH, another page")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    extra = dict(item.split("=", 1) for item in args.page)
    print(f"{machine()}, commit {commit()}, gunicorn {WORKERS}×{THREADS} threads, 32 connections")
    for scale in args.scales:  # each scale is recorded as soon as it is measured
        results = run_scale(scale, args, extra)
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
        DATA.parent.mkdir(parents=True, exist_ok=True)
        with DATA.open("a", encoding="utf-8") as out:
            for row in results:
                out.write(json.dumps({"date": stamp, "commit": commit(), **row}) + "\n")
        rows = ratios(results)
        for what, figure in rows:
            print(f"{what}: {figure}", flush=True)
        record("read_api", rows)


if __name__ == "__main__":
    main()
