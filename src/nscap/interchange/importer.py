"""Bulk import: read a file, check every row, show what would change, submit it as ONE changeset.

Who may call it: users who may propose changes (``accounts.selectors.can_contribute``). The
import writes nothing itself: ``plan_import`` only reads, and ``submit`` hands the planned
changes to ``contributions.services.propose(origin="import")``, which validates them again and
records them in one transaction (applied at once only when the changeset policy allows).

Rules: a row's ``key`` names the record: a key the registry has updates it (only when a value
differs), a new key creates it, so importing the same file twice changes nothing. Columns left
out of a sheet leave those fields alone; a blank cell in a column that is there means "not
given" (the field's default). Institutions may be named by any label. A name that matches no
institution, or more than one, in a field that can wait for reconciliation (an event's host
and partners, a claim's partner: ``reconciliation.intake.RECONCILABLE``) is kept as written and
queued with its candidates (``plan.mentions``); elsewhere it is an error listing the candidates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from pydantic import ValidationError

from nscap.accounts.selectors import can_contribute
from nscap.contributions import services
from nscap.contributions.choices import ChangesetStatus
from nscap.contributions.errors import ContributionError, Invalid, NotAllowed
from nscap.contributions.models import Change, Changeset
from nscap.contributions.record_types import RECORD_TYPES, WRITE_ORDER, RecordType, snapshot
from nscap.contributions.rules import key_not_available
from nscap.core.csv_files import csv_bytes
from nscap.institutions.normalize import normalize_label
from nscap.interchange.cells import CellError, read_cell
from nscap.interchange.fields import FieldSpec, field_specs
from nscap.interchange.readers import Sheet, read_file
from nscap.interchange.snapshots import VisibleKeys, canonical, redact
from nscap.reconciliation.intake import (
    CONTEXT_FIELDS,
    RECONCILABLE,
    NameIntake,
    PlannedMention,
    groups,
    record_mentions,
)

Progress = Callable[[str, int, int], None]
CHUNK = 2000  # rows planned per query of existing records
EXACT_SCORE = 0.95
MAX_CANDIDATES = 5


@dataclass
class RowError:
    """One problem, placed: sheet, row (1 = header), column, cell, the value and what is wrong."""

    sheet: str
    row: int | None
    column: str
    value: str
    message: str
    cell: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "value": self.value,
            "message": self.message,
        }


@dataclass(slots=True)  # one per row of the file
class PlannedRow:
    """What importing one row would do: create, update (with the fields that differ), nothing
    (``unchanged``), or nothing because the same change of the importer waits for review
    (``pending``)."""

    sheet: str
    row: int
    record_type: str
    key: str
    action: str
    changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class ImportPlan:
    """Everything an import would do, or every reason it cannot."""

    errors: list[RowError] = field(default_factory=list)
    rows: list[PlannedRow] = field(default_factory=list)
    changes: list[services.ProposedChange] = field(default_factory=list)
    change_rows: list[PlannedRow] = field(default_factory=list)  # row of each change
    encodings: list[str] = field(default_factory=list)
    mentions: list[PlannedMention] = field(default_factory=list)  # names kept unreconciled

    def unreconciled(self) -> list[dict[str, Any]]:
        """Distinct unreconciled names in context, with their rows: one decision each."""
        return groups(self.mentions)

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def counts_by_type(self) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {}
        for row in self.rows:
            per_type = counts.setdefault(
                row.record_type, {"create": 0, "update": 0, "unchanged": 0, "pending": 0}
            )
            per_type[row.action] += 1
        return counts


@dataclass
class ImportResult:
    plan: ImportPlan
    changeset: Changeset | None = None


@dataclass(slots=True)
class _Row:
    sheet: Sheet
    record_type: RecordType
    number: int
    raw: dict[str, Any]
    cells: list[str]  # the row's texts, for error reports
    indexes: dict[str, int]  # column -> index in cells (shared by the sheet's rows)
    present: frozenset[str]
    failed: set[str] = field(default_factory=set)  # columns already reported
    mentions: list[PlannedMention] = field(default_factory=list)  # its unreconciled names

    def text(self, column: str) -> str:
        index = self.indexes.get(column)
        return self.cells[index] if index is not None and index < len(self.cells) else ""

    def cell(self, column: str) -> str:
        """The cell's name (C5), or "" for files without column letters (CSV)."""
        if not self.sheet.letters or column not in self.indexes:
            return ""
        return f"{get_column_letter(self.indexes[column] + 1)}{self.number}"


