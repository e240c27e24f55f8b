"""Blank import templates: one sheet (or CSV file) per record type with its header row, and a
first sheet that explains every field in English and Chinese.

The explanation is built from the input schemas (``fields.field_specs``), so it never disagrees
with what the import accepts.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from nscap.contributions.record_types import RECORD_TYPES
from nscap.core.csv_files import csv_bytes
from nscap.interchange.fields import KIND_TEXT, FieldSpec, field_help, field_specs

LANGUAGES = ("en", "zh-hans")
FIELDS_SHEET = "fields"


VOCABULARIES = ("topic", "target_group")


def vocabulary_values(record_type_name: str, user: Any) -> str:
    """Every term of a vocabulary the viewer may see, as ``key = name`` (key order), so that a
    person filling in the template can pick one; stewards extend the list through the
    ``topic`` and ``target_group`` sheets."""
    model = RECORD_TYPES[record_type_name].model
    terms = model.objects.visible_to(user).order_by("key").values_list("key", "name")
    return "; ".join(f"{key} = {name}" for key, name in terms)


def _allowed(spec: FieldSpec, user: Any) -> str:
    if spec.choices is not None:
        return "; ".join(f"{choice.value} = {choice.label}" for choice in spec.choices)
    if spec.target in VOCABULARIES:
        return vocabulary_values(spec.target, user)
    if spec.kind == "partners":
        from nscap.activities.choices import PartnerRole

        return _("roles: %(roles)s (leave the role out when the source does not say)") % {
            "roles": "; ".join(PartnerRole.values)
        }
    if spec.kind == "labels":
        from nscap.institutions.choices import LabelKind

        return _("kinds: %(kinds)s") % {"kinds": "; ".join(LabelKind.values)}
    return ""


def _describe(spec: FieldSpec, record_type_name: str, user: Any) -> list[str]:
    """[required, type, allowed values, meaning] in the active language."""
    return [
        _("required") if spec.required else _("optional"),
        str(KIND_TEXT[spec.kind]),
        _allowed(spec, user),
        str(field_help(RECORD_TYPES[record_type_name], spec.name)),
    ]


def explanation_rows(user: Any = None) -> list[list[str]]:
    """The fields sheet: a header, then one row per field of every record type, with its
    description in English and in Chinese side by side."""
    with translation.override("en"):
        header_en = [
            _("sheet"),
            _("field"),
            _("required"),
            _("type"),
            _("allowed values"),
            _("meaning"),
        ]
    with translation.override("zh-hans"):
        header_zh = [_("required"), _("type"), _("allowed values"), _("meaning")]
    rows = [header_en + [f"{text} (中文)" for text in header_zh]]
    for name, record_type in RECORD_TYPES.items():
        for spec in field_specs(record_type):
            with translation.override("en"):
                english = _describe(spec, name, user)
            with translation.override("zh-hans"):
                chinese = _describe(spec, name, user)
            rows.append([name, spec.name, *english, *chinese])
    return rows


def introduction() -> list[str]:
    """Two lines on how to fill in the template, in English and Chinese."""
    lines = []
    for language in LANGUAGES:
        with translation.override(language):
            lines.append(
                _(
                    "Fill in one sheet per record type, one record per row, keeping the header "
                    "row. Every row needs a key; a key the registry has updates that record. "
                    "Lists go in one cell, separated by ;."
                )
            )
    return lines


def template_xlsx(user: Any = None) -> bytes:
    """The XLSX template: the fields sheet first, then one sheet per record type."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    about = workbook.active
    about.title = FIELDS_SHEET
    for line in introduction():
        about.append([line])
    about.append([])
    rows = explanation_rows(user)
    for row in rows:
        about.append(row)
    for cell in about[len(introduction()) + 2]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHIJ", (18, 22, 10, 30, 40, 50, 10, 30, 40, 50), strict=True):
        about.column_dimensions[letter].width = width
    for name, record_type in RECORD_TYPES.items():
        sheet = workbook.create_sheet(name)
        sheet.append([spec.name for spec in field_specs(record_type)])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_csv_zip(user: Any = None) -> bytes:
    """The CSV template: fields.csv and one <record_type>.csv with its header row each."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            f"{FIELDS_SHEET}.csv",
            csv_bytes([[line] for line in introduction()] + [[]] + explanation_rows(user)),
        )
        for name, record_type in RECORD_TYPES.items():
            archive.writestr(
                f"{name}.csv", csv_bytes([[spec.name for spec in field_specs(record_type)]])
            )
    return out.getvalue()


TEMPLATES = {
    "xlsx": (
        "nscap-template.xlsx",
        template_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "csv": ("nscap-template-csv.zip", template_csv_zip, "application/zip"),
}
