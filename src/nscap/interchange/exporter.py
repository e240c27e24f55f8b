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
from itertools import chain
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from nscap.contributions.record_types import PREFETCH, RECORD_TYPES, RecordType
from nscap.core.csv_files import csv_bytes, escape_formula
from nscap.interchange.cells import write_cell
from nscap.interchange.fields import field_specs
from nscap.interchange.snapshots import VisibleKeys, visible_snapshot

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "jsonl": ("application/x-ndjson; charset=utf-8", "jsonl"),
    "jsonld": ("application/ld+json; charset=utf-8", "jsonld"),
}
ZIP_TYPE = "application/zip"


class ExportError(ValueError):
    """An export cannot be made as asked (unknown format or record type)."""


def check_request(export_format: str, record_type: str | None) -> list[str]:
    """The record types to export; ExportError names a bad format or type."""
    if export_format not in FORMATS:
        raise ExportError(
            _("Unknown format %(format)r; one of: %(formats)s.")
            % {"format": export_format, "formats": ", ".join(FORMATS)}
        )
    if record_type and record_type not in RECORD_TYPES:
        raise ExportError(
            _("Unknown record type %(type)r; one of: %(types)s.")
            % {"type": record_type, "types": ", ".join(RECORD_TYPES)}
        )
    return [record_type] if record_type else list(RECORD_TYPES)


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
    """The visible records of one type, as the viewer may see them, in key order."""
    prefetches = _prefetches(record_type)
    queryset = (
        record_type.visible(user)
        .select_related(*record_type.refs)
        .prefetch_related(*prefetches)
        .order_by("key")
    )
    names = [p.prefetch_to.removeprefix("_export_") for p in prefetches]
    for instance in queryset.iterator(chunk_size=500):
        if names:
            lists = {name: getattr(instance, f"_export_{name}") for name in names}
            instance = _Loaded(instance, lists)
        yield visible_snapshot(record_type, instance, visible)


def _cells(record_type: RecordType, values: dict) -> list:
    """One record's cells in column order, without the control characters XLSX refuses;
    not yet formula-escaped (the CSV writer escapes, ``_xlsx_row`` for the workbook)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cells = []
    for spec in field_specs(record_type):
        cell = write_cell(spec, values.get(spec.name))
        if isinstance(cell, str):
            cell = ILLEGAL_CHARACTERS_RE.sub("", cell)
        cells.append(cell)
    return cells


def _xlsx_row(record_type: RecordType, values: dict) -> list:
    return [
        escape_formula(cell) if isinstance(cell, str) else cell
        for cell in _cells(record_type, values)
    ]


def _csv(user: Any, record_type: RecordType, visible: VisibleKeys) -> bytes:
    header = [spec.name for spec in field_specs(record_type)]
    rows = (_cells(record_type, values) for values in records(user, record_type, visible))
    return csv_bytes(chain([header], rows))


def export_csv(user: Any, types: list[str]) -> tuple[bytes, str]:
    """One CSV (one type) or a zip of CSVs named by record type."""
    visible = VisibleKeys(user)
    if len(types) == 1:
        return _csv(user, RECORD_TYPES[types[0]], visible), FORMATS["csv"][0]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in types:
            archive.writestr(f"{name}.csv", _csv(user, RECORD_TYPES[name], visible))
    return out.getvalue(), ZIP_TYPE


def export_xlsx(user: Any, types: list[str]) -> tuple[bytes, str]:
    """A workbook with one sheet per record type."""
    from openpyxl import Workbook

    visible = VisibleKeys(user)
    workbook = Workbook(write_only=True)
    for name in types:
        record_type = RECORD_TYPES[name]
        sheet = workbook.create_sheet(name)
        sheet.append([spec.name for spec in field_specs(record_type)])
        for values in records(user, record_type, visible):
            sheet.append(_xlsx_row(record_type, values))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), FORMATS["xlsx"][0]


def export_jsonl(user: Any, types: list[str]) -> tuple[bytes, str]:
    """One JSON object per line: ``record_type`` and the record's values."""
    visible = VisibleKeys(user)
    lines = [
        json.dumps({"record_type": name, **values}, ensure_ascii=False)
        for name in types
        for values in records(user, RECORD_TYPES[name], visible)
    ]
    return ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8"), FORMATS["jsonl"][0]


