"""Applying many new records of one type at once: the write path of large imports.

``create_many`` does what ``services._apply`` does for one create change, for a batch of them:
the same validated values, the same model validation (``clean_fields`` and ``clean``; keys,
references and check constraints are checked in bulk or by the database), the same history
entry per record; but with one query per referenced table instead of one per row, and rows
written in batches (``COPY`` on PostgreSQL, multi-row ``INSERT`` elsewhere), inside the caller's
transaction, so a failure anywhere still leaves nothing written.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, models

from nscap.contributions.errors import Invalid, Stale
from nscap.contributions.models import Change, Changeset, HistoryEntry
from nscap.contributions.record_types import (
    REFERENCE_MODELS,
    RecordType,
    UnknownReference,
    assign,
    snapshot,
)

BATCH = 2000  # rows per batch: bounded memory, few round trips
# Record types whose child rows are written here. Institutions are not: their labels compute a
# normalized form in Label.save(), so they keep the one-by-one path.
BULK_TYPES = frozenset(
    {"milestone", "course", "training_event", "collaboration_claim", "aggregate_claim", "source"}
)


def keys_to_pks(record_type_name: str, keys: Iterable[str], user: Any) -> dict[str, int]:
    """Key -> primary key of the records of one kind that ``user`` may see (one query)."""
    model = apps.get_model(REFERENCE_MODELS[record_type_name])
    wanted = {key for key in keys if key}
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 5000):  # SQLite limits the parameters of a query
        chunk = sorted(wanted)[start : start + 5000]
        found.update(model.objects.visible_to(user).filter(key__in=chunk).values_list("key", "pk"))
    return found


def _referenced(rt: RecordType, changes: list[Change]) -> dict[str, set[str]]:
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
    rt: RecordType, changes: list[Change], changeset: Changeset, actor: Any, user: Any
) -> None:
    """Create the records of ``changes`` (all creates of ``rt``) with their history entries.

    ``actor`` is recorded in history; references resolve as ``user`` sees them. Raises Stale
    when a key exists already, Invalid (placed on the change and field) for a bad value.
    """
    keys = [change.record_key for change in changes]
    taken = sorted(rt.model.objects.filter(key__in=keys).values_list("key", flat=True))
    if taken:
        raise Stale(f"a {rt.name} with key {taken[0]!r} was created meanwhile")
    pks = {
        target: keys_to_pks(target, wanted, user)
        for target, wanted in _referenced(rt, changes).items()
    }

    def related(target: str, key: str, name: str) -> int:
        if key not in pks[target]:
            raise UnknownReference(name, target, key)
        return pks[target][key]

    instances, errors = [], []
    fk_names = list(rt.refs)
    for change in changes:
        instance = rt.model()
        try:
            assign(rt, instance, change.data, related)
            for name, target in rt.many.items():
                for key in change.data.get(name) or ():
                    related(target, key, name)
            for partner in change.data.get("partners") or ():
                related("institution", partner["institution"], "partners")
            instance.clean_fields(exclude=fk_names)  # references: resolved above, in bulk
            instance.clean()
        except UnknownReference as exc:
            errors.append({"change": change.position, "field": exc.field, "message": str(exc)})
        except ValidationError as exc:
            errors += [
                {"change": change.position, "field": name, "message": " ".join(messages)}
                for name, messages in exc.message_dict.items()
            ]
        instances.append(instance)
    if errors:
        raise Invalid(errors)
    insert(rt.model, instances, pks=True)
    _write_related(rt, changes, instances, pks)
    content_type = ContentType.objects.get_for_model(rt.model)
    action = f"{rt.action_prefix}.create"
    insert(
        HistoryEntry,
        [
            HistoryEntry(
                actor=actor,
                action=action,
                content_type=content_type,
                object_id=instance.pk,
                record_type=rt.name,
                record_key=instance.key,
                changeset=changeset,
                before=change.before,
                after=snapshot(rt, instance, given=change.data),
                message=changeset.comment,
            )
            for change, instance in zip(changes, instances, strict=True)
        ],
    )


def _write_related(rt: RecordType, changes: list[Change], instances: list, pks: dict) -> None:
    """The batch's m2m rows, child rows and confirmation requests."""
    from nscap.activities.models import EventParticipantCountry, EventPartner
    from nscap.contributions.models import ConfirmationRequest

    pairs = list(zip(changes, instances, strict=True))
    for name, target in rt.many.items():
        field = rt.model._meta.get_field(name)
        through = field.remote_field.through
        own, other = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        insert(
            through,
            [
                through(**{own: instance.pk, other: pks[target][key]})
                for change, instance in pairs
                for key in sorted(set(change.data.get(name) or ()))
            ],
        )
    if "partners" in rt.children:
        insert(
            EventPartner,
            [
                EventPartner(
                    event_id=instance.pk,
                    institution_id=pks["institution"][partner["institution"]],
                    role=partner["role"],
                )
                for change, instance in pairs
                for partner in change.data.get("partners") or ()
            ],
        )
    if "participant_countries" in rt.children:
        insert(
            EventParticipantCountry,
            [
                EventParticipantCountry(event_id=instance.pk, **row)
                for change, instance in pairs
                for row in change.data.get("participant_countries") or ()
            ],
        )
    if rt.name == "collaboration_claim":  # a claim about a partner asks the partner to confirm
        insert(
            ConfirmationRequest,
            [
                ConfirmationRequest(claim_id=instance.pk, partner_id=instance.partner_id)
                for instance in instances
                if instance.partner_id
            ],
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
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row(
                    [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
                )
