"""``GET /api/reports/regional``: the regional report as JSON (the page's own body)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from nscap.core.api_errors import BadQuery
from nscap.core.api_support import ErrorSchema, QueryErrorSchema, check_query
from nscap.reports.params import ReportParameterError, parse_params
from nscap.reports.schemas import RegionalReportQuery, RegionalReportSchema
from nscap.reports.selectors import regional_report

router = Router(tags=["reports"])


def report_json(report: dict) -> str:
    """The report as the API returns it (``nscap report regional --format json`` prints it)."""
    body = RegionalReportSchema.model_validate(report).model_dump(mode="json", by_alias=True)
    return json.dumps(body, ensure_ascii=False)


@router.get(
    "/reports/regional",
    response={200: RegionalReportSchema, 400: QueryErrorSchema, 401: ErrorSchema},
)
def regional(request: HttpRequest, query: Query[RegionalReportQuery]):
    """The brief's three tables (centers; training offered; collaboration by direction, with
    claimed / confirmed / disputed) and the headline figures, for a region and period, over
    what the viewer may see; each fact with its footnotes."""
    check_query(request, ["region", "from", "to"])
    try:
        params = parse_params(query.region, query.year_from, query.year_to)
    except ReportParameterError as error:
        raise BadQuery(error.field, error.message) from None
    body = report_json(regional_report(request.user, params))
    return HttpResponse(body, content_type="application/json; charset=utf-8")
