"""The tables of an export, found from the models: every kind of record a viewer may see.

An export must hold every record type (issue 14, item 7), including those nobody wrote an
import sheet for yet. So the tables are not a hand list: they are read from the models.

1. **Record types** (``contributions.record_types.RECORD_TYPES``, in that order): the import's
   columns (``interchange.fields``), then *read-only* columns for what the model stores beyond
   the schema (a claim's ``confirmation``, a milestone's ``counterpart``). The import accepts
   and ignores read-only columns, so exporting and importing the same file changes nothing.
2. **Other records**: every concrete model of the nscap apps with a ``key`` and a
   ``visible_to`` manager that is not a record type yet (quantities, networks, memberships,
   meetings, center profiles, needs assessments, topics, target groups). Its columns are the
   model's fields; a table is read-only (the import skips it). When a model becomes a record
   type, it moves to (1) by itself and becomes importable.
3. **citation**: which record cites which source, at which footnote, locator and quote.

Every table is read through ``visible_to(user)``, and every reference through the shared link
redaction (``contributions.redaction.drop_hidden_links``), so no table names a hidden record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from pydantic import BaseModel

from nscap.contributions.record_types import RECORD_TYPES, RecordType
from nscap.contributions.redaction import drop_hidden_links
from nscap.core.partial_dates import PartialDate

BOOKKEEPING = frozenset({"id", "version", "created_at", "updated_at"})
CITATION = "citation"
CITATION_COLUMNS = (
    "citing_type",
    "citing_record",
    "field",
    "source",
    "footnote",
    "locator",
    "quote",
)
CHUNK = 500


@dataclass(frozen=True)
class Column:
    """A column read from a model field: ``kind`` is value, number, date, json, ref or keys;
    ``target`` the model label a ref or keys column names (by key)."""

    name: str
    kind: str
    target: str = ""


@dataclass(frozen=True)
class Table:
    """One table of an export: a record type (importable) or another kind of record."""

    name: str
    model: type[models.Model]
    record_type: RecordType | None
    columns: tuple[Column, ...]  # a record type's read-only columns, or all of another's

    @property
    def importable(self) -> bool:
        return self.record_type is not None

    @property
    def links(self) -> RecordType:
        """The columns' references, in the form the shared link redaction reads."""
        return RecordType(
            self.name,
            self.model._meta.label,
            BaseModel,
            "",
            None,
            refs={c.name: c.target for c in self.columns if c.kind == "ref"},
            many={c.name: c.target for c in self.columns if c.kind == "keys"},
        )


def table_name(model: type[models.Model]) -> str:
    """``NeedsAssessment`` -> ``needs_assessment``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", model._meta.object_name).lower()


def is_record_model(model: type[models.Model]) -> bool:
    """A registry record: a concrete nscap model with a key and a ``visible_to`` manager."""
    return (
        model.__module__.startswith("nscap.")
        and not model._meta.abstract
        and hasattr(model._default_manager, "visible_to")
        and any(f.name == "key" for f in model._meta.concrete_fields)
    )


def _has_key(model: type[models.Model]) -> bool:
    return any(f.name == "key" for f in model._meta.concrete_fields)


def model_columns(model: type[models.Model], skip: frozenset[str] = frozenset()) -> tuple:
    """The model's fields as columns, but bookkeeping, precisions and ``skip``."""
    names = {f.name for f in model._meta.concrete_fields}
    columns = []
    for f in model._meta.get_fields():
        if not (f.concrete or f.many_to_many) or f.auto_created or f.name in BOOKKEEPING:
            continue
        if f.name in skip or (
            f.name.endswith("_precision") and f.name.removesuffix("_precision") in names
        ):
            continue
        related = f.related_model
        if f.many_to_many and related is not None and _has_key(related):
            columns.append(Column(f.name, "keys", related._meta.label))
        elif f.is_relation and related is not None and _has_key(related):
            columns.append(Column(f.name, "ref", related._meta.label))
        elif f.is_relation:
            continue  # a relation to a model without a key (none today) is not a value
        elif isinstance(f, models.DateField) and f"{f.name}_precision" in names:
            columns.append(Column(f.name, "date"))
        elif isinstance(f, models.JSONField):
            columns.append(Column(f.name, "json"))
        elif isinstance(f, models.DecimalField):
            columns.append(Column(f.name, "number"))
        else:
            columns.append(Column(f.name, "value"))
    return tuple(columns)


def _record_type_table(rt: RecordType) -> Table:
    skip = frozenset(rt.schema.model_fields) | {f"{name}_precision" for name in rt.dates}
    return Table(rt.name, rt.model, rt, model_columns(rt.model, skip))