def _base_url() -> str:
    return getattr(settings, "NSCAP_PUBLIC_URL", "https://nscap.example.org").rstrip("/")


SCHEMA_TYPES = {
    "institution": "Organization",
    "course": "Course",
    "training_event": "CourseInstance",
    "source": "CreativeWork",
}


def _ref(kind: str, key: str | None) -> dict | None:
    return {"@id": f"{_base_url()}/id/{kind}/{key}"} if key else None


def _jsonld_node(name: str, values: dict) -> dict:
    """A record as a schema.org node where schema.org has a type for it, else nscap terms."""
    node: dict[str, Any] = {"@id": f"{_base_url()}/id/{name}/{values['key']}"}
    if name == "institution":
        node |= {
            "@type": "Organization",
            "name": values["name"],
            "alternateName": [
                lb["text"] for lb in values["labels"] if lb["text"] != values["name"]
            ],
            "url": values["website"] or None,
            "description": values["description"] or None,
            "address": {"@type": "PostalAddress", "addressCountry": values["country"]}
            if values["country"]
            else None,
            "parentOrganization": _ref("institution", values["parent"]),
        }
    elif name == "course":
        node |= {
            "@type": "Course",
            "name": values["title"],
            "description": values["description"] or None,
            "provider": _ref("institution", values["provider"]),
            "educationalLevel": values["level"],
            "inLanguage": values["language"] or None,
            "about": [_ref("topic", key) for key in values["topics"]],
            "audience": [
                {"@type": "Audience", "audienceType": key} for key in values["target_groups"]
            ],
        }
    elif name == "training_event":
        node |= {
            "@type": "CourseInstance",
            "name": values["title"],
            # An unreconciled host is named as written, never guessed (issue 14).
            "organizer": _ref("institution", values["host"])
            or (
                {"@type": "Organization", "name": values["host_text"]}
                if values.get("host_text")
                else None
            ),
            "contributor": [_ref("institution", p["institution"]) for p in values["partners"]],
            "startDate": values["start"],
            "endDate": values["end"],
            "courseMode": values["delivery_mode"],
            "location": {
                "@type": "Place",
                "address": {
                    "@type": "PostalAddress",
                    "addressLocality": values["city"] or None,
                    "addressCountry": values["country"] or None,
                },
            },
            "isPartOf": _ref("course", values["course"]),
            "maximumAttendeeCapacity": None,
            "nscap:participants": values["participants"],
            "nscap:participantsQualifier": values["participants_qualifier"],
        }
    elif name == "source":
        node |= {
            "@type": "CreativeWork",
            "name": values["title"],
            "author": values["authors"] or None,
            "publisher": values["publisher"] or None,
            "datePublished": values["published"],
            "url": values["url"] or None,
            "inLanguage": values["language"] or None,
        }
    else:
        node["@type"] = "nscap:" + "".join(part.title() for part in name.split("_"))
        for field_name, value in values.items():
            if field_name != "key":
                node[f"nscap:{field_name}"] = value
    node["nscap:sensitivity"] = values["sensitivity"]
    return {k: v for k, v in node.items() if v not in (None, [], "")}


def export_jsonld(user: Any, types: list[str]) -> tuple[bytes, str]:
    """A JSON-LD document: schema.org Organization, Course, CourseInstance, CreativeWork."""
    visible = VisibleKeys(user)
    graph = [
        _jsonld_node(name, values)
        for name in types
        for values in records(user, RECORD_TYPES[name], visible)
    ]
    document = {
        "@context": {"@vocab": "https://schema.org/", "nscap": f"{_base_url()}/ns#"},
        "@graph": graph,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"), FORMATS["jsonld"][0]


WRITERS = {"csv": export_csv, "xlsx": export_xlsx, "jsonl": export_jsonl, "jsonld": export_jsonld}


def export(user: Any, export_format: str, record_type: str | None = None) -> tuple[bytes, str, str]:
    """(content, content type, file name) of an export for ``user``; ExportError when asked
    for an unknown format or record type."""
    types = check_request(export_format, record_type)
    content, content_type = WRITERS[export_format](user, types)
    extension = "zip" if content_type == ZIP_TYPE else FORMATS[export_format][1]
    return content, content_type, f"nscap-{record_type or 'all'}.{extension}"
