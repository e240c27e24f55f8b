"""How values are written in spreadsheet cells, both ways, and formula escaping.

Lists go in one cell, separated by ``;``: keys (``physical-protection; insider-threat``),
partners as ``institution (role)``, participant countries as ``CC:count`` and labels as
``text (language, script, kind)``. A cell that starts with ``[`` is read as JSON instead (export
writes JSON when a text itself contains ``;`` or parentheses, so that nothing is lost).

Cells that start with ``= + - @``, a tab or a carriage return would run as formulas in a
spreadsheet (CSV injection): export prefixes them with ``'`` and import removes that prefix
again, so export then import gives back the same values. The rule lives with the one CSV writer
(``nscap.core.csv_files``), which the XLSX export uses too; ``read_cell`` undoes it.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

from nscap.core.csv_files import unescape_formula
from nscap.interchange.fields import FieldSpec

SEPARATOR = ";"
TRUE_WORDS = {"true", "yes", "y", "1", "t", "是", "はい", "예", "x"}
FALSE_WORDS = {"false", "no", "n", "0", "f", "否", "いいえ", "아니오"}


class CellError(ValueError):
    """A cell cannot be read; the message says how to write it."""


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split(SEPARATOR) if item.strip()]


def _json_list(text: str) -> list:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CellError(_("not valid JSON: %(error)s") % {"error": exc.msg}) from exc
    if not isinstance(value, list):
        raise CellError(_("a JSON cell must hold a list"))
    return value


def _trailing_group(item: str, example: str) -> tuple[str, list[str]]:
    """``"text (a, b)"`` -> ("text", ["a", "b"])."""
    if not item.endswith(")") or "(" not in item:
        raise CellError(_("%(item)r: write it as %(example)s") % {"item": item, "example": example})
    head, _paren, group = item[:-1].rpartition("(")
    return head.strip(), [part.strip() for part in group.split(",")]


def _partners(text: str) -> list[dict]:
    rows = []
    for item in _items(text):
        if not item.endswith(")"):  # a partner named without its role (issue 14)
            rows.append({"institution": item})
            continue
        institution, parts = _trailing_group(item, _("institution (role), e.g. INSA (funder)"))
        if not institution or len(parts) != 1 or not parts[0]:
            raise CellError(_("%(item)r: write it as institution (role)") % {"item": item})
        rows.append({"institution": institution, "role": parts[0]})
    return rows


def _countries(text: str) -> list[dict]:
    rows = []
    for item in _items(text):
        country, colon, count = item.partition(":")
        if not colon or not count.strip().isdigit():
            raise CellError(_("%(item)r: write it as CC:count, e.g. JP:20") % {"item": item})
        rows.append({"country": country.strip(), "count": int(count)})
    return rows


def _labels(text: str) -> list[dict]:
    rows = []
    for item in _items(text):
        label, parts = _trailing_group(item, _("text (language, script, kind), e.g. SNSTC (en)"))
        if not label or not parts[0] or len(parts) > 3:
            raise CellError(
                _("%(item)r: write it as text (language, script, kind)") % {"item": item}
            )
        row = {"text": label, "language": parts[0]}
        if len(parts) > 1 and parts[1]:
            row["script"] = parts[1]
        if len(parts) > 2 and parts[2]:
            row["kind"] = parts[2]
        rows.append(row)
    return rows


def _boolean(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("%(value)r is not true or false") % {"value": text})


def _integer(text: str) -> int | str:
    try:
        number = float(text)
    except ValueError:
        return text  # the schema names the problem
    return int(number) if number.is_integer() else text


LIST_READERS = {
    "keys": _items,
    "texts": _items,
    "partners": _partners,
    "participant_countries": _countries,
    "labels": _labels,
}


def read_cell(spec: FieldSpec, text: str) -> Any:
    """The raw value of a non-blank cell for ``spec`` (references are still names)."""
    text = unescape_formula(text)
    if spec.kind in LIST_READERS:
        if text.lstrip().startswith("["):
            return _json_list(text)
        return LIST_READERS[spec.kind](text)
    if spec.kind == "boolean":
        return _boolean(text)
    if spec.kind == "integer":
        return _integer(text.strip())
    return text


def _plain(texts: list[str]) -> bool:
    """Texts that the ``;``-separated form keeps intact (the last parenthesis is ours)."""
    return not any(SEPARATOR in t or t.lstrip().startswith("[") for t in texts)


def write_cell(spec: FieldSpec, value: Any) -> Any:
    """The cell for ``value`` (a snapshot value): text, a number, a boolean or None."""
    if value is None:
        return None
    if spec.kind == "keys":
        return "; ".join(value)
    if spec.kind == "texts":
        return "; ".join(value) if _plain(value) else json.dumps(value, ensure_ascii=False)
    if spec.kind == "participant_countries":
        return "; ".join(f"{row['country']}:{row['count']}" for row in value)
    if spec.kind == "partners":
        if _plain([row["institution"] for row in value]):
            return "; ".join(f"{row['institution']} ({row['role']})" for row in value)
        return json.dumps(value, ensure_ascii=False)
    if spec.kind == "labels":
        # A learned alias's context (issue 14) has no place in "text (language, script,
        # kind)": such labels are written as JSON, so that export -> import keeps it.
        in_context = any(row.get("context_country") or row.get("context_reporter") for row in value)
        if _plain([row["text"] for row in value]) and not in_context:
            return "; ".join(
                f"{row['text']} ({row['language']}, {row['script']}, {row['kind']})"
                for row in value
            )
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool | int | float):
        return value
    return str(value)
