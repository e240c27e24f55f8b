"""Read API of the analytics: ``/api/analytics/gaps`` and ``/api/analytics/achievements``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from nscap.analytics.schemas import AchievementsQuery, AchievementsSchema, GapQuery, GapReportSchema
from nscap.analytics.selectors import achievements_report, gaps_report
from nscap.core.api_support import check_query

router = Router(tags=["analytics"])


@router.get("/analytics/gaps", response=GapReportSchema)
def gaps(request: HttpRequest, query: Query[GapQuery]):
    """Training gaps: demand against supply per year, scope, target group and topic, with bounds,
    the needs assessments' own stated coverage, and aggregate claims reconciled with events."""
    check_query(request, GapQuery)
    return gaps_report(
        request.user, year=query.year, country=query.country or "", region=query.region or ""
    )


@router.get("/analytics/achievements", response=AchievementsSchema)
def achievements(request: HttpRequest, query: Query[AchievementsQuery]):
    """Per center and year: courses, events, participants, countries reached, against plans and
    aggregate claims, with the trend."""
    check_query(request, AchievementsQuery)
    return achievements_report(request.user, institution=query.institution or "", year=query.year)
