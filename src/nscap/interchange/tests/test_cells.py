"""Cell forms: lists, partners, labels and countries both ways; formula escaping round trip."""

from __future__ import annotations

import pytest

from nscap.contributions.record_types import RECORD_TYPES
from nscap.core.csv_files import escape_formula, unescape_formula
from nscap.interchange.cells import CellError, read_cell, write_cell
from nscap.interchange.fields import field_specs


def spec(record_type: str, name: str):
    return next(s for s in field_specs(RECORD_TYPES[record_type]) if s.name == name)


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+33 1 23",
        "-2",
        "@SUM(A1)",
        "\tx",
        "\rx",
        "'=already",
        "''",
        "'x",
        "plain",
        "",
        "=",
        '=HYPERLINK("http://evil","x")',
    ],
)
def test_formula_escape_round_trip(text):
    escaped = escape_formula(text)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        assert escaped.startswith("'")
    assert unescape_formula(escaped) == text


def test_lists_both_ways():
    partners = spec("training_event", "partners")
    value = [
        {"institution": "insa", "role": "funder"},
        {"institution": "iscn", "role": "co_organiser"},
    ]
    assert read_cell(partners, write_cell(partners, value)) == value
    countries = spec("training_event", "participant_countries")
    rows = [{"country": "JP", "count": 3}, {"country": "VN", "count": 12}]
    assert write_cell(countries, rows) == "JP:3; VN:12"
    assert read_cell(countries, "JP:3; VN:12") == rows
    labels = spec("institution", "labels")
    value = [
        {"text": "Centre (CSCA), Jakarta", "language": "en", "script": "Latn", "kind": "name"},
        {"text": "国家核安保技术中心", "language": "zh-Hans", "script": "Hans", "kind": "name"},
    ]
    assert read_cell(labels, write_cell(labels, value)) == value
    tricky = [{"text": "A; B", "language": "en", "script": "Latn", "kind": "alias"}]
    assert write_cell(labels, tricky).startswith("[")
    assert read_cell(labels, write_cell(labels, tricky)) == tricky
    assert read_cell(spec("course", "topics"), " a ;b;; ") == ["a", "b"]


@pytest.mark.parametrize(
    ("record_type", "name", "text"),
    [
        ("training_event", "partners", "INSA (funder, co_organiser)"),
        ("training_event", "participant_countries", "JP twenty"),
        ("institution", "labels", "SNSTC"),
        ("course", "iaea_endorsed", "perhaps"),
        ("course", "topics", "[not json"),
    ],
)
def test_unreadable_cells_say_how_to_write_them(record_type, name, text):
    with pytest.raises(CellError):
        read_cell(spec(record_type, name), text)


def test_booleans_in_the_regions_words():
    endorsed = spec("course", "iaea_endorsed")
    assert read_cell(endorsed, "是") is True
    assert read_cell(endorsed, "いいえ") is False
    assert read_cell(endorsed, "TRUE") is True
