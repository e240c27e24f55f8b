"""Backup and restore at scale: every format on every database, checksums verified.

    python bench/backup.py 1000000 [--postgres postgres://postgres@127.0.0.1:5432]

Fills a SQLite registry (and, with --postgres, a scratch PostgreSQL database on that server)
with SCALE training events hosted by 200 institutions, then times ``nscap backup`` and
``nscap restore`` end to end (each a fresh process, as an operator runs them):

- native backup and restore (SQLite online backup API; pg_dump -Fc / pg_restore), checked by
  comparing a portable dump of the restored database with the source's per-table checksums;
- portable JSON Lines dump and restore into an empty, migrated database of the same kind (the
  restore verifies the checksums itself, reading back what it loaded);
- the move from SQLite to PostgreSQL through the portable dump.

Scratch databases are dropped at the end. Prints the figures and appends them to
docs/benchmarks.md. One run per figure: each takes minutes at 1M rows.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import record  # noqa: E402

HOSTS = 200
COUNTRIES = "JPKRCNIDMYVNTHPH"
BENCH_SECRET = "bench-only"  # noqa: S105 - a throwaway database


def fill(scale: int) -> None:
    """Run in a child process configured for the database to fill: one INSERT ... SELECT."""
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from nscap.activities.models import TrainingEvent
    from nscap.institutions.models import Institution

    hosts = Institution.objects.bulk_create(
        Institution(
            key=f"bench-host-{i}",
            name=f"Bench training centre {i}",
            kind="university",
            country=COUNTRIES[2 * (i % 8) : 2 * (i % 8) + 2],
        )
        for i in range(HOSTS)
    )
    ids = sorted(h.pk for h in hosts)
    assert ids == list(range(ids[0], ids[0] + HOSTS)), "host ids are not contiguous"
    postgres = connection.vendor == "postgresql"
    series = (
        "generate_series(0, %s - 1) AS n(i)"
        if postgres
        else "(WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %s - 1)"
        " SELECT i FROM n)"
    )
    key = "'ev-' || lpad(i::text, 7, '0')" if postgres else "'ev-' || printf('%%07d', i)"
    start = (
        "date '2010-01-01' + (i %% 5000)"
        if postgres
        else "date('2010-01-01', '+' || (i %% 5000) || ' days')"
    )
    table = TrainingEvent._meta.db_table
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = f"""
        INSERT INTO {table} (key, sensitivity, note, version, created_at, updated_at, host_id,
            title, start, start_precision, "end", end_precision, city, country, delivery_mode,
            participants, participants_qualifier)
        SELECT {key}, 'public', '', 1, %s, %s, %s + (i %% {HOSTS}),
            'Physical protection course, run ' || i, {start}, 'day', NULL, 'day',
            CASE WHEN i %% 3 = 0 THEN 'Tōkai' ELSE '' END,
            substr('{COUNTRIES}', (i %% 8) * 2 + 1, 2), 'unknown', 10 + i %% 40, 'exact'
        FROM {series}
    """  # noqa: S608 - bench-only, fixed SQL
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [now, now, ids[0], scale])


def nscap(data_dir: Path, *args: str, database: str | None = None) -> str:
    """Run ``nscap ARGS`` on a database (it must succeed); the seconds the command reports
    for its own work, and the wall-clock seconds with the process start (Django, imports)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(NSCAP_DATA_DIR=str(data_dir), SECRET_KEY=BENCH_SECRET)
    if database:
        env["DATABASE_URL"] = database
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "nscap.cli", *args], env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"nscap {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    print(f"  nscap {' '.join(args)}: {seconds:.1f} s  {result.stdout.strip()[-160:]}")
    own = re.search(r"([0-9.]+) s\)$", result.stdout.strip())
    return f"{own.group(1) if own else '?'} s ({seconds:.1f} s with process start)"


def fill_database(data_dir: Path, scale: int, database: str | None = None) -> None:
    nscap(data_dir, "migrate", "-v", "0", database=database)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        NSCAP_DATA_DIR=str(data_dir),
        SECRET_KEY=BENCH_SECRET,
        DJANGO_SETTINGS_MODULE="nscap.settings",
    )
    if database:
        env["DATABASE_URL"] = database
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, str(scale), "--fill"], env=env, check=True)
    print(f"  filled {scale} events in {time.perf_counter() - started:.0f} s")


