"""``GET /api/export``: everything the caller may see, as CSV, XLSX, JSON Lines or JSON-LD.

Reads only: the caller is a visitor, a session or a token (``read_auth``), and ``visible_to``
decides what the file holds.
"""

from __future__ import annotations

from enum import Enum

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from nscap.core.api_errors import BadQuery
from nscap.core.api_support import check_query
from nscap.interchange import exporter

router = Router(tags=["export"])

ExportFormat = Enum("ExportFormat", {name: name for name in exporter.FORMATS}, type=str)
RecordTypeName = Enum("RecordTypeName", {name: name for name in exporter.table_names()}, type=str)


class ExportQuery(Schema):
    format: ExportFormat = ExportFormat("jsonl")
    type: RecordTypeName | None = None


@router.get(
    "/export",
    response={200: None},
    summary="Export what you may see",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file: CSV (a zip of CSVs without `type`), XLSX, JSON Lines "
                "or JSON-LD (schema.org Organization, Course, CourseInstance, CreativeWork).",
                "content": {
                    content_type.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                    for content_type, _ext in exporter.FORMATS.values()
                }
                | {
                    exporter.ZIP_TYPE: {"schema": {"type": "string", "format": "binary"}},
                    "application/ld+json": {"schema": {"type": "object"}},
                },
            }
        }
    },
)
def export(request: HttpRequest, query: Query[ExportQuery]) -> HttpResponse:
    """Every record of ``type`` (or of every type) that the caller may see."""
    check_query(request, ("format", "type"))
    try:
        content, content_type, filename = exporter.export(
            request.user, query.format.value, query.type.value if query.type else None
        )
    except exporter.ExportError as exc:
        raise BadQuery("format", str(exc)) from exc
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
