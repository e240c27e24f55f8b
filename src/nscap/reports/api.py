"""``GET /api/reports/regional``: the regional report as JSON (the page's own body)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from nscap.core.api_errors import BadQuery
from nscap.core.api_support import ErrorSchema, QueryErrorSchema, check_query
from nscap.reports.params import ReportParameterError, parse_params
from nscap.reports.pdf import PdfUnavailable, render_pdf
from nscap.reports.schemas import RegionalReportQuery, RegionalReportSchema
from nscap.reports.selectors import regional_report
from nscap.reports.xlsx import XLSX_TYPE, regional_workbook

router = Router(tags=["reports"])


def report_json(report: dict) -> str:
    """The report as the API returns it (``nscap report regional --format json`` prints it)."""
    body = RegionalReportSchema.model_validate(report).model_dump(mode="json", by_alias=True)
    return json.dumps(body, ensure_ascii=False)


@router.get(
    "/reports/regional",
    response={
        200: RegionalReportSchema,
        400: QueryErrorSchema,
        401: ErrorSchema,
        503: ErrorSchema,
    },
    by_alias=True,
    openapi_extra={
        "responses": {
            200: {
                "description": "The report as JSON; with `format=xlsx` or `format=pdf`, the file.",
                "content": {
                    XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def regional(request: HttpRequest, query: Query[RegionalReportQuery]):
    """The brief's three tables (centers; training offered; collaboration by direction, with
    claimed / confirmed / disputed) and the headline figures, for a region and period, over
    what the viewer may see; each fact with its footnotes. ``format=xlsx`` or ``format=pdf``
    returns the workbook or the PDF instead (503 where PDF is not installed)."""
    check_query(request, RegionalReportQuery)
    try:
        params = parse_params(query.region, query.year_from, query.year_to)
    except ReportParameterError as error:
        raise BadQuery(error.field, error.message) from None
    report = regional_report(request.user, params)
    if query.format == "xlsx":
        return _download(regional_workbook(report), XLSX_TYPE, "xlsx")
    if query.format == "pdf":
        try:
            return _download(render_pdf(report, params), "application/pdf", "pdf")
        except PdfUnavailable as error:
            detail = json.dumps({"detail": str(error)}, ensure_ascii=False)
            return HttpResponse(detail, status=503, content_type="application/json")
    body = report_json(report)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def _download(content: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="regional-report.{extension}"'
    return response
