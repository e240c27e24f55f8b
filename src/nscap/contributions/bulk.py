"""Applying many new records of one type at once: the write path of large imports.

``create_many`` does what ``services._apply`` does for one create change, for a batch of them:
the same validated values, the same model validation (``clean_fields`` and ``clean``; keys,
references and check constraints are checked in bulk or by the database), the same history
entry per record; but with one query per referenced table instead of one per row, and rows
written in batches (``COPY`` on PostgreSQL, multi-row ``INSERT`` elsewhere), inside the caller's
transaction, so a failure anywhere still leaves nothing written.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, NamedTuple

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import prefetch_related_objects
from django.utils import timezone
from pydantic_core import to_json

from nscap.contributions.choices import ConfirmationAnswer
from nscap.contributions.errors import Invalid, Stale
from nscap.contributions.models import Changeset, HistoryEntry
from nscap.contributions.record_types import (
    CHILD_ORDER,
    PREFETCH,
    RECORD_TYPES,
    REFERENCE_MODELS,
    RecordType,
    UnknownReference,
    assign,
    forget_inferred_marks,
    snapshot,
)

BATCH = 2000  # rows per batch: bounded memory, few round trips
# Record types whose child rows are written here. Institutions are not: their labels compute a
# normalized form in Label.save(), so they keep the one-by-one path.
BULK_TYPES = frozenset(
    {
        "milestone",
        "course",
        "training_event",
        "collaboration_claim",
        "aggregate_claim",
        "source",
        "needs_figure",  # a demand survey is thousands of cells (issue 14)
    }
)


class PendingChange(NamedTuple):
    """One change of a changeset as ``_apply`` needs it (a row of ``Change``, without the
    cost of a model instance)."""

    position: int
    action: str
    record_type: str
    record_key: str
    base_version: int | None
    data: dict[str, Any]
    before: dict[str, Any]


def pending_changes(changeset: Changeset) -> Iterator[PendingChange]:
    """The changeset's changes in order, read a batch at a time.

    Batches by position, not a server-side cursor: a change that fails rolls the transaction
    back, and a cursor closed after that would fail again (PostgreSQL).
    """
    rows = changeset.changes.order_by("position").values_list(*PendingChange._fields)
    last = -1
    while batch := list(rows.filter(position__gt=last)[:BATCH]):
        yield from (PendingChange(*row) for row in batch)
        last = batch[-1][0]


HISTORY_COLUMNS = [
    "at",
    "actor_id",
    "action",
    "content_type_id",
    "object_id",
    "record_type",
    "record_key",
    "changeset_id",
    "before",
    "after",
    "message",
]


def keys_to_pks(record_type_name: str, keys: Iterable[str], user: Any) -> dict[str, int]:
    """Key -> primary key of the records of one kind that ``user`` may see (one query)."""
    model = apps.get_model(REFERENCE_MODELS[record_type_name])
    wanted = sorted({key for key in keys if key})
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 5000):  # SQLite limits the parameters of a query
        chunk = wanted[start : start + 5000]
        found.update(model.objects.visible_to(user).filter(key__any=chunk).values_list("key", "pk"))
    return found


def _referenced(rt: RecordType, changes: list[PendingChange]) -> dict[str, set[str]]:
    """Record type -> every key the batch refers to."""
    wanted: dict[str, set[str]] = {}
    for change in changes:
        data = change.data
        for name, target in rt.refs.items():
            if data.get(name):
                wanted.setdefault(target, set()).add(data[name])
        for name, target in rt.many.items():
            wanted.setdefault(target, set()).update(data.get(name) or ())
        for partner in data.get("partners") or ():
            wanted.setdefault("institution", set()).add(partner["institution"])
    return wanted


def create_many(
    rt: RecordType, changes: list[PendingChange], changeset: Changeset, actor: Any, user: Any
) -> None:
    """Create the records of ``changes`` (all creates of ``rt``) with their history entries.

    ``actor`` is recorded in history; references resolve as ``user`` sees them. Raises Stale
    when a key exists already, Invalid (placed on the change and field) for a bad value.
    """
    keys = [change.record_key for change in changes]
    taken = sorted(rt.model.objects.filter(key__any=keys).values_list("key", flat=True))
    if taken:
        raise Stale(f"a {rt.name} with key {taken[0]!r} was created meanwhile")
    pks, resolve = _resolver(rt, changes, user)
    # A reference to a record of this batch (a report's ``same_as`` naming another row of the
    # same file) has no primary key before the batch is written: it is set right after.
    in_batch = set(keys) - set(pks.get(rt.name, ()))
    deferred: list[tuple[int, str, str]] = []  # (index in batch, field, key)

    def related(target: str, key: str, name: str) -> int | None:
        if target == rt.name and key in in_batch and name in rt.refs:
            deferred.append((len(instances), name, key))
            return None
        return resolve(target, key, name)

    instances, errors = [], []
    limits = _lengths(rt)
    for change in changes:
        instance = rt.model()
        errors += _assigned(rt, instance, change, related, limits, children=True)
        instances.append(instance)
    if errors:
        raise Invalid(errors)
    insert(rt.model, instances, pks=True)
    _link_within_batch(rt, instances, deferred)
    _write_related(rt, changes, instances, pks)
    _history_rows(rt, "create", changes, instances, changeset, actor)


def _link_within_batch(
    rt: RecordType, instances: list[models.Model], deferred: list[tuple[int, str, str]]
) -> None:
    """Set the references to records of the same batch, now that they have primary keys."""
    if not deferred:
        return
    pk_of = {instance.key: instance.pk for instance in instances}
    for index, name, key in deferred:
        setattr(instances[index], f"{name}_id", pk_of[key])
    fields = sorted({name for _index, name, _key in deferred})
    rt.model.objects.bulk_update(
        [instances[index] for index in sorted({i for i, _n, _k in deferred})],
        fields,
        batch_size=BATCH,
    )


def _resolver(rt: RecordType, changes: list[PendingChange], user: Any) -> tuple[dict, Callable]:
    """The keys the changes refer to, as ``user`` sees them (one query per table), and
    ``related(target, key, field)``: a key's primary key, or UnknownReference."""
    pks = {
        target: keys_to_pks(target, wanted, user)
        for target, wanted in _referenced(rt, changes).items()
    }

    def related(target: str, key: str, name: str) -> int:
        if key not in pks[target]:
            raise UnknownReference(name, target, key)
        return pks[target][key]

    return pks, related