def checksums(path: Path) -> list[tuple]:
    with path.open("rb") as raw:
        compressed = raw.read(2) == b"\x1f\x8b"
    if compressed:
        import gzip

        with gzip.open(path, "rt", encoding="utf-8") as source:
            header = json.loads(source.readline())
    else:
        with path.open(encoding="utf-8") as source:
            header = json.loads(source.readline())
    return [(t["table"], t["rows"], t["checksum"]) for t in header["tables"]]


class PostgresServer:
    """Scratch databases on one PostgreSQL server, dropped at the end."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.made: list[str] = []

    def _admin(self, sql: str) -> None:
        subprocess.run(["psql", f"{self.url}/postgres", "-qc", sql], check=True)

    def new(self) -> str:
        name = f"nscap_ops_bench_{uuid.uuid4().hex[:8]}"
        self._admin(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return f"{self.url}/{name}"

    def drop_all(self) -> None:
        for name in self.made:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def size_mb(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.0f} MB"


def run_kind(kind: str, scale: int, work: Path, server: PostgresServer | None) -> list:
    """Backup and restore in both formats on one kind of database; the figures."""
    rows: list[tuple[str, str]] = []
    new_db = server.new if server else (lambda: None)
    source_dir = work / f"{kind}-source"
    source = new_db()
    print(f"{kind}: filling {scale} events")
    fill_database(source_dir, scale, source)
    native = work / f"{kind}.native"
    portable = work / f"{kind}.jsonl"
    seconds = nscap(source_dir, "backup", "-o", str(native), database=source)
    rows.append((f"{kind} native backup, {scale:,} events", f"{seconds}, {size_mb(native)}"))
    seconds = nscap(source_dir, "backup", "--format", "jsonl", "-o", str(portable), database=source)
    rows.append((f"{kind} JSONL dump, {scale:,} events", f"{seconds}, {size_mb(portable)}"))
    expected = checksums(portable)

    target_dir, target = work / f"{kind}-native-target", new_db()
    seconds = nscap(target_dir, "restore", str(native), database=target)
    check = work / f"{kind}-native-target.jsonl"
    nscap(target_dir, "backup", "--format", "jsonl", "-o", str(check), database=target)
    verified = "checksums equal" if checksums(check) == expected else "CHECKSUMS DIFFER"
    rows.append((f"{kind} native restore, {scale:,} events", f"{seconds}, {verified}"))

    target_dir, target = work / f"{kind}-jsonl-target", new_db()
    nscap(target_dir, "migrate", "-v", "0", database=target)
    seconds = nscap(target_dir, "restore", str(portable), database=target)
    rows.append(
        (
            f"{kind} JSONL restore (checksums verified after loading), {scale:,} events",
            seconds,
        )
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scale", type=int, nargs="?", default=100_000)
    parser.add_argument("--postgres", help="server URL without a database name")
    parser.add_argument("--fill", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fill:
        fill(args.scale)
        return
    server = PostgresServer(args.postgres) if args.postgres else None
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="nscap-bench-backup-") as tmp:
        work = Path(tmp)
        try:
            rows += run_kind("SQLite", args.scale, work, None)
            if server:
                rows += run_kind("PostgreSQL", args.scale, work, server)
                target = server.new()
                nscap(work, "migrate", "-v", "0", database=target)
                seconds = nscap(work, "restore", str(work / "SQLite.jsonl"), database=target)
                rows.append(
                    (
                        f"SQLite to PostgreSQL through the JSONL dump, {args.scale:,} events",
                        f"{seconds}, checksums verified",
                    )
                )
        finally:
            if server:
                server.drop_all()
    load = os.getloadavg()[0]
    rows = [(what, f"{figure} (load {load:.1f}, shared machine)") for what, figure in rows]
    for what, figure in rows:
        print(f"{what}: {figure}")
    record("backup", rows)


if __name__ == "__main__":
    main()
