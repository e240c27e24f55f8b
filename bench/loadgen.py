"""The pieces the load and crash scripts share: a registry to serve, gunicorn, an open-loop
client that writes through changesets, and the check that every acknowledged write is there.

The script that drives the load never opens the database itself: setting up and checking run
as subprocesses (``bench/loadcheck.py``) with the server's environment, so a killed server or
database never leaves this process holding a broken connection.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RETRYABLE = (OSError, http.client.HTTPException)
STALE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)

# Reads: lists, details, search and pages, in the proportions a visitor and the API clients
# make them; ``{event}`` is replaced by a key of an event the setup made.
READS = [
    ("list", "/api/events?country=JP&limit=50"),
    ("list", "/api/events?from=2015&to=2020&limit=50&offset=50"),
    ("list", "/api/institutions"),
    ("list", "/api/collaboration-claims?claimant=iscn"),
    ("detail", "/api/institutions/insa"),
    ("detail", "/api/events/{event}"),
    ("detail", "/api/courses?target_group=customs"),
    ("search", "/api/institutions/resolve?q=NSSC"),
    ("search", "/institutions/?q=INSA"),
    ("page", "/"),
    ("page", "/institutions/insa/"),
    ("page", "/collaboration/"),
    ("page", "/courses/"),
]
EXPORTS = [
    "/api/export?format=jsonl&type=institution",
    "/api/export?format=csv&type=collaboration_claim",
    "/api/export?format=jsonl&type=course",
    "/api/export?format=csv&type=training_event",
]


# --- the server ------------------------------------------------------------------------------


def server_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    """The environment of every process that touches the registry under test."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    env.update(
        NSCAP_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="nscap.settings",
        SECRET_KEY="load-bench-only",  # noqa: S106 - a throwaway registry
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONPATH=str(ROOT),
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run_json(env: dict[str, str], *args: str) -> dict:
    """Run ``loadcheck.py ARGS`` in a subprocess and return the JSON it prints last."""
    done = subprocess.run(
        [PYTHON, str(Path(__file__).with_name("loadcheck.py")), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"loadcheck {args[0]} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@dataclass
class Server:
    """``nscap serve`` (gunicorn) in a subprocess, its workers' pids and their memory."""

    env: dict[str, str]
    port: int
    workers: int = 3
    log: Path | None = None
    process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        out = open(self.log or os.devnull, "ab")  # noqa: SIM115 - lives as long as the server
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "nscap.cli",
                "serve",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--no-migrate",
            ],
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}")
            try:
                status, _body = Client(self.port).request("GET", "/api/institutions?limit=1")
                if status == 200 and len(self.worker_pids()) == self.workers:
                    return
            except RETRYABLE:
                pass
            time.sleep(0.3)
        raise RuntimeError("the server did not answer in time")

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        pid = self.process.pid
        try:
            text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    def worker_rss_mib(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@dataclass
class Cluster:
    """A PostgreSQL cluster of our own (under /tmp, on its own port), so that the crash tests
    can stop it with ``-m immediate`` without touching anyone else's databases."""

    directory: Path
    port: int = 5499
    bin_dir: Path = Path("/usr/lib/postgresql/15/bin")

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        # PostgreSQL refuses to run as root: run its tools as the postgres user when we are root.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(
            [*prefix, *args], capture_output=True, text=True, check=check, cwd=tempfile.gettempdir()
        )

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def create(self) -> None:
        if not (self.directory / "PG_VERSION").exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.directory, "postgres", "postgres")
            self._run(
                str(self.bin_dir / "initdb"),
                "-D",
                str(self.directory),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            )
        self.start()

    def running(self) -> bool:
        status = self._run(
            str(self.bin_dir / "pg_ctl"), "-D", str(self.directory), "status", check=False
        )
        return status.returncode == 0

    def start(self) -> None:
        if self.running():
            return
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.directory),
            "-w",
            "-l",
            str(self.directory / "server.log"),
            "-o",
            f"-p {self.port} -k {tempfile.gettempdir()} -c listen_addresses=127.0.0.1 "
            "-c max_connections=200",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.directory),
            "-m",
            mode,
            "-w",
            "stop",
            check=False,
        )

    def psql(self, database: str, sql: str) -> str:
        """Run one SQL statement; its output, unaligned."""
        return self._run(
            str(self.bin_dir / "psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            database,
            "-Atc",
            sql,
        ).stdout

    def fresh_database(self, name: str) -> str:
        """Drop and create database ``name``; its URL."""
        self.psql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.psql("postgres", f"CREATE DATABASE {name}")
        return f"{self.url}/{name}"


# --- the client ------------------------------------------------------------------------------


class Client:
    """One keep-alive HTTP connection to the server (a new one after any network error)."""

    def __init__(self, port: int, timeout: float = 30):
        self.port, self.timeout = port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: dict | None = None, headers: dict | None = None
    ) -> tuple[int, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        sent = {"Host": "127.0.0.1", **(headers or {})}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        for attempt in (1, 2):
            reused = self.conn.sock is not None
            try:
                self.conn.request(method, path, body=payload, headers=sent)
                response = self.conn.getresponse()
                return response.status, response.read()
            except STALE:
                # gunicorn closes a keep-alive connection idle for 2 s; like any HTTP client,
                # send once more on a new connection when a reused one was closed under us.
                self.conn.close()
                if not reused or attempt == 2:
                    raise
            except RETRYABLE:
                self.conn.close()
                raise
        raise AssertionError("unreachable")


@dataclass
class Ledger:
    """What the server acknowledged: the check afterwards looks for every one of these."""

    proposed: list[dict] = field(default_factory=list)  # idempotency key, changeset id
    applied: list[dict] = field(default_factory=list)  # event key, title, participants
    # Every change sent, acknowledged or not: one the client gave up on may still be applied
    # after the last acknowledged one (its answer was lost), and then its value is right.
    sent: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def as_json(self, **extra) -> dict:
        return {"proposed": self.proposed, "applied": self.applied, "sent": self.sent, **extra}


@dataclass
class Load:
    """Sends requests on a fixed schedule (open loop: a slow answer does not delay the next
    request, and a request's latency counts from when it was due) and records every answer."""

    port: int
    contributor_token: str
    steward_token: str
    host: str
    event_keys: list[str]
    retry_for: float = 0.0  # seconds a write keeps retrying through crashes (0: no retries)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    by_path: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    ledger: Ledger = field(default_factory=Ledger)
    local: threading.local = field(default_factory=threading.local)
    busy_keys: set = field(default_factory=set)
    retries: int = 0
    retried: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # why, how often

    def client(self) -> Client:
        if not hasattr(self.local, "client"):
            self.local.client = Client(self.port)
        return self.local.client

    def _timed(
        self, kind: str, method: str, path: str, due: float, label: str = "", **kw
    ) -> tuple[int, bytes]:
        status, body = self.client().request(method, path, **kw)
        took = time.perf_counter() - due
        self.latencies[kind].append(took)
        self.by_path[f"{method} {label or path}"].append(took)
        return status, body

    def _fail(self, what: str) -> None:
        with self.ledger.lock:
            self.errors.append(what)

    def read(self, due: float, rng: random.Random) -> None:
        kind, template = rng.choice(READS)
        path = template.replace("{event}", rng.choice(self.event_keys))
        try:
            status, _body = self._timed(kind, "GET", path, due, template)
        except RETRYABLE as exc:
            return self._fail(f"GET {path}: {exc!r}")
        if status != 200:
            self._fail(f"GET {path}: {status}")

    def export(self, due: float, rng: random.Random) -> None:
        path = rng.choice(EXPORTS)
        try:
            status, _body = self._timed("export", "GET", path, due)
        except RETRYABLE as exc:
            return self._fail(f"GET {path}: {exc!r}")
        if status != 200:
            self._fail(f"GET {path}: {status}")

    def _send(
        self, kind: str, method: str, path: str, due: float, label: str, **kw
    ) -> tuple[int, dict]:
        """One write request, retried (same body, same Idempotency-Key) through network
        errors and 5xx until ``retry_for`` has passed."""
        give_up = time.monotonic() + self.retry_for
        while True:
            try:
                status, body = self._timed(kind, method, path, due, label, **kw)
                if status < 500 or time.monotonic() > give_up:
                    return status, json.loads(body or b"{}") if status < 500 else {}
                why = str(status)
            except RETRYABLE as exc:
                if time.monotonic() > give_up:
                    raise
                why = type(exc).__name__
            with self.ledger.lock:
                self.retries += 1
                self.retried[why] += 1
            time.sleep(0.2)

    def write(self, due: float, rng: random.Random) -> None:
        """Propose an event (or a change to one this run made) as the contributor, then
        approve it as the steward: two requests, both through the changeset services."""
        patch_key = None
        with self.ledger.lock:
            done = [a["key"] for a in self.ledger.applied if a["key"] not in self.busy_keys]
            if done and rng.random() < 0.25:
                patch_key = rng.choice(done)
                self.busy_keys.add(patch_key)
        try:
            self._propose_and_approve(due, rng, patch_key)
        except RETRYABLE as exc:
            self._fail(f"write: {exc!r}")
        finally:
            with self.ledger.lock:
                self.busy_keys.discard(patch_key)

    def _propose_and_approve(self, due: float, rng: random.Random, patch_key: str | None) -> None:
        idem = uuid.uuid4().hex
        participants = rng.randint(5, 60)
        auth = {"Authorization": f"Bearer {self.contributor_token}", "Idempotency-Key": idem}
        sent = -1
        if patch_key:
            body = {"participants": participants, "participant_countries": []}
            with self.ledger.lock:
                sent = len(self.ledger.sent)
                self.ledger.sent.append({"key": patch_key, "participants": participants})
            status, answer = self._send(
                "write",
                "PATCH",
                f"/api/events/{patch_key}",
                due,
                "/api/events/{key}",
                body=body,
                headers=auth,
            )
            title = None
        else:
            title = f"Load test course {idem}"
            body = {
                "title": title,
                "start": f"20{rng.randint(10, 25)}-{rng.randint(1, 12):02d}",
                "country": rng.choice(["JP", "KR", "CN", "ID", "MY"]),
                "participants": participants,
                "partners": [{"institution": "iscn", "role": "co_organiser"}],
                "participant_countries": [{"country": "JP", "count": participants // 2}],
            }
            status, answer = self._send(
                "write", "POST", "/api/events", due, "/api/events", body=body, headers=auth
            )
        if status not in (201, 202, 200):
            return self._fail(f"propose: {status} {answer}")
        changeset = answer["id"] if status == 202 else answer["changeset"]["id"]
        with self.ledger.lock:
            self.ledger.proposed.append({"idempotency_key": idem, "changeset": changeset})
        if status == 202:
            start = time.perf_counter()
            status, answer = self._send(
                "write",
                "POST",
                f"/api/changesets/{changeset}/approve",
                start,
                "/api/changesets/{id}/approve",
                body={"comment": "load test"},
                headers={"Authorization": f"Bearer {self.steward_token}"},
            )
            if status == 409 and self.retry_for:
                # A retry of an approval that went through before the crash: ask what it is.
                status, answer = self._send(
                    "read-back",
                    "GET",
                    f"/api/changesets/{changeset}",
                    time.perf_counter(),
                    "/api/changesets/{id}",
                    headers={"Authorization": f"Bearer {self.steward_token}"},
                )
                if answer.get("status") != "applied":
                    return self._fail(f"approve {changeset}: {answer.get('status')}")
            elif status != 200:
                return self._fail(f"approve {changeset}: {status} {answer}")
            key = answer["changes"][0]["record_key"]
        else:
            key = answer["key"]
        with self.ledger.lock:
            self.ledger.applied.append(
                {
                    "key": key,
                    "title": title,
                    "participants": participants,
                    "changeset": changeset,
                    "sent": sent,
                }
            )

    def warm_up(self, rounds: int) -> None:
        """Every read and export ``rounds`` times, untimed: each worker's first requests load
        templates and code, which a long-running server does once."""
        client = Client(self.port)
        for _ in range(rounds):
            for _kind, path in READS:
                client.request("GET", path.replace("{event}", self.event_keys[0]))
            for path in EXPORTS:
                client.request("GET", path)

    def run(self, seconds: float, rate: float, mix: dict[str, float], seed: int = 1) -> None:
        """Send ``rate`` requests a second for ``seconds``, ``mix`` choosing each one's kind."""
        actions = {"read": self.read, "write": self.write, "export": self.export}
        kinds, weights = list(mix), list(mix.values())
        rng = random.Random(seed)
        total = int(seconds * rate)
        with ThreadPoolExecutor(max_workers=64) as pool:
            start = time.perf_counter()
            for i in range(total):
                due = start + i / rate
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                kind = rng.choices(kinds, weights)[0]
                pool.submit(actions[kind], due, random.Random(rng.random()))
