"""The benchmark registry: the brief's data plus a synthetic region at 10k, 100k or 1M events.

    python bench/dataset.py 100k --database postgres://postgres@127.0.0.1:5432/nscap_bench
    python bench/dataset.py 10k --database sqlite:////tmp/nscap-bench/nscap.sqlite3

Drop and create: the database is emptied (PostgreSQL: the ``public`` schema; SQLite: the file),
migrated, loaded with the brief (so the home page has its headline figures), then filled in
proportion to the number of reported events: one institution per 200 events (each with a name
and an acronym label), one course per 20 events, participant countries for half the events, a
partner for three in ten, a topic for each, one collaboration claim per 50 events, one needs
assessment per 2,000 and a citation for one event in ten. Sensitivities are mostly public, with
some network and restricted records, so the visibility filter has real work on every read.

Rows go in with ``COPY`` on PostgreSQL (psycopg 3 ``cursor.copy``) and ``executemany`` batches
on SQLite, without the changeset services: this is a load generator, not a registry write path
(imports and their speed are the import benchmark's business). Deterministic for a given scale.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SCALES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
# Countries of the region weigh most; a tail of others makes a realistic spread of filters.
COUNTRIES = ["CN", "JP", "KR", "ID", "MY", "VN", "TH", "PH", "SG", "IN", "PK", "MN"]
COUNTRIES += ["US", "GB", "FR", "DE", "AU", "KZ", "BD", "LK", "NP", "KH", "LA", "MM"]
COUNTRY_WEIGHTS = [20, 14, 12, 9, 6, 6, 5, 5, 3, 4, 3, 2] + [2] * 12
KINDS = ["university", "research_institute", "regulator", "operator", "nssc", "ngo"]
ROLES = ["co_organiser", "funder", "trainer", "venue"]
CLAIM_TYPES = ["training_participation", "materials_exchange", "seminar", "mou", "unspecified"]
BATCH = 10_000


def scale_of(text: str) -> int:
    """``10k`` / ``100k`` / ``1M`` (or a plain number) as a number of events."""
    lowered = text.strip().lower()
    if lowered in SCALES:
        return SCALES[lowered]
    return int(lowered.replace("_", ""))


def sensitivity(rng: random.Random, network: float, restricted: float) -> str:
    roll = rng.random()
    if roll < restricted:
        return "restricted"
    if roll < restricted + network:
        return "network"
    return "public"


# --- database set-up ---------------------------------------------------------------------------


def configure(url: str) -> None:
    """Point the settings at ``url`` (before Django starts)."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nscap.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("NSCAP_DATA_DIR", tempfile.mkdtemp(prefix="nscap-bench-"))


def create_database(url: str) -> None:
    """Create the PostgreSQL database of ``url`` when it does not exist (a fresh machine)."""
    import psycopg
    from psycopg import sql

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if found.fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_and_create(url: str) -> None:
    """Empty the database, then migrate it and load the brief."""
    parsed = urlparse(url)
    if parsed.scheme.startswith("sqlite"):
        path = Path(parsed.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        create_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_brief", verbosity=0)


# --- rows -------------------------------------------------------------------------------------


class Table:
    """A model's table: the columns we set per row, then every other column at its default."""

    def __init__(self, model, given: list[str], now: str):
        self.model = model
        self.name = model._meta.db_table
        # An auto primary key left out is the database's to number.
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.column not in given
            and not (f.primary_key and f.get_internal_type().endswith("AutoField"))
        ]
        self.columns = given + [f.column for f in fields]
        self.tail = tuple(self._default(f, now) for f in fields)

    @staticmethod
    def _default(field, now: str):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return now
        if field.has_default():
            value = field.get_default()
            return "[]" if value == [] else value
        return None if field.null else ""

    def rows(self, values: Iterable[tuple]) -> Iterator[tuple]:
        tail = self.tail
        return (row + tail for row in values)


