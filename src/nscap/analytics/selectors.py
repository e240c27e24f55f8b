"""What pages, the API and ``nscap analyse`` show: one function per report, same figures."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from nscap.analytics.achievements import achievements, filter_achievements
from nscap.analytics.figures import ACHIEVEMENT_FIGURES, coverage_text, figures
from nscap.analytics.gaps import filter_rows, gap_analysis, headline_rows
from nscap.analytics.regions import REGIONS


def gap_method() -> str:
    """The method, in plain words (the page prints it; the API and CLI return it)."""
    return _(
        "Supply is the number of people trained per year, by the country they came from, the "
        "target group and the topic, counted from training events you may see; a report that "
        "duplicates another counts once. Participants whose country is not known are shown as "
        "unattributed, never given a country. An aggregate claim adds only the people it claims "
        "beyond the events its institution logged in the same period (un-itemised, in whole "
        "people spread over its years); overlapping claims of one institution are not added up, "
        "the largest counts. Demand is "
        "the needs assessments' figures for a year. Gap = demand − supply (never below 0); "
        "coverage = supply ÷ demand. Bounds come from the qualifiers: 'approximately' ±10 %, "
        "'more than' and 'at least' no upper bound, 'just over' up to +5 %, 'almost' down to −5 %."
    )


def check_region(region: str) -> str:
    """``region`` if it is one this registry knows; ValueError naming the choices otherwise."""
    if region and region not in REGIONS:
        raise ValueError(f"unknown region {region!r}; one of: {', '.join(sorted(REGIONS))}")
    return region


def _shown(rows: list[dict]) -> list[dict]:
    """Rows with their coverage as the pages print it (in the request's language: the cached
    analysis is shared by every language, so the text is added here, never stored there)."""
    return [{**row, "coverage_shown": coverage_text(row)} for row in rows]


def gaps_report(user: Any, *, year: int | None = None, country: str = "", region: str = "") -> dict:
    """Gap rows (filtered), the stated-coverage headline rows, claims and totals for ``user``."""
    analysis = gap_analysis(user)
    return {
        "method": gap_method(),
        "filters": {"year": year, "country": country or None, "region": region or None},
        "rows": _shown(filter_rows(analysis["rows"], year=year, country=country, region=region)),
        "headline": _shown(headline_rows(analysis["rows"])),
        "claims": analysis["claims"],
        "supply_by_year": analysis["supply_by_year"],
        "undated_needs": analysis["undated_needs"],
        "totals": analysis["totals"],
    }


def achievements_report(user: Any, *, institution: str = "", year: int | None = None) -> dict:
    """Per-center, per-year achievements for ``user``, optionally one institution or year."""
    whole = achievements(user)
    result = filter_achievements(whole, institution=institution, year=year)
    return {
        "filters": {"institution": institution or None, "year": year},
        "figures": [f.as_json() for f in figures(user, ACHIEVEMENT_FIGURES).values()],
        **result,
    }
