"""Import speed: ``nscap import`` of N training-event rows (CSV) into PostgreSQL, end to end.

    python bench/import_speed.py [--rows 10000 100000] [--runs 3] [--iie-rows 20000]
                                 [--database-url postgres://postgres@127.0.0.1:5432/nscap_importbench]

The database gets the brief's institutions and vocabularies and a steward; the rows name
existing institutions by key as hosts, with dates, countries, head counts and topics
(``bench/event_rows.py``). Each run imports the file as the steward in a fresh ``nscap``
process (the changeset is applied at once: validation, changeset, history), then the rows are
removed again. Anchors, same run, same rows:

- ``COPY`` of the same rows, already converted to table columns, into the same tables (events
  and their topics, with the same indexes and constraints): the practical limit;
- ``COPY`` into a bare table (the event table's columns, no index, no constraint);
- django-import-export importing the same rows (first ``--iie-rows`` of them, once per size:
  it is slow) with a ``ModelResource`` on the event model, as a Django developer would write it.

Prints medians (and the spread) and ratios; appends rows to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, record, setup_django  # noqa: E402
from bench.event_rows import write_csv  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/nscap_importbench"
USER = "bench-steward"
EVENT_COLUMNS = [
    "id",
    "key",
    "sensitivity",
    "note",
    "version",
    "created_at",
    "updated_at",
    "host_id",
    "title",
    "start",
    "start_precision",
    "end",
    "end_precision",
    "city",
    "country",
    "delivery_mode",
    "participants",
    "participants_qualifier",
]


def create_database(url: str) -> None:
    """Create the benchmark's own database when it is not there yet."""
    import psycopg
    from psycopg import sql

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare() -> tuple[list[str], list[str]]:
    """Brief data and the steward; the public institution keys and the topic keys."""
    from django.core.management import call_command

    from nscap.institutions.models import Institution
    from nscap.testing.roles import make_user
    from nscap.vocabularies.models import Topic

    if not Institution.objects.exists():
        call_command("load_brief", verbosity=0)
    from django.contrib.auth import get_user_model

    if not get_user_model().objects.filter(username=USER).exists():
        make_user(USER, steward=True)
    hosts = list(Institution.objects.filter(sensitivity="public").values_list("key", flat=True))
    return hosts, list(Topic.objects.values_list("key", flat=True))


def clean(prefix: str) -> None:
    """Remove the rows a run added (events, their topics, changesets, changes, history)."""
    from django.db import connection

    like = f"{prefix}-%"
    with connection.cursor() as cursor:
        # Statistics from before the import would plan the deletes below as nested loops over
        # every row (hours at 100k); fresh ones make them hash joins.
        cursor.execute("ANALYZE activities_trainingevent, activities_trainingevent_topics")
        for sql in [
            "DELETE FROM contributions_historyentry WHERE changeset_id IN (SELECT c.id FROM"
            " contributions_changeset c JOIN auth_user u ON u.id = c.author_id"
            " WHERE u.username = %s)",
            "DELETE FROM contributions_change WHERE changeset_id IN (SELECT c.id FROM"
            " contributions_changeset c JOIN auth_user u ON u.id = c.author_id"
            " WHERE u.username = %s)",
            "DELETE FROM contributions_changeset WHERE author_id IN"
            " (SELECT id FROM auth_user WHERE username = %s)",
        ]:
            cursor.execute(sql, [USER])
        cursor.execute(
            "DELETE FROM activities_trainingevent_topics WHERE trainingevent_id IN"
            " (SELECT id FROM activities_trainingevent WHERE key LIKE %s)",
            [like],
        )
        cursor.execute("DELETE FROM activities_trainingevent WHERE key LIKE %s", [like])
        for table in [
            "activities_trainingevent",
            "activities_trainingevent_topics",
            "contributions_change",
            "contributions_historyentry",
        ]:
            cursor.execute(f"VACUUM ANALYZE {table}")


