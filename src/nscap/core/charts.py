"""Charts: a Vega-Lite (or Vega) spec with the table of its data beside it.

A page never shows a chart alone: the same rows are printed as a table for screen readers and
for anyone who wants the figures, and can be downloaded as CSV without JavaScript. vega-embed
draws the spec from the app's own static files (no CDN); PNG and SVG come from the drawn view.
Analytics, pages and the API build charts with the same functions, so the figures agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

from nscap.core.csv_files import BYTE_ORDER_MARK, csv_text

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
VEGA_SCHEMA = "https://vega.github.io/schema/vega/v6.json"
MISSING = "—"  # a value not given, as the site's tables show it (the CSV leaves the field empty)


@dataclass(frozen=True)
class Column:
    """One column of a chart's data table: the row field and its translated header."""

    field: str
    header: str
    link_field: str = ""  # a row field holding a URL; the cell becomes a link to it


@dataclass
class Chart:
    """A chart for one page: ``spec`` is complete (data values included); ``rows`` feed the table.

    ``name`` is a slug used for the DOM id and download file names. ``grammar`` is ``vega-lite``
    for ordinary charts and ``vega`` for what Vega-Lite cannot draw (a force-directed graph).
    """

    name: str
    title: str
    spec: dict[str, Any]
    columns: list[Column]
    rows: list[dict[str, Any]]
    description: str = ""
    grammar: Literal["vega-lite", "vega"] = "vega-lite"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def dom_id(self) -> str:
        return f"chart-{self.name}"

    @property
    def spec_id(self) -> str:
        return f"chart-{self.name}-spec"

    def table_rows(self) -> list[list[tuple[Any, str]]]:
        """Each row as (value, link) pairs in column order, for the template; a value not given
        (None or absent) is shown as ``MISSING``, never as "None"."""
        return [
            [
                (
                    MISSING if row.get(c.field) is None else row[c.field],
                    (row.get(c.link_field) or "") if c.link_field else "",
                )
                for c in self.columns
            ]
            for row in self.rows
        ]

    def csv_text(self) -> str:
        """The data table as CSV, through the one formula-escaping writer."""
        header = [c.header for c in self.columns]
        rows = ([row.get(c.field) for c in self.columns] for row in self.rows)
        return csv_text([header, *rows], lineterminator="\n")

    def csv_data_url(self) -> str:
        """The table as a CSV download link that works without JavaScript."""
        return "data:text/csv;charset=utf-8," + quote(BYTE_ORDER_MARK + self.csv_text())


def vega_lite(
    *,
    title: str,
    values: list[dict[str, Any]],
    mark: dict[str, Any] | str,
    encoding: dict[str, Any],
    description: str = "",
    **extra: Any,
) -> dict[str, Any]:
    """A complete Vega-Lite spec with inline data, sized to its container."""
    spec: dict[str, Any] = {
        "$schema": VEGA_LITE_SCHEMA,
        "title": title,
        "description": description or title,
        "width": "container",
        "data": {"values": values},
        "mark": mark,
        "encoding": encoding,
        "config": {"font": "system-ui, sans-serif", "view": {"stroke": None}},
    }
    spec.update(extra)
    return spec
