"""The regional report as a workbook: one sheet per table, the figures and the footnotes."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from nscap.core.csv_files import escape_formula

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _notes(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _rows(report: dict[str, Any]) -> dict[str, list[list[Any]]]:
    one = [[_("Country"), _("Center"), _("Acronym"), _("Other names"), _("Parent"),
            _("Parent's role"), _("Geographical focus"), _("Topic focus"), _("Activity focus"),
            _("Key dates"), _("Notes")]]  # fmt: skip
    for row in report["table_1"]:
        dates = "; ".join(
            f"{d['date']}: {d['description']} ({d['status']})" for d in row["key_dates"]
        )
        one.append([row["country_name"], row["name"], row["acronym"],
                    ", ".join(n["text"] for n in row["other_names"]), row["parent"]["name"],
                    row["parent"]["role"], row["geographic_focus_text"], row["topic_focus_text"],
                    row["activity_focus_text"], dates, _notes(row["notes"])])  # fmt: skip
    two = [[_("Center"), _("Country"), _("Scope"), _("Course"), _("Topics"), _("Target groups"),
            _("Target groups (source text)"), _("Notes")]]  # fmt: skip
    for row in report["table_2"]:
        for course in row["courses"]:
            two.append([row["name"], row["country_name"], row["scope"], course["title"],
                        ", ".join(course["topics"]), ", ".join(course["target_groups"]),
                        "; ".join(row["target_groups_text"]), _notes(course["notes"])])  # fmt: skip
    three = [[_("Center"), _("Country"), _("Partner"), _("Kind"), _("Status"), _("State"),
              _("Other side"), _("Notes")]]  # fmt: skip
    for row in report["table_3"]:
        for claim in row["claims"]:
            three.append([row["name"], row["country_name"], claim["partner"], claim["type"],
                          claim["status"], claim["state"], claim["answer"],
                          _notes(claim["notes"])])  # fmt: skip
    figures = [[_("Figure"), _("Value"), _("Unit"), _("Definition")]]
    figures += [[f["label"], f["display"], f["unit"], f["definition"]] for f in report["figures"]]
    notes = [[_("Note"), _("Source"), _("Source's footnote"), _("Where"), _("Quote")]]
    notes += [[n["number"], n["source"], n["source_footnote"], n["locator"], n["quote"]]
              for n in report["footnotes"]]  # fmt: skip
    return {
        _("Table 1 centers"): one,
        _("Table 2 training"): two,
        _("Table 3 collaboration"): three,
        _("Figures"): figures,
        _("Footnotes"): notes,
    }


def _cell(value: Any) -> Any:
    """Text without the control characters XLSX refuses, and never read as a formula."""
    if isinstance(value, str):
        return escape_formula(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def regional_workbook(report: dict[str, Any]) -> bytes:
    """The workbook's bytes; text cells go through the exporter's formula-escaping."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in _rows(report).items():
        sheet = book.create_sheet(title[:31])
        for row in rows:
            sheet.append([_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
