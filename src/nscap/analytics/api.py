"""Read API of the analytics: ``/api/analytics/gaps`` and ``/api/analytics/achievements``.

The body is validated against its schema once and cached as JSON (per visibility class, data
version and query), so a cached answer costs no re-validation of a thousand rows.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja import Query, Router, Schema

from nscap.analytics.cache import cached
from nscap.analytics.schemas import (
    AchievementsQuery,
    AchievementsSchema,
    FigureSchema,
    GapQuery,
    GapReportSchema,
)
from nscap.analytics.selectors import achievements_report, gaps_report
from nscap.core.api_support import ErrorSchema, QueryErrorSchema, check_query

router = Router(tags=["analytics"])


def _responses(schema: type[Schema]) -> dict[int, type[Schema]]:
    """The report, or a 400 naming the bad query parameter, or a 401 (a bad token)."""
    return {200: schema, 400: QueryErrorSchema, 401: ErrorSchema}


def json_body(schema: type[Schema], report: dict) -> str:
    """The report as the API returns it (the CLI's ``--format json`` prints the same)."""
    body = schema.model_validate(report).model_dump(mode="json")
    return json.dumps(body, ensure_ascii=False)


def _response(name: str, request: HttpRequest, params: dict[str, Any], build) -> HttpResponse:
    # The body holds translated text (the method), so the language is part of the key.
    text = cached(f"api-{name}", request.user, {**params, "language": get_language()}, build)
    return HttpResponse(text, content_type="application/json; charset=utf-8")


@router.get("/analytics/gaps", response=_responses(GapReportSchema))
def gaps(request: HttpRequest, query: Query[GapQuery]):
    """Training gaps: demand against supply per year, scope, target group and topic, with bounds,
    the needs assessments' own stated coverage, and aggregate claims reconciled with events."""
    check_query(request, GapQuery)
    params = {"year": query.year, "country": query.country or "", "region": query.region or ""}
    return _response(
        "gaps",
        request,
        params,
        lambda: json_body(GapReportSchema, gaps_report(request.user, **params)),
    )


@router.get("/analytics/achievements", response=_responses(AchievementsSchema))
def achievements(request: HttpRequest, query: Query[AchievementsQuery]):
    """Per center and year: courses, events, participants, countries reached, against plans and
    aggregate claims, with the trend."""
    check_query(request, AchievementsQuery)
    params = {"institution": query.institution or "", "year": query.year}
    return _response(
        "achievements",
        request,
        params,
        lambda: json_body(AchievementsSchema, achievements_report(request.user, **params)),
    )


class FiguresSchema(Schema):
    figures: list[FigureSchema]


def figures_body(user: Any) -> dict:
    """Every catalogue figure for ``user``: the API's body, and the CLI's ``--format json``."""
    from nscap.analytics.figures import figures

    return {"figures": [figure.as_json() for figure in figures(user).values()]}


@router.get("/figures", response={200: FiguresSchema, 400: QueryErrorSchema, 401: ErrorSchema})
def figure_catalogue(request: HttpRequest):
    """Every headline figure the pages show, as the viewer may see it, with its unit and the id
    of its definition in docs/figures.md: the pages, this endpoint and ``nscap figures`` agree."""
    check_query(request, ())
    return figures_body(request.user)