class _Planner:
    def __init__(self, user: Any, progress: Progress | None):
        self.user = user
        self.progress = progress or (lambda phase, done, total: None)
        self.plan = ImportPlan()
        self.visible = VisibleKeys(user)
        self.file_keys: dict[str, set[str]] = {name: set() for name in RECORD_TYPES}
        self.file_names: dict[str, set[str]] = {}  # normalized institution name -> keys in file
        self._resolved: dict[str, tuple[str | None, str]] = {}
        self.names = NameIntake(user)

    # --- errors --------------------------------------------------------------------------

    def error(self, row: _Row | None, sheet: Sheet, column: str, message: str, value: str = ""):
        number = row.number if row else 1
        cell = ""
        if row is not None:
            row.failed.add(column)  # the schema's message on the same cell would only repeat it
        if row is not None and column in row.indexes:
            cell = row.cell(column)
            value = value or row.text(column)
        self.plan.errors.append(RowError(sheet.name, number, column, value, message, cell))

    # --- header --------------------------------------------------------------------------

    def check_header(self, sheet: Sheet) -> dict[int, FieldSpec] | None:
        if sheet.record_type is None:
            self.plan.errors.append(
                RowError(
                    sheet.name,
                    None,
                    "",
                    sheet.name,
                    _("Cannot tell the record type: name the sheet or file after one of %(types)s.")
                    % {"types": ", ".join(RECORD_TYPES)},
                )
            )
            return None
        specs = {spec.name: spec for spec in field_specs(RECORD_TYPES[sheet.record_type])}
        columns: dict[int, FieldSpec] = {}
        errors_before = len(self.plan.errors)
        for index, name in enumerate(sheet.header):
            letter = get_column_letter(index + 1) if sheet.letters else ""
            where = f"{letter}1" if letter else ""
            if not name:
                if any(index < len(cells) and cells[index].strip() for _n, cells in sheet.rows):
                    self.plan.errors.append(
                        RowError(sheet.name, 1, "", "", _("A column with data has no name."), where)
                    )
                continue
            if name not in specs:
                self.plan.errors.append(
                    RowError(
                        sheet.name,
                        1,
                        name,
                        name,
                        _("Unknown column; the columns of %(type)s are: %(columns)s.")
                        % {"type": sheet.record_type, "columns": ", ".join(specs)},
                        where,
                    )
                )
            elif any(spec.name == name for spec in columns.values()):
                self.plan.errors.append(
                    RowError(sheet.name, 1, name, name, _("The column appears twice."), where)
                )
            else:
                columns[index] = specs[name]
        if not any(spec.name == "key" for spec in columns.values()):
            self.plan.errors.append(
                RowError(sheet.name, 1, "key", "", _("The column key is missing."))
            )
        # Other required columns may be left out of a sheet that only updates records; a row
        # that creates a record without them is reported on that row.
        return None if len(self.plan.errors) > errors_before else columns

    # --- cells ---------------------------------------------------------------------------

    def read_rows(self, sheet: Sheet, columns: dict[int, FieldSpec]) -> list[_Row]:
        rt = RECORD_TYPES[sheet.record_type]
        rows = []
        seen: dict[str, int] = {}
        present = frozenset(spec.name for spec in columns.values())
        indexes = {spec.name: index for index, spec in columns.items()}
        for number, cells in sheet.rows:
            row = _Row(sheet, rt, number, {}, cells, indexes, present)
            for index, spec in columns.items():
                text = cells[index] if index < len(cells) else ""
                if not text.strip():
                    continue
                try:
                    row.raw[spec.name] = read_cell(spec, text)
                except CellError as exc:
                    self.error(row, sheet, spec.name, str(exc))
            key = row.raw.get("key")
            if not key:
                self.error(
                    row,
                    sheet,
                    "key",
                    _(
                        "Every row needs a key, so that importing the file again updates the "
                        "record instead of adding it twice."
                    ),
                )
            elif key in seen:
                self.error(
                    row,
                    sheet,
                    "key",
                    _("The key is used twice in this file (also in row %(row)d).")
                    % {"row": seen[key]},
                )
            else:
                seen[key] = number
                if key in self.file_keys[rt.name]:
                    self.error(row, sheet, "key", _("The key is used in another sheet too."))
                self.file_keys[rt.name].add(key)
                if rt.name == "institution" and row.raw.get("name"):
                    self.file_names.setdefault(normalize_label(row.raw["name"]), set()).add(key)
            rows.append(row)
        return rows

    # --- references ----------------------------------------------------------------------

    def institution_key(self, text: str) -> tuple[str | None, str]:
        """(key, "") for a name that names exactly one institution, else (None, message)."""
        text = text.strip()
        if text not in self._resolved:
            self._resolved[text] = self._resolve_institution(text)
        return self._resolved[text]

    def _resolve_institution(self, text: str) -> tuple[str | None, str]:
        if text in self.file_keys["institution"] or text in self.visible("institution"):
            return text, ""
        in_file = self.file_names.get(normalize_label(text), set())
        if len(in_file) == 1:
            return next(iter(in_file)), ""
        candidates = self.names.resolve(text)
        exact = [c for c in candidates if c.score >= EXACT_SCORE]
        if len(exact) == 1 and not in_file:
            return exact[0].institution.key, ""
        listed = exact or candidates
        names = [f"{c.institution.name} ({c.institution.key})" for c in listed[:MAX_CANDIDATES]]
        names += [f"{key} ({_('in this file')})" for key in sorted(in_file)]
        if len(exact) + len(in_file) > 1:
            return None, _("%(text)r is ambiguous; it may name: %(names)s. Write the key.") % {
                "text": text,
                "names": "; ".join(names),
            }
        if names:
            return None, _("No institution is named %(text)r; did you mean: %(names)s?") % {
                "text": text,
                "names": "; ".join(names),
            }
        return None, _("No institution is named %(text)r, and none has a similar name.") % {
            "text": text
        }

    def resolve_references(self, row: _Row) -> None:
        rt = row.record_type
        reconcilable = RECONCILABLE.get(rt.name, {})
        held = []  # resolved once the row's context (country, reporter) is known
        for spec in field_specs(rt):
            value = row.raw.get(spec.name)
            if value in (None, "", []):
                continue
            if spec.name in reconcilable:
                held.append(spec.name)
            elif spec.kind == "institution":
                key, problem = self.institution_key(str(value))
                if problem:
                    self.error(row, row.sheet, spec.name, problem)
                else:
                    row.raw[spec.name] = key
            elif spec.kind == "reference":
                if value not in self.file_keys.get(spec.target, ()) and value not in self.visible(
                    spec.target
                ):
                    self.error(
                        row,
                        row.sheet,
                        spec.name,
                        _("No %(type)s has the key %(key)r.")
                        % {"type": spec.target.replace("_", " "), "key": value},
                    )
            elif spec.kind == "keys" and isinstance(value, list):
                unknown = [
                    k
                    for k in value
                    if k not in self.visible(spec.target)
                    and k not in self.file_keys.get(spec.target, ())
                ]
                if unknown:
                    self.error(
                        row,
                        row.sheet,
                        spec.name,
                        _("Unknown %(type)s keys: %(keys)s (see the template's fields sheet).")
                        % {"type": spec.target.replace("_", " "), "keys": ", ".join(unknown)},
                    )
            elif spec.kind == "partners" and isinstance(value, list):
                for partner in value:
                    if isinstance(partner, dict) and isinstance(partner.get("institution"), str):
                        key, problem = self.institution_key(partner["institution"])
                        if problem:
                            self.error(row, row.sheet, spec.name, problem)
                        else:
                            partner["institution"] = key
        if held:
            self.reconcile_names(row, held)

    def reconcile_names(self, row: _Row, names: list[str]) -> None:
        """Names that may wait: resolved in the row's context, else kept as written."""
        reporter = CONTEXT_FIELDS[row.record_type.name][1]
        row.mentions += self.names.hold(
            row.record_type.name,
            row.raw,
            names,
            lambda text: self.institution_key(text)[0],
            reporter_failed=reporter in row.failed,
        )

    # --- values and differences ----------------------------------------------------------

    def validate(self, row: _Row, base: dict[str, Any] | None) -> dict[str, Any] | None:
        """The row's values as its schema reads them (merged over ``base`` for updates)."""
        raw = {name: value for name, value in row.raw.items() if name not in row.failed}
        if base is not None:
            raw = {**{k: v for k, v in base.items() if k not in row.present}, **raw}
        try:
            values = row.record_type.schema.model_validate(raw).model_dump(mode="json")
        except ValidationError as exc:
            already = set(row.failed)
            for err in exc.errors():
                column = str(err["loc"][0]) if err["loc"] else ""
                message = err["msg"].removeprefix("Value error, ")
                if len(err["loc"]) > 1:
                    message = f"{'.'.join(str(p) for p in err['loc'][1:])}: {message}"
                if column not in already or not column:
                    self.error(row, row.sheet, column, message)
            return None
        if row.record_type.name == "institution":
            _with_name_label(values)
        return values

    def plan_rows(self, rows: list[_Row]) -> None:
        """Plan ``rows`` (the list is emptied)."""
        by_type: dict[str, list[_Row]] = {}
        for row in rows:
            if row.raw.get("key"):
                by_type.setdefault(row.record_type.name, []).append(row)
        total, done = len(rows), 0
        rows.clear()  # each row is let go once planned: memory stays bounded by the plan
        for name in WRITE_ORDER:  # vocabularies, then institutions: later rows may use them
            rt = RECORD_TYPES[name]
            type_rows = by_type.get(name, [])
            for start in range(0, len(type_rows), CHUNK):
                chunk = type_rows[start : start + CHUNK]
                keys = [row.raw["key"] for row in chunk if isinstance(row.raw["key"], str)]
                existing = {
                    obj.key: obj
                    for obj in rt.visible(self.user).filter(key__any=keys).select_related(*rt.refs)
                }
                hidden = set(
                    rt.model.objects.filter(key__any=set(keys) - set(existing)).values_list(
                        "key", flat=True
                    )
                )
                waiting = self.waiting_changes(rt, keys)
                for row in chunk:
                    key = row.raw["key"]
                    errors_before = len(self.plan.errors)
                    self.plan_row(rt, row, existing.get(key), key in hidden, waiting.get(key, []))
                    if len(self.plan.errors) == errors_before:
                        self.plan.mentions.extend(row.mentions)
                type_rows[start : start + CHUNK] = [None] * len(chunk)
                done += len(chunk)
                self.progress("check", done, total)

    def waiting_changes(self, rt: RecordType, keys: list[str]) -> dict[str, list[dict]]:
        """Key -> data of the importer's own changes to those records still waiting for review,
        so that importing a file again while it waits proposes nothing twice."""
        waiting: dict[str, list[dict]] = {}
        rows = Change.objects.filter(
            changeset__author=self.user,
            changeset__status__in=(ChangesetStatus.PENDING, ChangesetStatus.NEEDS_MORE),
            record_type=rt.name,
            record_key__any=keys,
        ).values_list("record_key", "data")
        for key, data in rows:
            waiting.setdefault(key, []).append(data)
        return waiting

    def plan_row(
        self, rt: RecordType, row: _Row, instance: Any, hidden: bool, waiting: list[dict]
    ) -> None:
        errors_before = len(self.plan.errors)
        self.resolve_references(row)
        if hidden:
            self.error(row, row.sheet, "key", key_not_available(row.raw["key"]))
        full = snapshot(rt, instance) if instance is not None else None
        shown = redact(rt, full, self.visible) if full is not None else None
        values = self.validate(row, shown)
        if values is None or len(self.plan.errors) > errors_before:
            return
        if shown is not None and rt.name == "institution":
            # Writing an institution adds its name as a label; a record loaded otherwise may
            # lack it, which is no difference the importer made.
            shown = {**shown, "labels": [dict(label) for label in shown.get("labels", [])]}
            _with_name_label(shown)
        key = values["key"]
        for data in waiting:
            if all(canonical(data.get(name)) == canonical(value) for name, value in values.items()):
                self.plan.rows.append(
                    PlannedRow(row.sheet.name, row.number, rt.name, key, "pending")
                )
                return
        if instance is None:
            planned = PlannedRow(row.sheet.name, row.number, rt.name, key, "create")
            change = services.ProposedChange("create", rt.name, values=values)
        else:
            changed = {
                name: (shown.get(name), value)
                for name, value in values.items()
                if canonical(value) != canonical(shown.get(name))
            }
            if not changed:
                self.plan.rows.append(
                    PlannedRow(row.sheet.name, row.number, rt.name, key, "unchanged")
                )
                return
            planned = PlannedRow(row.sheet.name, row.number, rt.name, key, "update", changed)
            # Links the importer may not see are left out of ``shown`` and kept by the write
            # path (contributions.rules), as for every other way of writing.
            update = {name: after for name, (_before, after) in changed.items()}
            change = services.ProposedChange(
                "update", rt.name, key=key, values=update, base_version=instance.version
            )
        if rt.refusal(self.user):  # vocabularies: rows that change nothing pass (export->import)
            self.error(row, row.sheet, "key", rt.refusal(self.user))
            return
        self.plan.rows.append(planned)
        self.plan.changes.append(change)
        self.plan.change_rows.append(planned)