def nscap_import(path: Path, url: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process) of one ``nscap import``, checked to succeed."""
    env = {**os.environ, "DATABASE_URL": url}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "nscap.cli", "import", str(path), "--user", USER, "--no-progress"],
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or "Approved" not in done.stdout:
        raise SystemExit(f"nscap import failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def table_rows(path: Path) -> tuple[list[tuple], list[tuple]]:
    """The file's rows as event table rows and (event id, topic id) rows, ids drawn from the
    table's sequence (done before timing: the anchor times COPY alone)."""
    from django.db import connection
    from django.utils import timezone

    from nscap.core.partial_dates import PartialDate
    from nscap.institutions.models import Institution
    from nscap.vocabularies.models import Topic

    hosts = dict(Institution.objects.values_list("key", "pk"))
    topics = dict(Topic.objects.values_list("key", "pk"))
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('activities_trainingevent', 'id'))"
            " FROM generate_series(1, %s)",
            [len(rows)],
        )
        ids = [value for (value,) in cursor.fetchall()]
    now = timezone.now()
    events, links = [], []
    for pk, row in zip(ids, rows, strict=True):
        start = PartialDate.parse(row["start"])
        end = PartialDate.parse(row["end"]) if row["end"] else None
        events.append(
            (
                pk,
                row["key"],
                "public",
                "",
                1,
                now,
                now,
                hosts[row["host"]],
                row["title"],
                start.date,
                start.precision,
                end.date if end else None,
                end.precision if end else "day",
                row["city"],
                row["country"],
                row["delivery_mode"],
                int(row["participants"]),
                "exact",
            )
        )
        links += [(pk, topics[key.strip()]) for key in row["topics"].split(";")]
    return events, links


def copy_rows(table: str, columns: list[str], rows: list[tuple]) -> None:
    from django.db import connection

    names = ", ".join(f'"{c}"' for c in columns)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def copy_same_tables(events: list[tuple], links: list[tuple]) -> float:
    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic():
        copy_rows("activities_trainingevent", EVENT_COLUMNS, events)
        copy_rows("activities_trainingevent_topics", ["trainingevent_id", "topic_id"], links)
    return time.perf_counter() - started


def copy_bare(events: list[tuple]) -> float:
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare_event")
        cursor.execute("CREATE TABLE bench_bare_event (LIKE activities_trainingevent)")
    started = time.perf_counter()
    with transaction.atomic():
        copy_rows("bench_bare_event", EVENT_COLUMNS, events)
    took = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_bare_event")
    return took


def import_export(path: Path, count: int) -> float:
    """Seconds for django-import-export to import the first ``count`` rows of the file."""
    import tablib
    from import_export import fields, resources, widgets

    from nscap.activities.models import TrainingEvent
    from nscap.core.partial_dates import PartialDate
    from nscap.institutions.models import Institution
    from nscap.vocabularies.models import Topic

    class EventResource(resources.ModelResource):
        host = fields.Field("host", "host", widgets.ForeignKeyWidget(Institution, "key"))
        topics = fields.Field(
            "topics", "topics", widgets.ManyToManyWidget(Topic, separator=";", field="key")
        )

        class Meta:
            model = TrainingEvent
            import_id_fields = ("key",)
            fields = (
                "key",
                "host",
                "title",
                "start",
                "start_precision",
                "end",
                "end_precision",
                "city",
                "country",
                "delivery_mode",
                "participants",
                "topics",
            )

    # Its date widget reads whole dates: partial dates go in as their first day plus precision.
    out = io.StringIO()
    with path.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        writer = csv.DictWriter(out, [*reader.fieldnames, "start_precision", "end_precision"])
        writer.writeheader()
        for number, row in enumerate(reader):
            if number == count:
                break
            for name in ("start", "end"):
                partial = PartialDate.parse(row[name]) if row[name] else None
                row[name] = partial.date.isoformat() if partial else ""
                row[f"{name}_precision"] = partial.precision if partial else "day"
            row["topics"] = row["topics"].replace("; ", ";")
            writer.writerow(row)
    dataset = tablib.Dataset().load(out.getvalue(), format="csv")
    started = time.perf_counter()
    result = EventResource().import_data(dataset, dry_run=False, use_transactions=True)
    took = time.perf_counter() - started
    if result.has_errors() or result.has_validation_errors():
        raise SystemExit("django-import-export reported errors")
    return took


