"""The one CSV writer: text cells that a spreadsheet would run are escaped, numbers are not."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from nscap.core.csv_files import (
    FORMULA_STARTS,
    csv_bytes,
    csv_text,
    escape_formula,
    safe_cell,
    unescape_formula,
)


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_is_escaped(start):
    text = f'{start}HYPERLINK("http://x")'
    assert read(csv_text([[text]])) == [["'" + text]]


@pytest.mark.parametrize("value", [-3, -2.5, Decimal("-1.25"), 0, 42])
def test_numbers_stay_numbers(value):
    assert safe_cell(value) == value
    assert read(csv_text([[value]])) == [[str(value)]]


def test_text_that_looks_like_a_negative_number_is_still_text():
    assert safe_cell("-3") == "'-3"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        ("", ""),
        ("INSA", "INSA"),
        ("国家核安保技术中心", "国家核安保技术中心"),
        (True, True),
    ],
)
def test_other_cells(value, cell):
    assert safe_cell(value) == cell


@pytest.mark.parametrize("text", ["=1+1", "'=1+1", "''x", "'plain", "plain", "-", "@x", "\tx"])
def test_escape_then_unescape_gives_the_text_back(text):
    assert unescape_formula(escape_formula(text)) == text


def test_csv_bytes_is_utf8_with_a_byte_order_mark_and_crlf():
    data = csv_bytes([["name"], ["=SUM(A1)"]])
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig") == "name\r\n'=SUM(A1)\r\n"


def test_csv_text_takes_any_iterable_of_rows():
    rows = ([n, -n] for n in range(1, 3))
    assert csv_text(rows, lineterminator="\n") == "1,-1\n2,-2\n"