def _with_name_label(values: dict[str, Any]) -> None:
    """Add the name as a label, as writing an institution does, so re-imports compare equal."""
    labels = values.setdefault("labels", [])
    if not any(lb["kind"] == "name" and lb["text"] == values["name"] for lb in labels):
        labels.append({"text": values["name"], "language": "en", "script": "Latn", "kind": "name"})


def _parents_first(plan: ImportPlan) -> None:
    """Order new institutions so that a parent created by the file comes before its children."""
    pairs = list(zip(plan.changes, plan.change_rows, strict=True))
    new = {
        c.values.get("key")
        for c, _r in pairs
        if c.record_type == "institution" and c.action == "create"
    }
    placed: set[str] = set()
    ordered, waiting = [], [p for p in pairs if p[0].record_type == "institution"]
    while waiting:
        progress = False
        for pair in list(waiting):
            parent = pair[0].values.get("parent")
            if not parent or parent not in new or parent in placed:
                ordered.append(pair)
                placed.add(pair[0].values.get("key") or pair[0].key)
                waiting.remove(pair)
                progress = True
        if not progress:
            ordered.extend(waiting)  # a cycle: propose reports it
            break
    ordered += [p for p in pairs if p[0].record_type != "institution"]
    plan.changes = [c for c, _r in ordered]
    plan.change_rows = [r for _c, r in ordered]


