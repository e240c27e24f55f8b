"""Charts of the analytics pages, each over the same report dicts the API returns."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from nscap.analytics.gaps import NONE, heatmap_cells
from nscap.analytics.templatetags.analytics_ui import scope_name
from nscap.core.charts import Chart, Column, vega_lite


def cell_url(cell: str) -> str:
    return reverse("analytics:gap_cell", args=[cell])


def gap_heatmap_chart(rows: list[dict], axis: str) -> Chart:
    """Scope × target group (or × topic): colour is coverage, each cell links to its drill-down."""
    cells = heatmap_cells(rows, axis)
    for cell in cells:
        cell["scope_label"] = scope_name(cell)
        if cell["column"] == NONE:
            cell["column_label"] = _("(any)")
        cell["url"] = cell_url(cell["cell"])
        cell["coverage_percent"] = (
            round(cell["coverage"] * 100, 1) if cell["coverage"] is not None else None
        )
    title = _("Training gaps")
    scope, column = (
        _("Country or region"),
        (_("Target group") if axis == "target_group" else _("Topic")),
    )
    demand, supply, gap, coverage = _("Demand"), _("Supply"), _("Gap"), _("Coverage (%)")
    spec = vega_lite(
        title=title,
        description=_("Coverage of assessed training needs by %(axis)s; darker is a wider gap.")
        % {"axis": column.lower()},
        values=cells,
        mark={"type": "rect", "tooltip": True, "cursor": "pointer", "stroke": "white"},
        encoding={
            "x": {"field": "column_label", "type": "nominal", "title": column},
            "y": {"field": "scope_label", "type": "nominal", "title": scope},
            "color": {
                "field": "coverage_percent",
                "type": "quantitative",
                "title": coverage,
                "scale": {
                    "domain": [0, 100],
                    "scheme": "orangered",
                    "reverse": True,
                    "clamp": True,
                },
            },
            "tooltip": [
                {"field": "scope_label", "title": scope},
                {"field": "column_label", "title": column},
                {"field": "demand", "title": demand, "format": ","},
                {"field": "supply", "title": supply, "format": ","},
                {"field": "gap", "title": gap, "format": ","},
                {"field": "coverage_percent", "title": coverage},
            ],
            "href": {"field": "url"},
        },
    )
    return Chart(
        name="gap-heatmap",
        title=title,
        spec=spec,
        columns=[
            Column("scope_label", scope, link_field="url"),
            Column("column_label", column, link_field="url"),
            Column("demand", demand),
            Column("supply", supply),
            Column("gap", gap),
            Column("coverage_percent", coverage),
        ],
        rows=cells,
    )


def supply_by_year_chart(supply_by_year: list[dict]) -> Chart:
    """People trained per year, with the part whose country is not known."""
    title = _("People trained per year")
    year, people, unattributed = _("Year"), _("People trained"), _("Of whom unattributed")
    unitemised = _("Of whom un-itemised (aggregate claims)")
    values = [
        {
            "year": str(r["year"]),
            "people": r["people"],
            "unattributed": r["unattributed"],
            "unitemised": r.get("unitemised", 0),
        }
        for r in supply_by_year
    ]
    spec = vega_lite(
        title=title,
        values=values,
        mark={"type": "bar", "tooltip": True},
        encoding={
            "x": {"field": "year", "type": "ordinal", "title": year},
            "y": {"field": "people", "type": "quantitative", "title": people},
        },
    )
    return Chart(
        name="supply-by-year",
        title=title,
        spec=spec,
        columns=[
            Column("year", year),
            Column("people", people),
            Column("unattributed", unattributed),
            Column("unitemised", unitemised),
        ],
        rows=values,
    )


def participants_by_center_chart(rows: list[dict]) -> Chart:
    """Participants per center and year (lines), the achievements' trend."""
    title = _("Participants per center and year")
    center, year, participants = _("Center"), _("Year"), _("Participants")
    planned, events, countries = _("Planned per year"), _("Events"), _("Countries reached")
    values = [
        {
            **row,
            "year_text": str(row["year"]),
            "url": reverse("institutions:detail", args=[row["institution"]]),
        }
        for row in rows
    ]
    spec = vega_lite(
        title=title,
        values=values,
        mark={"type": "line", "point": True, "tooltip": True},
        encoding={
            "x": {"field": "year_text", "type": "ordinal", "title": year},
            "y": {"field": "participants", "type": "quantitative", "title": participants},
            "color": {"field": "name", "type": "nominal", "title": center},
            "href": {"field": "url"},
        },
    )
    return Chart(
        name="participants-by-center",
        title=title,
        spec=spec,
        columns=[
            Column("name", center, link_field="url"),
            Column("year", year),
            Column("events", events),
            Column("participants", participants),
            Column("countries", countries),
            Column("planned", planned),
        ],
        rows=values,
    )


def share_of_plan_chart(rows: list[dict]) -> Chart:
    """Participants as a share of the plan in force, for centers with a plan."""
    title = _("Share of the plan achieved")
    center, year, share = _("Center"), _("Year"), _("Share of plan (%)")
    values = [
        {
            "name": r["name"],
            "year": str(r["year"]),
            "share": round(r["share_of_plan"] * 100, 1),
            "participants": r["participants"],
            "planned": r["planned"],
        }
        for r in rows
        if r["share_of_plan"] is not None
    ]
    spec = vega_lite(
        title=title,
        values=values,
        mark={"type": "bar", "tooltip": True},
        encoding={
            "x": {"field": "year", "type": "ordinal", "title": year},
            "xOffset": {"field": "name"},
            "y": {"field": "share", "type": "quantitative", "title": share},
            "color": {"field": "name", "type": "nominal", "title": center},
        },
    )
    return Chart(
        name="share-of-plan",
        title=title,
        spec=spec,
        columns=[
            Column("name", center),
            Column("year", year),
            Column("participants", _("Participants")),
            Column("planned", _("Planned per year")),
            Column("share", share),
        ],
        rows=values,
    )
