"""Read and check the brief's TOML transcription before anything touches the database.

``read_brief()`` parses every ``*.toml`` file of the brief's data directory and of the
vocabularies' data directory, validates each row with its schema (``brief/schema.py``) and checks
every reference by key. Any problem raises ``BriefDataError`` naming the file, the table, the row
(by key where it has one) and the field.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from nscap.brief.schema import TABLES, Row

BRIEF_DATA_DIR = Path(__file__).resolve().parent / "data"
VOCABULARY_DATA_DIR = Path(__file__).resolve().parent.parent / "vocabularies" / "data"


class BriefDataError(ValueError):
    """The transcription is not valid; the message says where (file, table, key, field)."""


@dataclass(frozen=True)
class Located:
    """A validated row and where it came from, so later errors can still point at it."""

    row: Row
    file: str
    table: str
    index: int

    @property
    def key(self) -> str | None:
        return getattr(self.row, "key", None)

    def where(self) -> str:
        label = f"key {self.key!r}" if self.key else f"#{self.index}"
        return f"{self.file}: [[{self.table}]] {label}"


@dataclass
class BriefData:
    """All validated rows, by table name, in file order."""

    tables: dict[str, list[Located]] = field(default_factory=lambda: defaultdict(list))

    def rows(self, table: str) -> list[Located]:
        return self.tables.get(table, [])

    def keys(self, table: str) -> set[str]:
        return {item.key for item in self.rows(table) if item.key}


def _display(path: Path) -> str:
    """A short name for messages: ``brief/data/figures.toml``."""
    parts = path.resolve().parts
    return "/".join(parts[-3:]) if len(parts) >= 3 else str(path)


def _format_error(error: dict) -> str:
    location = ".".join(str(part) for part in error["loc"]) or "(row)"
    message = error["msg"].removeprefix("Value error, ")
    return f"field {location!r}: {message}"


def _read_file(path: Path, data: BriefData) -> None:
    name = _display(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise BriefDataError(f"{name}: not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise BriefDataError(f"{name}: not UTF-8 text: {exc}") from exc
    for table, entries in document.items():
        schema = TABLES.get(table)
        if schema is None:
            known = ", ".join(sorted(TABLES))
            raise BriefDataError(f"{name}: unknown table [[{table}]] (known tables: {known})")
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise BriefDataError(f"{name}: {table!r} must be an array of tables ([[{table}]])")
        for index, entry in enumerate(entries, start=1):
            key = entry.get("key")
            label = f"key {key!r}" if isinstance(key, str) else f"#{index}"
            try:
                row = schema.model_validate(entry)
            except ValidationError as exc:
                problems = "; ".join(_format_error(e) for e in exc.errors())
                raise BriefDataError(f"{name}: [[{table}]] {label}: {problems}") from exc
            data.tables[table].append(Located(row, name, table, index))


# Which fields of which table refer to which table's keys.
REFERENCES: dict[str, dict[str, str]] = {
    "institution": {"parent": "institution"},
    "profile": {"institution": "institution", "topics": "topic"},
    "milestone": {"institution": "institution", "counterpart": "institution"},
    "course": {"provider": "institution", "topics": "topic", "target_groups": "target_group"},
    "network": {"convener": "institution", "parent": "network"},
    "membership": {"network": "network", "institution": "institution"},
    "claim": {"claimant": "institution", "partner": "institution", "network": "network"},
    "aggregate_claim": {"claimant": "institution"},
    "needs_assessment": {
        "assessor": "institution",
        "target_group": "target_group",
        "topic": "topic",
    },
    "quantity": {
        "institution": "institution",
        "network": "network",
        "aggregate_claim": "aggregate_claim",
        "needs_assessment": "needs_assessment",
    },
    "topic": {"parent": "topic"},
}


def _check_keys_unique(data: BriefData) -> None:
    for table, items in data.tables.items():
        seen: dict[str, Located] = {}
        for item in items:
            if not item.key:
                continue
            if item.key in seen:
                first = seen[item.key]
                raise BriefDataError(
                    f"{item.where()}: duplicate key (first used in {first.file}, "
                    f"[[{table}]] #{first.index})"
                )
            seen[item.key] = item


def _check_references(data: BriefData) -> None:
    for table, fields in REFERENCES.items():
        for item in data.rows(table):
            for field_name, target in fields.items():
                value = getattr(item.row, field_name)
                values = value if isinstance(value, list) else [value]
                known = data.keys(target)
                for ref in values:
                    if ref is not None and ref not in known:
                        raise BriefDataError(
                            f"{item.where()}: field {field_name!r}: {ref!r} is not the key of "
                            f"any [[{target}]]"
                        )


def _check_no_parent_cycles(data: BriefData, table: str) -> None:
    parent_of = {item.key: item.row.parent for item in data.rows(table)}
    for item in data.rows(table):
        seen, node = {item.key}, parent_of.get(item.key)
        while node is not None:
            if node in seen:
                raise BriefDataError(f"{item.where()}: field 'parent': parents form a cycle")
            seen.add(node)
            node = parent_of.get(node)


def read_brief(data_dir: Path | None = None, vocabulary_dir: Path | None = None) -> BriefData:
    """Parse and validate the brief's transcription and the vocabularies; raise on any problem."""
    data = BriefData()
    for directory in (vocabulary_dir or VOCABULARY_DATA_DIR, data_dir or BRIEF_DATA_DIR):
        files = sorted(Path(directory).glob("*.toml"))
        if not files:
            raise BriefDataError(f"{directory}: no .toml files found")
        for path in files:
            _read_file(path, data)
    sources = data.rows("source")
    if len(sources) != 1:
        raise BriefDataError(f"exactly one [[source]] is needed, found {len(sources)}")
    _check_keys_unique(data)
    _check_references(data)
    _check_no_parent_cycles(data, "institution")
    _check_no_parent_cycles(data, "network")
    _check_no_parent_cycles(data, "topic")
    return data
