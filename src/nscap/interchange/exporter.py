"""Export: every record a viewer may see, as CSV, XLSX, JSON Lines or JSON-LD.

Records are read through ``visible_to(user)`` and their references and nested rows through the
same filter (``snapshots.redact``), so an export never names what the viewer may not see. The
CSV and XLSX exports have the import's columns and cell forms, with formula-like cells escaped,
so exporting and importing the same file changes nothing.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from itertools import islice
from typing import IO, Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from nscap.contributions.record_types import PREFETCH, RecordType
from nscap.contributions.redaction import drop_hidden_links
from nscap.core.csv_files import csv_bytes, csv_text, escape_formula
from nscap.interchange.cells import write_cell
from nscap.interchange.fields import field_specs
from nscap.interchange.snapshots import VisibleKeys, visible_snapshot
from nscap.interchange.tables import (
    CITATION,
    Table,
    citation_rows,
    column_values,
    header,
    other_rows,
    tables,
    tables_by_name,
)

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "jsonl": ("application/x-ndjson; charset=utf-8", "jsonl"),
    "jsonld": ("application/ld+json; charset=utf-8", "jsonld"),
}
ZIP_TYPE = "application/zip"
CSV_CHUNK = 500  # rows per write


class ExportError(ValueError):
    """An export cannot be made as asked (unknown format or record type)."""


def table_names() -> list[str]:
    """The tables an export may be asked for (``--type``, ``?type=``), in export order."""
    return [table.name for table in tables()]


def check_request(export_format: str, record_type: str | None) -> list[str]:
    """The tables to export; ExportError names a bad format or type."""
    if export_format not in FORMATS:
        raise ExportError(
            _("Unknown format %(format)r; one of: %(formats)s.")
            % {"format": export_format, "formats": ", ".join(FORMATS)}
        )
    names = table_names()
    if record_type and record_type not in names:
        raise ExportError(
            _("Unknown record type %(type)r; one of: %(types)s.")
            % {"type": record_type, "types": ", ".join(names)}
        )
    return [record_type] if record_type else names


class _Loaded:
    """A record whose to-many relations were loaded into lists (``Prefetch(to_attr=...)``).

    A plain ``prefetch_related`` gives every record a related manager with a cloned queryset
    per relation (32,000 clones, most of a 10,000-event CSV export's 2.3 s); lists cost nothing.
    ``snapshot`` reads ``record.<relation>.all()`` as ever.
    """

    def __init__(self, instance: Any, lists: dict[str, list]):
        self._instance, self._lists = instance, lists

    def __getattr__(self, name: str) -> Any:
        if name in self._lists:
            return _All(self._lists[name])
        return getattr(self._instance, name)


class _All:
    def __init__(self, rows: list):
        self._rows = rows

    def all(self) -> list:
        return self._rows


def _prefetches(record_type: RecordType) -> list[Prefetch]:
    """``PREFETCH`` of the type as list-valued prefetches (``relation__ref`` selects the ref)."""
    found = []
    for path in PREFETCH.get(record_type.name, ()):
        relation, _, ref = path.partition("__")
        related = record_type.model._meta.get_field(relation).related_model
        rows = related.objects.select_related(ref) if ref else related.objects.all()
        found.append(Prefetch(relation, queryset=rows, to_attr=f"_export_{relation}"))
    return found


def records(user: Any, record_type: RecordType, visible: VisibleKeys) -> Iterator[dict]:
    """The visible records of one type, as the viewer may see them, in key order: the
    schema's values, then the table's read-only columns (``tables``)."""
    table = _table(record_type.name)
    prefetches = _prefetches(record_type)
    queryset = (
        record_type.visible(user)
        .select_related(*record_type.refs, *table.links.refs)
        .prefetch_related(*prefetches, *table.links.many)
        .order_by("key")
    )
    names = [p.prefetch_to.removeprefix("_export_") for p in prefetches]
    links = table.links
    for instance in queryset.iterator(chunk_size=500):
        extra = column_values(table, instance)
        if names:
            lists = {name: getattr(instance, f"_export_{name}") for name in names}
            instance = _Loaded(instance, lists)
        values = visible_snapshot(record_type, instance, visible)
        if extra:
            values |= drop_hidden_links(links, extra, lambda kind, key: key in visible(kind))
        yield values


def _table(name: str) -> Table:
    return tables_by_name()[name]


def rows(user: Any, name: str, visible: VisibleKeys) -> Iterator[dict]:
    """The rows of table ``name`` that the viewer may see (a record type, another kind of
    record, or citations), read a chunk at a time."""
    table = _table(name)
    if table.record_type is not None:
        return records(user, table.record_type, visible)
    if name == CITATION:
        return citation_rows(user)
    return other_rows(user, table, visible)


def _plain_cell(value: Any) -> Any:
    """A cell for a column outside the import's schemas: keys joined by ``;``, JSON for
    structured values (a center's geographic focus), numbers as numbers."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "; ".join(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _writers(name: str) -> list:
    """For each column of table ``name``, how its cell is written from a row's values."""
    table = _table(name)
    specs = {spec.name: spec for spec in field_specs(table.record_type)} if table.importable else {}

    def writer(column: str) -> Any:
        if column in specs:
            return lambda value, spec=specs[column]: write_cell(spec, value)
        return _plain_cell

    return [(column, writer(column)) for column in header(table)]


def _cells(writers: list, values: dict) -> list:
    """One record's cells in column order, without the control characters XLSX refuses;
    not yet formula-escaped (the CSV writer escapes, ``_xlsx_row`` for the workbook)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cells = []
    for column, write in writers:
        cell = write(values.get(column))
        if isinstance(cell, str):
            cell = ILLEGAL_CHARACTERS_RE.sub("", cell)
        cells.append(cell)
    return cells


def _xlsx_row(writers: list, values: dict) -> list:
    return [
        escape_formula(cell) if isinstance(cell, str) else cell for cell in _cells(writers, values)
    ]


def _csv(user: Any, name: str, visible: VisibleKeys, out: IO[bytes]) -> None:
    """Table ``name`` as a CSV file (UTF-8 with a byte order mark, as ``csv_bytes``), written
    to ``out`` a chunk of rows at a time through the one CSV writer."""
    writers = _writers(name)
    out.write(csv_bytes([[column for column, _w in writers]]))
    cells = (_cells(writers, values) for values in rows(user, name, visible))
    while chunk := list(islice(cells, CSV_CHUNK)):
        out.write(csv_text(chunk).encode("utf-8"))


def export_csv(user: Any, types: list[str], out: IO[bytes]) -> str:
    """One CSV (one type) or a zip of CSVs named by record type."""
    visible = VisibleKeys(user)
    if len(types) == 1:
        _csv(user, types[0], visible, out)
        return FORMATS["csv"][0]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in types:
            with archive.open(f"{name}.csv", "w") as member:
                _csv(user, name, visible, member)
    return ZIP_TYPE


def export_xlsx(user: Any, types: list[str], out: IO[bytes]) -> str:
    """A workbook with one sheet per record type (openpyxl's write-only mode keeps rows on
    disk until the workbook is saved)."""
    from openpyxl import Workbook

    visible = VisibleKeys(user)
    workbook = Workbook(write_only=True)
    for name in types:
        writers = _writers(name)
        sheet = workbook.create_sheet(name)
        sheet.append([column for column, _w in writers])
        for values in rows(user, name, visible):
            sheet.append(_xlsx_row(writers, values))
    workbook.save(out)
    return FORMATS["xlsx"][0]


def export_jsonl(user: Any, types: list[str], out: IO[bytes]) -> str:
    """One JSON object per line: ``record_type`` and the record's values."""
    visible = VisibleKeys(user)
    for name in types:
        for values in rows(user, name, visible):
            line = json.dumps({"record_type": name, **values}, ensure_ascii=False)
            out.write(line.encode("utf-8") + b"\n")
    return FORMATS["jsonl"][0]


def export_jsonld(user: Any, types: list[str], out: IO[bytes]) -> str:
    """A JSON-LD document (``interchange.jsonld``), written a node at a time."""
    from nscap.interchange.jsonld import write_document

    visible = VisibleKeys(user)
    write_document(out, ((name, rows(user, name, visible)) for name in types))
    return FORMATS["jsonld"][0]


WRITERS = {"csv": export_csv, "xlsx": export_xlsx, "jsonl": export_jsonl, "jsonld": export_jsonld}


def export_to(
    out: IO[bytes], user: Any, export_format: str, record_type: str | None = None
) -> tuple[str, str]:
    """Write an export for ``user`` to ``out`` (the CLI's file), record by record:
    (content type, file name). ExportError when asked for an
    unknown format or record type (before anything is written)."""
    types = check_request(export_format, record_type)
    content_type = WRITERS[export_format](user, types, out)
    extension = "zip" if content_type == ZIP_TYPE else FORMATS[export_format][1]
    return content_type, f"nscap-{record_type or 'all'}.{extension}"


def export(user: Any, export_format: str, record_type: str | None = None) -> tuple[bytes, str, str]:
    """(content, content type, file name) of an export for ``user``, in memory (for tests and
    responses; ``nscap export`` writes to its file with ``export_to``)."""
    out = io.BytesIO()
    content_type, filename = export_to(out, user, export_format, record_type)
    return out.getvalue(), content_type, filename