def spread(samples: list[float]) -> str:
    median = statistics.median(samples)
    return f"{(max(samples) - min(samples)) / median * 100:.0f}%" if median else "-"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--iie-rows", type=int, default=20_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    create_database(args.database_url)
    setup_django()
    hosts, topics = prepare()
    work = Path(tempfile.mkdtemp(prefix="nscap-importbench-"))
    figures: list[tuple[str, str]] = []
    load = os.getloadavg()[0]
    print(f"import speed on {args.database_url.rsplit('@', 1)[-1]} (load average {load:.1f})")
    for count in args.rows:
        prefix = f"ib{count}"
        path = write_csv(work / "training_event.csv", count, hosts, topics, prefix)
        clean(prefix)
        walls, cpus = [], []
        for _run in range(args.runs):
            wall, cpu = nscap_import(path, args.database_url)
            walls.append(wall)
            cpus.append(cpu)
            clean(prefix)
        events, links = table_rows(path)
        same, bare = [], []
        for _run in range(args.runs):
            same.append(copy_same_tables(events, links))
            clean(prefix)
            bare.append(copy_bare(events))
        iie_rows = min(count, args.iie_rows)
        iie = import_export(path, iie_rows)
        clean(prefix)
        # The largest child so far: sizes grow, so this is the import of this size.
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        ours = count / statistics.median(walls)
        copy_same = count / statistics.median(same)
        copy_plain = count / statistics.median(bare)
        iie_speed = iie_rows / iie
        print(
            f"{count:>9,} rows  nscap import {ours:9,.0f} rows/s (median of {args.runs}, spread "
            f"{spread(walls)}; CPU {statistics.median(cpus):.1f} s, wall "
            f"{statistics.median(walls):.1f} s; peak memory {peak:,.0f} MB)\n"
            f"{'':16}COPY same tables {copy_same:9,.0f} rows/s (spread {spread(same)})"
            f"  -> ours {ours / copy_same:.2f}x\n"
            f"{'':16}COPY bare table  {copy_plain:9,.0f} rows/s (spread {spread(bare)})"
            f"  -> ours {ours / copy_plain:.2f}x\n"
            f"{'':16}django-import-export {iie_speed:7,.0f} rows/s ({iie_rows:,} rows, one run)"
            f"  -> ours {ours / iie_speed:.0f}x",
            flush=True,
        )
        figures += [
            (
                f"nscap import, {count:,} events, steward, PostgreSQL",
                f"{ours:,.0f} rows/s (median of {args.runs}, spread {spread(walls)}, load "
                f"{load:.1f}, process CPU {count / statistics.median(cpus):,.0f} rows/s, "
                f"peak {peak:,.0f} MB); {ours / copy_same:.2f}x COPY same tables, "
                f"{ours / copy_plain:.2f}x bare COPY, {ours / iie_speed:.0f}x import-export",
            ),
            (f"COPY into the same tables, {count:,} events", f"{copy_same:,.0f} rows/s"),
            (f"COPY into a bare table, {count:,} events", f"{copy_plain:,.0f} rows/s"),
            (
                f"django-import-export, first {iie_rows:,} of the {count:,} events",
                f"{iie_speed:,.0f} rows/s",
            ),
        ]
    if not args.no_record:
        record("import", figures)
    print(f"(files in {work}; results appended to {ROOT / 'docs' / 'benchmarks.md'})")


if __name__ == "__main__":
    main()
