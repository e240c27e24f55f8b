"""Reading an uploaded file into sheets of text cells, within the limits, before any parsing
of what the cells mean.

XLSX: the zip's table of contents is checked first (number of parts, their declared
uncompressed size; Python's zip reader never inflates a part past its declared size), every XML
part is refused if it declares a DTD or entities (XLSX never needs them; openpyxl parses with
defusedxml as well), then openpyxl reads it in read-only mode. CSV: decoded as ``encodings``
says; the record type comes from the file name or is given. A zip of CSV files (the CSV
template) is read file by file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePath

from django.utils.translation import gettext as _

from nscap.contributions.record_types import RECORD_TYPES
from nscap.interchange.encodings import UndecidableEncoding, decode
from nscap.interchange.limits import limit
from nscap.interchange.tables import read_only_table_names

EXPLANATION_SHEETS = {"fields", "readme", "about"}
XML_PREAMBLE_BYTES = 64 * 1024
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


class ReadError(ValueError):
    """The file cannot be read at all (format, encoding or a limit); nothing was imported."""


@dataclass
class Sheet:
    """One table of the file: a sheet of a workbook or one CSV file."""

    name: str
    record_type: str | None
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (row number, cells)
    letters: bool = False  # name columns by letter (XLSX) as well as by header
    encoding: str = ""
    read_only: bool = False  # an export's table the import does not read (``tables``)


def record_type_from_name(name: str) -> str | None:
    """The record type a file or sheet name names: ``training_event.csv``, ``2024-events``
    does not; ``nscap-training_event`` does (the longest type the name ends with wins)."""
    stem = PurePath(name).stem.lower().replace("-", "_").strip()
    matches = [rt for rt in RECORD_TYPES if stem == rt or stem.endswith("_" + rt)]
    return max(matches, key=len) if matches else None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _RowBudget:
    def __init__(self) -> None:
        self.left = limit("NSCAP_IMPORT_MAX_ROWS")

    def take(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise ReadError(
                _("The file has more than %(limit)d rows (NSCAP_IMPORT_MAX_ROWS); split it.")
                % {"limit": limit("NSCAP_IMPORT_MAX_ROWS")}
            )


def _table(sheet: Sheet, rows, budget: _RowBudget) -> Sheet:
    header_seen = False
    for number, values in enumerate(rows, start=1):
        cells = [_text(value) for value in values]
        if not header_seen:
            while cells and not cells[-1].strip():
                cells.pop()
            sheet.header = [cell.strip() for cell in cells]
            header_seen = True
            continue
        if not any(cell.strip() for cell in cells):
            continue
        budget.take()
        sheet.rows.append((number, cells))
    return sheet


def _check_zip(archive: zipfile.ZipFile, what: str) -> None:
    entries = archive.infolist()
    if len(entries) > limit("NSCAP_IMPORT_MAX_ZIP_ENTRIES"):
        raise ReadError(
            _("The %(what)s has %(count)d parts, more than the limit of %(limit)d.")
            % {"what": what, "count": len(entries), "limit": limit("NSCAP_IMPORT_MAX_ZIP_ENTRIES")}
        )
    total = sum(entry.file_size for entry in entries)
    if total > limit("NSCAP_IMPORT_MAX_UNCOMPRESSED_BYTES"):
        raise ReadError(
            _(
                "The %(what)s would unpack to %(size)d MB, more than the limit of %(limit)d MB "
                "(a zip bomb?)."
            )
            % {
                "what": what,
                "size": total // 2**20,
                "limit": limit("NSCAP_IMPORT_MAX_UNCOMPRESSED_BYTES") // 2**20,
            }
        )


def _refuse_dtds(archive: zipfile.ZipFile) -> None:
    for entry in archive.infolist():
        if not entry.filename.endswith((".xml", ".rels", ".vml")):
            continue
        with archive.open(entry) as part:
            head = part.read(XML_PREAMBLE_BYTES)
        if _DTD.search(head):
            raise ReadError(
                _("The XLSX part %(part)s declares XML entities or a DTD; refused (XML bomb?).")
                % {"part": entry.filename}
            )


@contextmanager
def _damaged(what: str) -> Iterator[None]:
    """Whatever reading a damaged or hostile archive raises becomes a ReadError that says so.

    Why catch everything: zipfile, zlib and openpyxl raise many kinds on bad bytes
    (``BadZipFile`` for a wrong CRC or a size the directory understates, ``zlib.error`` and
    ``EOFError`` for broken or cut-off data, ``NotImplementedError`` for an unknown compression,
    ``RuntimeError`` for encryption, ``KeyError`` for a missing part, XML parse errors, ...),
    none of them is a server error, and a list of them would miss the next one. Only our own
    ``ReadError`` (a limit, an XML bomb) passes through as it is.
    """
    try:
        yield
    except ReadError:
        raise
    except Exception as exc:  # every kind: see the docstring
        detail = f"{type(exc).__name__}: {exc}"[:200]
        raise ReadError(
            _(
                "The %(what)s is damaged or not what its name says and cannot be read "
                "(%(detail)s). Save it again from the spreadsheet program and upload it again."
            )
            % {"what": what, "detail": detail}
        ) from exc


def read_xlsx(data: bytes, budget: _RowBudget) -> list[Sheet]:
    """Every sheet of a workbook, within the zip and row limits."""
    import openpyxl

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ReadError(_("The file is not a valid XLSX workbook (not a zip).")) from exc
    with _damaged(_("XLSX workbook")):
        with archive:
            _check_zip(archive, _("workbook"))
            _refuse_dtds(archive)
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheets = []
        try:
            for worksheet in workbook.worksheets:
                name = worksheet.title
                if name.strip().lower() in EXPLANATION_SHEETS:
                    continue
                if name.strip() in read_only_table_names():
                    sheets.append(Sheet(name, None, read_only=True))
                    continue
                sheet = Sheet(name, name.strip() if name.strip() in RECORD_TYPES else None)
                sheet.letters = True
                sheets.append(_table(sheet, worksheet.iter_rows(values_only=True), budget))
        finally:
            workbook.close()
    return sheets


def _delimiter(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def read_csv(
    name: str, data: bytes, budget: _RowBudget, record_type: str | None, encoding: str | None
) -> Sheet:
    """One CSV file as a sheet; its record type is ``record_type`` or taken from ``name``."""
    try:
        text, used = decode(data, encoding)
    except UndecidableEncoding as exc:
        raise ReadError(f"{name}: {exc}") from exc
    first_line = text.split("\n", 1)[0]
    sheet = Sheet(PurePath(name).name, record_type or record_type_from_name(name), encoding=used)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
        return _table(sheet, reader, budget)
    except csv.Error as exc:
        raise ReadError(
            _("%(name)s: not valid CSV: %(error)s") % {"name": name, "error": exc}
        ) from exc


def read_csv_zip(data: bytes, budget: _RowBudget, encoding: str | None) -> list[Sheet]:
    """A zip of CSV files, one per record type (the CSV template)."""
    sheets = []
    with _damaged(_("zip file")), zipfile.ZipFile(io.BytesIO(data)) as archive:
        _check_zip(archive, _("zip file"))
        for entry in archive.infolist():
            if entry.is_dir() or not entry.filename.lower().endswith(".csv"):
                continue
            if PurePath(entry.filename).stem.lower() in EXPLANATION_SHEETS:
                continue
            if PurePath(entry.filename).stem in read_only_table_names():
                sheets.append(Sheet(PurePath(entry.filename).name, None, read_only=True))
                continue
            sheets.append(read_csv(entry.filename, archive.read(entry), budget, None, encoding))
    return sheets


def read_file(
    name: str, data: bytes, *, record_type: str | None = None, encoding: str | None = None
) -> list[Sheet]:
    """The sheets of an uploaded file (XLSX, CSV or a zip of CSVs); ReadError when it cannot be
    read or is past a limit."""
    if len(data) > limit("NSCAP_IMPORT_MAX_BYTES"):
        raise ReadError(
            _("The file is %(size).1f MB, more than the limit of %(limit)d MB.")
            % {"size": len(data) / 2**20, "limit": limit("NSCAP_IMPORT_MAX_BYTES") // 2**20}
        )
    if record_type is not None and record_type not in RECORD_TYPES:
        raise ReadError(
            _("Unknown record type %(name)r; one of: %(types)s.")
            % {"name": record_type, "types": ", ".join(RECORD_TYPES)}
        )
    budget = _RowBudget()
    suffix = PurePath(name).suffix.lower()
    is_zip = data[:4] == b"PK\x03\x04"
    if suffix == ".xlsx" or (is_zip and suffix not in (".zip", ".csv")):
        return read_xlsx(data, budget)
    if suffix == ".zip" or is_zip:
        return read_csv_zip(data, budget, encoding)
    if suffix in (".csv", ".txt", ".tsv", ""):
        return [read_csv(name, data, budget, record_type, encoding)]
    raise ReadError(
        _("Cannot read %(suffix)s files; upload XLSX or CSV.") % {"suffix": suffix or name}
    )
