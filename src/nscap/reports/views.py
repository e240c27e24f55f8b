"""The regional report's page and its downloads (PDF, XLSX), all from ``regional_report``."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from nscap.analytics.regions import REGIONS
from nscap.reports.params import RegionalParams, ReportParameterError, parse_params
from nscap.reports.pdf import PdfUnavailable, render_pdf
from nscap.reports.selectors import regional_report
from nscap.reports.xlsx import XLSX_TYPE, regional_workbook

ALLOWED = ("region", "from", "to")


def _params(request: HttpRequest) -> RegionalParams:
    """The query's parameters; an unknown one is refused by name, like a bad value."""
    for name in request.GET:
        if name not in ALLOWED:
            raise ReportParameterError(
                name,
                _("unknown parameter. Allowed: %(allowed)s.") % {"allowed": ", ".join(ALLOWED)},
            )
    return parse_params(request.GET.get("region"), request.GET.get("from"), request.GET.get("to"))


def _context(request: HttpRequest) -> dict:
    return {
        "section": "reports",
        "regions": list(REGIONS),
        "chosen": {name: request.GET.get(name, "") for name in ALLOWED},
    }


def _refused(request: HttpRequest, error: ReportParameterError) -> HttpResponse:
    context = {**_context(request), "problem": error}
    return render(request, "reports/regional.html", context, status=400)


def regional_page(request: HttpRequest) -> HttpResponse:
    """``/reports/regional/?region=&from=&to=``: the three tables, the figures, the footnotes."""
    try:
        params = _params(request)
    except ReportParameterError as error:
        return _refused(request, error)
    report = regional_report(request.user, params)
    query_string = urlencode(params.as_query())
    context = {**_context(request), "report": report, "query_string": query_string}
    return render(request, "reports/regional.html", context)


def _filename(params: RegionalParams, extension: str) -> str:
    parts = ["regional-report", params.region or "all"]
    if params.year_from or params.year_to:
        parts.append(f"{params.year_from or ''}-{params.year_to or ''}")
    stem = "-".join(parts).lower().replace(" ", "-").replace("(", "").replace(")", "")
    return f"{stem}.{extension}"


def regional_pdf(request: HttpRequest) -> HttpResponse:
    """The report as PDF (WeasyPrint); 503 with the reason when PDF is not installed here."""
    try:
        params = _params(request)
    except ReportParameterError as error:
        return _refused(request, error)
    report = regional_report(request.user, params)
    try:
        pdf = render_pdf(report, params)
    except PdfUnavailable as error:
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(params, "pdf")}"'
    return response


def regional_xlsx(request: HttpRequest) -> HttpResponse:
    """The report's three tables, figures and footnotes as a workbook, one sheet each."""
    try:
        params = _params(request)
    except ReportParameterError as error:
        return _refused(request, error)
    content = regional_workbook(regional_report(request.user, params))
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(params, "xlsx")}"'
    return response