def _assigned(
    rt: RecordType,
    instance: models.Model,
    change: PendingChange,
    related: Callable,
    limits: list[tuple[str, int]],
    *,
    children: bool,
) -> list[dict]:
    """Set the change's values on ``instance``; the problems found, placed on change and field.

    The schema validated each value (types, choices, ranges); what remains of full_clean: text
    lengths, the record's own rules (clean), and keys, references and check constraints, which
    are checked in bulk here (``children``: also the keys its m2m and child rows name) or by
    the database.
    """
    errors = []
    try:
        assign(rt, instance, change.data, related)
        forget_inferred_marks(instance, change.data, change.before or {})
        if children:
            for name, target in rt.many.items():
                for key in change.data.get(name) or ():
                    related(target, key, name)
            for partner in change.data.get("partners") or ():
                related("institution", partner["institution"], "partners")
        errors += [
            {"change": change.position, "field": name, "message": message}
            for name, message in _too_long(instance, limits)
        ]
        instance.clean()
    except UnknownReference as exc:
        errors.append({"change": change.position, "field": exc.field, "message": str(exc)})
    except ValidationError as exc:
        errors += [
            {"change": change.position, "field": name, "message": " ".join(messages)}
            for name, messages in exc.message_dict.items()
        ]
    return errors


def _history_rows(
    rt: RecordType,
    action: str,
    changes: list[PendingChange],
    instances: list,
    changeset: Changeset,
    actor: Any,
) -> None:
    """One history entry per written record; ``after`` from the values just written."""
    content_type = ContentType.objects.get_for_model(rt.model)
    action, now = f"{rt.action_prefix}.{action}", timezone.now()
    insert_rows(
        HistoryEntry,
        HISTORY_COLUMNS,
        (
            (
                now,
                actor.pk if actor else None,
                action,
                content_type.pk,
                instance.pk,
                rt.name,
                instance.key,
                changeset.pk,
                change.before,
                snapshot(rt, instance, given=change.data),
                changeset.comment,
            )
            for change, instance in zip(changes, instances, strict=True)
        ),
    )