def next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def write(table: Table, rows: Iterable[tuple]) -> int:
    """Insert ``rows`` (values for ``table.columns``) as fast as the database allows."""
    from django.db import connection

    count = 0
    columns = ", ".join(connection.ops.quote_name(c) for c in table.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
                for row in table.rows(rows):
                    copy.write_row(row)
                    count += 1
            return count
        marks = ", ".join("?" for _ in table.columns)
        # Table and column names come from the models, never from input.
        sql = f"INSERT INTO {table.name} ({columns}) VALUES ({marks})"  # noqa: S608
        batch: list[tuple] = []
        for row in table.rows(rows):
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def reset_sequences(models: list) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def fill(events: int, seed: int = 5) -> dict[str, int]:
    """Add the synthetic region for ``events`` reported events; returns rows per table."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from nscap.activities.models import (
        Course,
        EventParticipantCountry,
        EventPartner,
        TrainingEvent,
    )
    from nscap.collaboration.models import CollaborationClaim
    from nscap.institutions.models import Institution, Label
    from nscap.needs.models import NeedsAssessment
    from nscap.sources.models import Citation, Source
    from nscap.vocabularies.models import TargetGroup, Topic

    rng = random.Random(seed)
    stamp = datetime.now(UTC)
    now = stamp.replace(tzinfo=None).isoformat(" ") if connection.vendor == "sqlite" else stamp
    n_inst = max(20, events // 200)
    n_courses = max(10, events // 20)
    topics = list(Topic.objects.values_list("pk", flat=True))
    groups = list(TargetGroup.objects.values_list("pk", flat=True))
    counts: dict[str, int] = {}

    with transaction.atomic():
        inst0 = next_id(Institution)
        inst_country = rng.choices(COUNTRIES, COUNTRY_WEIGHTS, k=n_inst)
        inst_sens = [sensitivity(rng, 0.03, 0.02) for _ in range(n_inst)]
        table = Table(Institution, ["id", "key", "name", "kind", "country", "sensitivity"], now)
        counts["institution"] = write(
            table,
            (
                (inst0 + i, f"bench-inst-{i}", f"Bench Institute {i}", KINDS[i % len(KINDS)])
                + (inst_country[i], inst_sens[i])
                for i in range(n_inst)
            ),
        )
        table = Table(
            Label, ["institution_id", "text", "language", "kind", "preferred", "normalized"], now
        )
        counts["label"] = write(
            table,
            (
                row
                for i in range(n_inst)
                for row in (
                    (inst0 + i, f"Bench Institute {i}", "en", "name", True, f"bench institute {i}"),
                    (inst0 + i, f"BI{i}", "en", "acronym", False, f"bi{i}"),
                )
            ),
        )

        course0 = next_id(Course)
        course_provider = [inst0 + rng.randrange(n_inst) for _ in range(n_courses)]
        table = Table(Course, ["id", "key", "provider_id", "title", "sensitivity"], now)
        counts["course"] = write(
            table,
            (
                (course0 + c, f"bench-course-{c}", course_provider[c], f"Bench course {c}")
                + (sensitivity(rng, 0.05, 0.02),)
                for c in range(n_courses)
            ),
        )

        event0 = next_id(TrainingEvent)
        day0 = date(2000, 1, 1)
        columns = ["id", "key", "host_id", "course_id", "title", "start", "end", "country"]
        columns += ["participants", "sensitivity", "city"]
        table = Table(TrainingEvent, columns, now)
        hosts: list[int] = []

        def event_rows() -> Iterator[tuple]:
            for e in range(events):
                course = rng.randrange(n_courses) if rng.random() < 0.8 else None
                host = (
                    course_provider[course] if course is not None else inst0 + rng.randrange(n_inst)
                )
                hosts.append(host)
                start = day0 + timedelta(days=rng.randrange(26 * 365))
                # Most events run in the host's country; some travel.
                country = (
                    inst_country[host - inst0]
                    if rng.random() < 0.8
                    else rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]
                )
                yield (
                    event0 + e,
                    f"bench-event-{e}",
                    host,
                    None if course is None else course0 + course,
                    f"Bench event {e}",
                    start.isoformat(),
                    (start + timedelta(days=rng.randrange(5))).isoformat(),
                    country,
                    rng.randrange(5, 80),
                    sensitivity(rng, 0.07, 0.03),
                    f"City {e % 500}",
                )

        counts["training_event"] = write(table, event_rows())

        table = Table(EventParticipantCountry, ["event_id", "country", "count"], now)
        counts["event_participant_country"] = write(
            table,
            (
                (event0 + e, country, rng.randrange(1, 30))
                for e in range(0, events, 2)
                for country in rng.sample(COUNTRIES, 2)
            ),
        )

        def partner_rows() -> Iterator[tuple]:
            for e in range(events):
                if rng.random() < 0.3:
                    partner = inst0 + rng.randrange(n_inst)
                    if partner != hosts[e]:
                        yield (event0 + e, partner, rng.choice(ROLES))

        table = Table(EventPartner, ["event_id", "institution_id", "role"], now)
        counts["event_partner"] = write(table, partner_rows())
        if topics:
            through = TrainingEvent.topics.through
            table = Table(through, ["trainingevent_id", "topic_id"], now)
            counts["event_topic"] = write(
                table, ((event0 + e, rng.choice(topics)) for e in range(events))
            )

        claim0 = next_id(CollaborationClaim)

        def claim_rows() -> Iterator[tuple]:
            for c in range(max(10, events // 50)):
                claimant = inst0 + rng.randrange(n_inst)
                partner = inst0 + rng.randrange(n_inst)
                if partner == claimant:
                    continue
                kind, sens = rng.choice(CLAIM_TYPES), sensitivity(rng, 0.05, 0.05)
                yield (claim0 + c, f"bench-claim-{c}", claimant, partner, kind, sens)

        columns = ["id", "key", "claimant_id", "partner_id", "type", "sensitivity"]
        table = Table(CollaborationClaim, columns, now)
        counts["collaboration_claim"] = write(table, claim_rows())

        needs0 = next_id(NeedsAssessment)
        columns = ["id", "key", "title", "assessor_id", "country", "topic_id", "target_group_id"]
        table = Table(NeedsAssessment, [*columns, "sensitivity"], now)
        counts["needs_assessment"] = write(
            table,
            (
                (needs0 + n, f"bench-needs-{n}", f"Bench needs assessment {n}")
                + (inst0 + rng.randrange(n_inst), rng.choice(COUNTRIES))
                + (rng.choice(topics) if topics else None, rng.choice(groups) if groups else None)
                + (sensitivity(rng, 0.1, 0.1),)
                for n in range(max(5, events // 2000))
            ),
        )

        source = Source.objects.create(key="bench-source", title="Bench reports", kind="report")
        event_type = ContentType.objects.get_for_model(TrainingEvent).pk
        table = Table(Citation, ["source_id", "content_type_id", "object_id", "locator"], now)
        counts["citation"] = write(
            table,
            ((source.pk, event_type, event0 + e, f"p. {e}") for e in range(0, events, 10)),
        )
        reset_sequences([Institution, Course, TrainingEvent, CollaborationClaim, NeedsAssessment])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scale", help="reported events: 10k, 100k, 1M or a number")
    parser.add_argument("--database", required=True, help="postgres://… or sqlite:////path")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    events = scale_of(args.scale)
    configure(args.database)
    started = time.perf_counter()
    drop_and_create(args.database)
    prepared = time.perf_counter()
    counts = fill(events, args.seed)
    done = time.perf_counter()
    total = sum(counts.values())
    print(f"{args.database}: {events:,} events; migrate + brief {prepared - started:.1f} s")
    for name, count in counts.items():
        print(f"  {name:28s} {count:>10,}")
    print(f"  {total:,} rows in {done - prepared:.1f} s ({total / (done - prepared):,.0f} rows/s)")


if __name__ == "__main__":
    main()