def plan_import(user: Any, sheets: list[Sheet], progress: Progress | None = None) -> ImportPlan:
    """Check every sheet and row; the plan lists every error, or what would be done.

    The sheets' rows are consumed (``sheet.rows`` is emptied): each row's cells are let go
    once the row is planned, so that a large file is not held twice.
    """
    planner = _Planner(user, progress)
    planner.plan.encodings = sorted({s.encoding for s in sheets if s.encoding})
    rows: list[_Row] = []
    for sheet in sheets:
        columns = planner.check_header(sheet)
        if columns is not None:
            rows += planner.read_rows(sheet, columns)
        sheet.rows = []
    planner.plan_rows(rows)
    _parents_first(planner.plan)
    return planner.plan


def run_import(
    user: Any,
    name: str,
    data: bytes,
    *,
    record_type: str | None = None,
    encoding: str | None = None,
    dry_run: bool = False,
    comment: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Read, check and (unless ``dry_run`` or anything is wrong) submit a file as one changeset.

    Raises NotAllowed for users who may not propose, ReadError for unreadable files.
    """
    if not can_contribute(user):
        raise NotAllowed(_("Only stewards and members of an institution may import data."))
    sheets = read_file(name, data, record_type=record_type, encoding=encoding)
    plan = plan_import(user, sheets, progress)
    result = ImportResult(plan)
    if dry_run or not plan.ok or not plan.changes:
        return result
    result.changeset = submit(user, plan, name, comment)
    return result


def submit(user: Any, plan: ImportPlan, name: str, comment: str = "") -> Changeset | None:
    """Propose the plan's changes as one changeset; errors of the write path come back placed
    on their rows in ``plan.errors`` (and nothing is written)."""
    comment = comment or _("Import of %(name)s: %(created)d new, %(updated)d changed.") % {
        "name": name,
        "created": plan.count("create"),
        "updated": plan.count("update"),
    }
    try:
        with transaction.atomic():  # the changeset and its queued names, or neither
            changeset = services.propose(user, plan.changes, comment=comment, origin="import")
            rewritten: dict[str, list[str]] = {}
            for row in plan.change_rows:
                if row.record_type in RECONCILABLE:
                    rewritten.setdefault(row.record_type, []).append(row.key)
            record_mentions(user, plan.mentions, changeset, rewritten)
            return changeset
    except Invalid as exc:
        for err in exc.errors:
            index = err.get("change")
            row = plan.change_rows[index] if index is not None else None
            plan.errors.append(
                RowError(
                    row.sheet if row else "",
                    row.row if row else None,
                    err.get("field") or "",
                    "",
                    err["message"],
                )
            )
    except ContributionError as exc:
        plan.errors.append(RowError("", None, "", "", exc.message))
    return None


def errors_csv(errors: list[RowError]) -> bytes:
    """The error report as CSV (UTF-8 with a BOM, so that Excel reads it; cells escaped)."""
    header = ["sheet", "row", "column", "cell", "value", "message"]
    rows = [[e.sheet, e.row or "", e.column, e.cell, e.value, e.message] for e in errors]
    return csv_bytes([header, *rows])