def current_records(changes: Iterable[Any], user: Any) -> dict[tuple[str, str], tuple]:
    """(record type, key) -> (record, its snapshot) for the update and delete changes, as
    ``user`` sees them: a few queries per table and chunk instead of about ten per change (a
    bulk merge of 10,000 reports is 10,000 updates). References and m2m keys are read as plain
    values (``snapshot(given=)``), not as model instances: at 10,000 records Django's
    select_related and prefetch machinery cost seconds; child rows are prefetched."""
    wanted: dict[str, set[str]] = {}
    for change in changes:
        if change.action != "create" and change.record_type in RECORD_TYPES and change.key:
            wanted.setdefault(change.record_type, set()).add(change.key)
    found: dict[tuple[str, str], tuple] = {}
    for name, keys in wanted.items():
        rt = RECORD_TYPES[name]
        queryset = rt.visible(user).order_by()
        ordered = sorted(keys)
        for start in range(0, len(ordered), 5000):  # SQLite limits a query's parameters
            records = list(queryset.filter(key__any=ordered[start : start + 5000]))
            for record, given in zip(records, _given(rt, records), strict=True):
                found[name, record.key] = (record, snapshot(rt, record, given=given))
    return found


def _given(rt: RecordType, records: list[models.Model]) -> list[dict[str, Any]]:
    """Each record's references as keys, m2m as key lists, and child rows, for ``snapshot``."""
    pks = [record.pk for record in records]
    ref_keys = {}
    for name, target in rt.refs.items():
        ids = {getattr(record, f"{name}_id") for record in records} - {None}
        model = apps.get_model(REFERENCE_MODELS[target])
        ref_keys[name] = dict(model.objects.filter(pk__in=ids).values_list("pk", "key"))
    many: dict[str, dict[int, list[str]]] = {}
    for name in rt.many:
        field = rt.model._meta.get_field(name)
        through = field.remote_field.through
        owner, other = field.m2m_field_name(), field.m2m_reverse_field_name()
        many[name] = defaultdict(list)
        for record_id, key in through.objects.filter(**{f"{owner}__in": pks}).values_list(
            f"{owner}_id", f"{other}__key"
        ):
            many[name][record_id].append(key)
    children: dict[str, dict[int, list[dict]]] = {}
    for name, read in rt.children.items():
        relation = _child_relation(rt, name)
        if relation is None:  # not rows of their own (cited sources): read one by one
            children[name] = {record.pk: read(record) for record in records}
            continue
        # prefetched only for the records that have such rows: Django's prefetch costs about
        # a tenth of a millisecond per record even when there is nothing to fetch
        owner = relation.field.name
        having = set(
            relation.related_model.objects.filter(**{f"{owner}__in": pks})
            .values_list(f"{owner}_id", flat=True)
            .distinct()
        )
        subset = [record for record in records if record.pk in having]
        lookups = [p for p in PREFETCH.get(rt.name, ()) if p.split("__")[0] == name]
        prefetch_related_objects(subset, *lookups)
        children[name] = {record.pk: read(record) for record in subset}
    return [
        {
            **{n: ref_keys[n].get(getattr(r, f"{n}_id")) for n in rt.refs},
            **{n: many[n].get(r.pk, []) for n in rt.many},
            **{n: children[n].get(r.pk, []) for n in rt.children},
        }
        for r in records
    ]


def _child_relation(rt: RecordType, name: str) -> Any:
    """The reverse foreign key behind a record's child rows (partners, labels), or None."""
    try:
        relation = rt.model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return relation if relation.one_to_many and relation.auto_created else None


