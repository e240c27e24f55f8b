"""The one CSV writer: every CSV the product produces is written here, formula-escaped.

A spreadsheet opening a CSV runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in
some, a tab or a carriage return) as a formula: ``=HYPERLINK("http://x", "click")`` in an
institution name becomes a live link, ``=cmd|...`` worse (CSV injection; OWASP's advice is to
prefix such cells with ``'``). The exports escaped them, the chart downloads did not (issue
12, finding 10): a safety that each writer must remember is one some writer forgets. So no
module writes CSV with the ``csv`` module itself (a test scans the source); they call
``csv_text`` or ``csv_bytes``, which escape every text cell.

Numbers stay numbers: ``-3`` as an int or float is written as ``-3`` and read back by a
spreadsheet as minus three, not a formula. The same text ``"-3"`` is escaped, as any text is,
since the writer cannot know a text is meant as a number. The import reverses the escape
(``unescape_formula``), so an export read back gives the same values.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"


def escape_formula(text: str) -> str:
    """Prefix ``'`` to text a spreadsheet would run as a formula (and to text that already
    looks escaped, so that ``unescape_formula`` gives it back unchanged)."""
    if not text:
        return text
    if text[0] in FORMULA_STARTS or (
        text[0] == "'" and len(text) > 1 and (text[1] in FORMULA_STARTS or text[1] == "'")
    ):
        return "'" + text
    return text


def unescape_formula(text: str) -> str:
    """Undo ``escape_formula`` (for cells read back by the import)."""
    if len(text) > 1 and text[0] == "'" and (text[1] in FORMULA_STARTS or text[1] == "'"):
        return text[1:]
    return text


def safe_cell(value: Any) -> Any:
    """A value as a CSV or spreadsheet cell: numbers as they are, None empty, text escaped."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    return escape_formula(str(value))


def csv_text(rows: Iterable[Sequence[Any]], *, lineterminator: str = "\r\n") -> str:
    """``rows`` (the header row first) as CSV text, every cell through ``safe_cell``.

    RFC 4180's CRLF by default; ``"\\n"`` for text meant for a terminal or a ``data:`` link.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=lineterminator)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """``rows`` as a CSV file: UTF-8 with a byte order mark, so that Excel reads any script."""
    return (BYTE_ORDER_MARK + csv_text(rows)).encode("utf-8")