def tables() -> list[Table]:
    """Every table, record types first (in ``RECORD_TYPES`` order), then the other records by
    name, then citations. Read at each call, so record types added later join."""
    found = [_record_type_table(rt) for rt in RECORD_TYPES.values()]
    # A record type with a ``limit`` (needs figures: the demand quantities) covers part of its
    # model; the model keeps a read-only table of its own, so the other rows are exported too.
    typed = {rt.model_label for rt in RECORD_TYPES.values() if not rt.limit}
    others = [
        Table(table_name(model), model, None, model_columns(model, frozenset({"key"})))
        for model in apps.get_models()
        if is_record_model(model) and model._meta.label not in typed
    ]
    found += sorted(others, key=lambda table: table.name)
    citation_model = apps.get_model("sources", "Citation")
    found.append(Table(CITATION, citation_model, None, ()))
    return found


def tables_by_name() -> dict[str, Table]:
    return {table.name: table for table in tables()}


def read_only_table_names() -> frozenset[str]:
    """Tables the import skips: records without an import sheet yet, and citations."""
    return frozenset(table.name for table in tables() if not table.importable)


def read_only_columns(record_type_name: str) -> frozenset[str]:
    """Columns of a record type's table that the import accepts and ignores."""
    rt = RECORD_TYPES[record_type_name]
    return frozenset(column.name for column in _record_type_table(rt).columns)


def header(table: Table) -> list[str]:
    """The table's column names, ``key`` first."""
    if table.name == CITATION:
        return list(CITATION_COLUMNS)
    if table.record_type is not None:
        from nscap.interchange.fields import field_specs

        schema_columns = [spec.name for spec in field_specs(table.record_type)]
    else:
        schema_columns = ["key"]
    return schema_columns + [column.name for column in table.columns]


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def column_values(table: Table, instance: Any) -> dict[str, Any]:
    """The table's model columns of one record, unredacted (keys for references, EDTF dates)."""
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.kind == "ref":
            related = getattr(instance, column.name)
            values[column.name] = related.key if related is not None else None
        elif column.kind == "keys":
            values[column.name] = sorted(r.key for r in getattr(instance, column.name).all())
        elif column.kind == "date":
            date = getattr(instance, column.name)
            precision = getattr(instance, f"{column.name}_precision")
            values[column.name] = PartialDate(date, precision).isoformat() if date else None
        elif column.kind == "number":
            value = getattr(instance, column.name)
            values[column.name] = _number(value) if value is not None else None
        else:
            values[column.name] = getattr(instance, column.name)
    return values


def queryset(user: Any, table: Table) -> models.QuerySet:
    """The table's visible records, with what ``column_values`` reads loaded in bulk."""
    refs = [c.name for c in table.columns if c.kind == "ref"]
    many = [c.name for c in table.columns if c.kind == "keys"]
    return (
        table.model.objects.visible_to(user)
        .select_related(*refs)
        .prefetch_related(*many)
        .order_by("key")
    )


def other_rows(user: Any, table: Table, visible: Any) -> Iterator[dict[str, Any]]:
    """Rows of a table that is not a record type, as the viewer may see them."""
    for instance in queryset(user, table).iterator(chunk_size=CHUNK):
        values = {"key": instance.key, **column_values(table, instance)}
        yield drop_hidden_links(table.links, values, lambda target, key: key in visible(target))


def citation_rows(user: Any) -> Iterator[dict[str, Any]]:
    """Every citation the viewer may see (of a visible source by a visible record), naming the
    record by its table and key, a chunk of records' keys read at a time."""
    from django.contrib.contenttypes.models import ContentType

    from nscap.sources.models import Citation

    names = {table.model._meta.label: table.name for table in tables()}
    rows = (
        Citation.objects.visible_to(user)
        .select_related("source")
        .order_by("content_type_id", "object_id", "source__key", "footnote", "id")
    )
    chunk: list = []

    def flush() -> Iterator[dict[str, Any]]:
        wanted: dict[int, set[int]] = {}
        for citation in chunk:
            wanted.setdefault(citation.content_type_id, set()).add(citation.object_id)
        keys: dict[tuple[int, int], tuple[str, str]] = {}
        for content_type_id, ids in wanted.items():
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            name = names.get(model._meta.label) if model else None
            if name is None:
                continue  # a citation of something that is not exported is not shown
            for pk, key in model._base_manager.filter(pk__in=ids).values_list("pk", "key"):
                keys[(content_type_id, pk)] = (name, key)
        for citation in chunk:
            found = keys.get((citation.content_type_id, citation.object_id))
            if found:
                yield {
                    "citing_type": found[0],
                    "citing_record": found[1],
                    "field": citation.field or None,
                    "source": citation.source.key,
                    "footnote": citation.footnote,
                    "locator": citation.locator or None,
                    "quote": citation.quote or None,
                }
        chunk.clear()

    for citation in rows.iterator(chunk_size=CHUNK):
        chunk.append(citation)
        if len(chunk) >= CHUNK:
            yield from flush()
    yield from flush()