def current_versions(keys: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """Record type -> key -> current version, for (record type, key) pairs (a revert's base)."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for name, key in keys:
        wanted[name].add(key)
    versions: dict[str, dict[str, int]] = {}
    for name, names in wanted.items():
        ordered = sorted(names)
        versions[name] = {}
        for start in range(0, len(ordered), 5000):
            versions[name].update(
                RECORD_TYPES[name]
                .model.objects.filter(key__any=ordered[start : start + 5000])
                .values_list("key", "version")
            )
    return versions


def updates_in_place(rt: RecordType, change: PendingChange) -> bool:
    """Whether ``update_many`` may apply ``change``: an update of a bulk type that leaves the
    record's m2m and child rows as they were (a merge sets ``same_as`` and nothing else).
    Claims are left out: applying one may ask its partner to confirm (``_after_apply``)."""
    if change.action != "update" or rt.name not in BULK_TYPES - {"collaboration_claim"}:
        return False
    data, before = change.data, change.before
    for name in rt.many:
        if name in data and sorted(set(data[name] or ())) != sorted(set(before.get(name) or ())):
            return False
    for name in rt.children:
        order = CHILD_ORDER.get(name, str)  # cited sources are plain keys
        if name in data and sorted(data[name] or (), key=order) != sorted(
            before.get(name) or (), key=order
        ):
            return False
    return True


def update_many(
    rt: RecordType, changes: list[PendingChange], changeset: Changeset, actor: Any, user: Any
) -> None:
    """Apply update changes of ``rt`` that ``updates_in_place`` accepted (each record once),
    with their history entries: the same checks as one update (the record exists and is at the
    change's base version, references resolve as ``user`` sees them, the record's own rules),
    written as one ``UPDATE`` statement run for the batch on the columns that changed.

    Raises Stale (nothing applied, in the caller's transaction) or Invalid (change and field).
    """
    keys = [change.record_key for change in changes]
    current: dict[str, models.Model] = {}
    for start in range(0, len(keys), 5000):
        current.update(
            (instance.key, instance)
            for instance in rt.model.objects.select_for_update(of=("self",))
            .filter(key__any=keys[start : start + 5000])
            .order_by()
        )
    refs_only = [
        change._replace(data={name: change.data.get(name) for name in rt.refs})
        for change in changes
    ]
    pks, related = _resolver(rt, refs_only, user)
    _keep_links_had(rt, changes, pks)
    fields = [f for f in rt.model._meta.concrete_fields if not f.primary_key]
    limits = _lengths(rt)
    changed = {f.attname for f in fields if getattr(f, "auto_now", False)} | {"version"}
    instances, errors = [], []
    for change in changes:
        instance = current.get(change.record_key)
        if instance is None:
            raise Stale(f"{rt.name} {change.record_key} no longer exists")
        if instance.version != change.base_version:
            raise Stale(
                f"{rt.name} {instance.key} changed since this changeset was made "
                f"(version {change.base_version}, now {instance.version}); nothing was applied"
            )
        old = [getattr(instance, f.attname) for f in fields]
        errors += _assigned(rt, instance, change, related, limits, children=False)
        changed.update(
            f.attname
            for f, value in zip(fields, old, strict=True)
            if getattr(instance, f.attname) != value
        )
        instance.version += 1
        instances.append(instance)
    if errors:
        raise Invalid(errors)
    _update_rows(rt.model, [f for f in fields if f.attname in changed], instances)
    _history_rows(rt, "update", changes, instances, changeset, actor)


def _keep_links_had(rt: RecordType, changes: list[PendingChange], pks: dict) -> None:
    """Links the records already had resolve whoever writes, even to records hidden from the
    writer (as ``record_types.write`` does); new hidden links were refused when proposed
    (``rules.link_errors``)."""
    had: dict[str, set[str]] = defaultdict(set)
    for change in changes:
        for name, target in rt.refs.items():
            key = (change.before or {}).get(name)
            if key and key not in pks.get(target, {}):
                had[target].add(key)
    for target, keys in had.items():
        model = apps.get_model(REFERENCE_MODELS[target])
        ordered = sorted(keys)
        for start in range(0, len(ordered), 5000):
            pks.setdefault(target, {}).update(
                model.objects.filter(key__any=ordered[start : start + 5000]).values_list(
                    "key", "pk"
                )
            )


def _update_rows(model: type[models.Model], fields: list, instances: list) -> None:
    """``UPDATE table SET <fields> WHERE id = ...`` for each instance, a batch per round trip
    (``executemany``); check constraints and foreign keys are checked by the database."""
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    pk = model._meta.pk
    # Names come from the model's meta, quoted; values go as parameters.
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(pk.column)} = %s"  # noqa: S608
    real = connections[DEFAULT_DB_ALIAS]  # the proxy looks the connection up on every use
    rows = (
        [f.get_db_prep_save(f.pre_save(instance, False), real) for f in fields] + [instance.pk]
        for instance in instances
    )
    with connection.cursor() as cursor:
        while batch := list(islice(rows, BATCH)):
            cursor.executemany(sql, batch)


def _lengths(rt: RecordType) -> list[tuple[str, int]]:
    """(field, max_length) of the record's text columns."""
    return [
        (f.attname, f.max_length)
        for f in rt.model._meta.concrete_fields
        if isinstance(f, models.CharField) and f.max_length and not f.choices
    ]


def _too_long(instance: models.Model, limits: list[tuple[str, int]]) -> Iterator[tuple]:
    for name, limit in limits:
        value = getattr(instance, name)
        if value and len(value) > limit:  # the validator only for its message
            try:
                MaxLengthValidator(limit)(value)
            except ValidationError as exc:
                yield name, " ".join(exc.messages)


def _write_related(
    rt: RecordType, changes: list[PendingChange], instances: list, pks: dict
) -> None:
    """The batch's m2m rows, child rows and confirmation requests."""
    from nscap.activities.models import EventParticipantCountry, EventPartner
    from nscap.contributions.models import ConfirmationRequest

    pairs = list(zip(changes, instances, strict=True))
    for name, target in rt.many.items():
        field = rt.model._meta.get_field(name)
        insert_rows(
            field.remote_field.through,
            [f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"],
            (
                (instance.pk, pks[target][key])
                for change, instance in pairs
                for key in sorted(set(change.data.get(name) or ()))
            ),
        )
    if "partners" in rt.children:
        insert_rows(
            EventPartner,
            ["event_id", "institution_id", "role"],
            (
                (instance.pk, pks["institution"][partner["institution"]], partner["role"])
                for change, instance in pairs
                for partner in change.data.get("partners") or ()
            ),
        )
    if "participant_countries" in rt.children:
        insert_rows(
            EventParticipantCountry,
            ["event_id", "country", "count"],
            (
                (instance.pk, row["country"], row["count"])
                for change, instance in pairs
                for row in change.data.get("participant_countries") or ()
            ),
        )
    if rt.name == "collaboration_claim":  # a claim about a partner asks the partner to confirm
        now = timezone.now()
        insert_rows(
            ConfirmationRequest,
            ["claim_id", "partner_id", "answer", "comment", "created_at"],
            (
                (instance.pk, instance.partner_id, ConfirmationAnswer.PENDING, "", now)
                for instance in instances
                if instance.partner_id
            ),
        )


def insert(model: type[models.Model], objs: list[models.Model], *, pks: bool = False) -> None:
    """Insert ``objs`` (new rows); with ``pks``, each gets its primary key.

    PostgreSQL: ``COPY`` (ids drawn from the table's sequence first); elsewhere a multi-row
    INSERT per batch. Either way inside the caller's transaction.
    """
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=BATCH)
        return
    meta = model._meta
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if pks or f is not pk]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if pks:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, pk.column, len(objs)],
            )
            for obj, (value,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = value
                obj._state.adding = False
        columns = ", ".join(quote(f.column) for f in fields)
        plain = [_plain(f) for f in fields]
        with _copy(cursor, f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row(
                    [
                        getattr(obj, f.attname)
                        if simple
                        else f.get_db_prep_save(f.pre_save(obj, True), connection)
                        for f, simple in zip(fields, plain, strict=True)
                    ]
                )


def insert_rows(
    model: type[models.Model], columns: list[str], rows: Iterable[tuple], *first: Any
) -> None:
    """Insert plain rows (values in ``columns`` order, by attribute name: ``changeset_id``)
    without making model instances: the history, change and m2m rows of large imports.
    ``first``: values that start every row (for the columns before the rows' own).

    PostgreSQL: ``COPY``; elsewhere ``executemany`` a batch at a time. JSON and date-time values
    are adapted here, everything else is written as given.
    """
    meta = model._meta
    fields = [next(f for f in meta.concrete_fields if f.attname == name) for name in columns]
    adapt = [_adapter(f) for f in fields]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)

    def prepared(row: tuple) -> list:
        return [fn(v) if fn else v for fn, v in zip(adapt, (*first, *row), strict=True)]

    iterator = iter(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with _copy(cursor, f"COPY {quote(meta.db_table)} ({names}) FROM STDIN") as copy:
                for row in iterator:
                    copy.write_row(prepared(row))
            return
        marks = ", ".join(["%s"] * len(fields))
        # Names come from the model's meta, quoted; values go as parameters.
        sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
        while batch := list(islice(iterator, BATCH)):
            cursor.executemany(sql, [prepared(row) for row in batch])


def _copy(cursor: Any, statement: str) -> Any:
    """A ``COPY ... FROM STDIN`` whose data a thread sends while Python prepares the next rows:
    the server converts, indexes and checks rows at the same time instead of in turns."""
    from psycopg.copy import QueuedLibpqWriter  # psycopg is there only with PostgreSQL

    raw = cursor.cursor
    return raw.copy(statement, writer=QueuedLibpqWriter(raw))


def _plain(field: models.Field) -> bool:
    """Whether psycopg writes the field's attribute as it is (no pre_save, no adaptation)."""
    return isinstance(
        field,
        models.CharField
        | models.TextField
        | models.IntegerField
        | models.BooleanField
        | models.ForeignKey,
    ) or (type(field) is models.DateField and not (field.auto_now or field.auto_now_add))


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    if isinstance(field, models.JSONField):
        # The values are plain JSON already (model_dump(mode="json")); pydantic's encoder is
        # several times faster than json.dumps, and PostgreSQL normalizes the text as jsonb.
        return _json_text if connection.vendor == "postgresql" else json.dumps
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    return None


def _json_text(value: Any) -> str:
    return to_json(value).decode()
