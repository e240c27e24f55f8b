"""The figures catalogue's units, rounding and bounds (``analytics.figures``, docs/figures.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nscap.analytics.figures import (
    CATALOGUE,
    ROW_FIGURES,
    Figure,
    _sum,
    coverage_share,
    coverage_text,
    figures,
)


def test_display_rounds_and_states_bounds():
    assert Figure("x", "x", "people", 40082).display == "40,082"
    assert Figure("x", "x", "people", 1500, 1500, None, False).display == (
        "1,500 (1,500 – no upper bound)"
    )
    assert Figure("x", "x", "people", 900, 810, 990).display == "900 (810 – 990)"
    assert Figure("x", "x", "percent", 75).display == "75%"
    assert Figure("x", "x", "percent", None).display == "—"


def test_people_summed_from_qualified_rows_keep_whole_bounds():
    rows = [
        {"demand": {"value": 1500, "low": 1500, "high": None}},  # "more than 1,500"
        {"demand": {"value": 200, "low": 180, "high": 220}},
    ]
    assert _sum(rows, "demand") == {"value": 1700, "low": 1680, "high": None}
    assert _sum(rows[1:], "demand") == {"value": 200, "low": 180, "high": 220}


def test_every_catalogue_figure_has_a_section_in_docs_figures_md():
    docs = (Path(__file__).resolve().parents[4] / "docs" / "figures.md").read_text("utf-8")
    sections = set(re.findall(r"^## (\S+)$", docs, flags=re.MULTILINE))
    listed = set(re.findall(r"^\| `(\w+)` \|", docs, flags=re.MULTILINE))
    ids = {definition.id for definition in CATALOGUE}
    assert {i.replace("_", "-") for i in (*ids, *ROW_FIGURES)} == sections
    assert ids == listed


@pytest.mark.django_db
def test_an_unknown_figure_is_named():
    with pytest.raises(KeyError, match="no-such-figure"):
        figures(None, ["no-such-figure"])


def test_coverage_is_a_percent_with_one_decimal_and_an_indicative_one_says_so():
    exact = {"value": 4 / 3000, "low": 4 / 3000, "high": 4 / 3000}
    assert coverage_share(exact) == {"value": 0.1, "low": 0.1, "high": 0.1}
    assert coverage_text({"coverage": exact, "coverage_basis": "measured"}) == "0.1 %"
    bounded = {"value": 0.5, "low": 0.4512, "high": None}
    assert coverage_text({"coverage": bounded, "coverage_basis": "measured"}) == (
        "50.0 % (45.1 % – no upper bound)"
    )
    stock = {"coverage": {"value": 0.0, "low": 0.0, "high": 0.0}, "coverage_basis": "indicative"}
    assert coverage_text(stock) == "indicative only: 0.0 %"
    assert coverage_text({"coverage": {"value": None, "low": None, "high": None}}) == "—"
