"""The regional report: the brief's three tables and the headline figures, regenerated from the
registry for a region and a period, as ``user`` may see them.

Every record is read through ``visible_to(user)`` (centers, profiles, milestones, courses, their
topics and target groups, claims through ``collaboration.selectors.table_three``) and every
citation through ``core.selectors.citations_for`` (a hidden source is never a footnote), so a
restricted record never changes what another viewer's report says. The figures are the
catalogue's (``analytics.figures``), never counted here.

The body is plain data (strings, numbers, lists, dicts): the page, ``GET /api/reports/regional``,
the workbook, the PDF and ``nscap report regional`` all render this one body.

Period rule (docs/user-guide.md, "Regional report"): a center is listed unless every dated step
of it is after ``to``; its key dates up to ``to`` are shown. A course is listed unless it was
first offered after ``to``. A claim is listed unless it starts after ``to`` or ended before
``from``. Undated records are always listed: the sources often give no date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch

from nscap.activities.models import Course
from nscap.analytics.figures import figures
from nscap.collaboration.choices import state_label
from nscap.collaboration.selectors import table_three
from nscap.core.selectors import record_url
from nscap.core.templatetags.nscap_ui import country_name, format_partial_date
from nscap.institutions.models import CenterProfile, Institution, Label, Milestone
from nscap.institutions.templatetags.institution_labels import activity_labels, scope_labels
from nscap.institutions.visible import visible_centers
from nscap.reports.params import RegionalParams
from nscap.sources.selectors import citations_for
from nscap.vocabularies.models import TargetGroup, Topic


class Footnotes:
    """The report's own footnotes, numbered in order of first use; one note per distinct
    citation (source, the source's footnote, locator, quote), however many cells use it."""

    def __init__(self) -> None:
        self._numbers: dict[tuple, int] = {}
        self.notes: list[dict[str, Any]] = []

    def mark(self, citations: Iterable[Any]) -> list[int]:
        numbers = []
        for citation in citations:
            key = (citation.source_id, citation.footnote, citation.locator, citation.quote)
            if key not in self._numbers:
                self._numbers[key] = len(self.notes) + 1
                self.notes.append(
                    {
                        "number": self._numbers[key],
                        "source": citation.source.title,
                        "source_key": citation.source.key,
                        "source_footnote": citation.footnote,
                        "locator": citation.locator,
                        "quote": citation.quote,
                    }
                )
            if self._numbers[key] not in numbers:
                numbers.append(self._numbers[key])
        return sorted(numbers)


def _in_region(country: str, params: RegionalParams) -> bool:
    countries = params.countries
    return countries is None or country in countries


def _year_of(date: dt.date | None) -> int | None:
    return date.year if date else None


def _started_by(date: dt.date | None, params: RegionalParams) -> bool:
    return params.year_to is None or date is None or date.year <= params.year_to


def _centers(user: Any, params: RegionalParams) -> list[Institution]:
    labels = Label.objects.order_by("-preferred", "id")
    milestones = Milestone.objects.visible_to(user).order_by("date", "id")
    centers = (
        visible_centers(user)
        .select_related("parent")
        .prefetch_related(
            Prefetch("labels", queryset=labels, to_attr="report_labels"),
            Prefetch("milestones", queryset=milestones, to_attr="report_milestones"),
        )
    )
    chosen = []
    for center in centers:
        if not _in_region(center.country, params):
            continue
        dated = [m.date for m in center.report_milestones if m.date]
        if dated and not any(_started_by(d, params) for d in dated):
            continue  # every step of it is after the period: it did not exist yet
        chosen.append(center)
    return sorted(chosen, key=lambda c: (country_name(c.country), c.name))


def _profiles(user: Any, centers: list[Institution]) -> dict[int, CenterProfile]:
    profiles = CenterProfile.objects.visible_to(user).filter(institution__in=centers)
    topics = Topic.objects.visible_to(user).order_by("name")
    return {
        p.institution_id: p for p in profiles.prefetch_related(Prefetch("topics", queryset=topics))
    }


def _names(center: Institution) -> tuple[str, list[dict[str, str]]]:
    """The center's acronym and its names in other scripts (Chinese, Japanese, Korean, ...)."""
    acronym = next((x.text for x in center.report_labels if x.kind == "acronym"), "")
    other = [
        {"text": x.text, "language": x.language}
        for x in center.report_labels
        if x.kind == "name" and x.script != "Latn" and x.text != center.name
    ]
    return acronym, other


def _parent(center: Institution, user: Any, visible_ids: set[int]) -> dict[str, Any]:
    parent = center.parent if center.parent_id in visible_ids else None
    return {
        "name": parent.name if parent else "",
        "url": record_url(parent) if parent else None,
        "role": center.get_parent_role_display() if center.parent_role else "",
        "relation": center.parent_relation,
    }


def table_one(
    user: Any, params: RegionalParams, centers: list[Institution], notes: Footnotes
) -> list[dict]:
    """Table 1: one row per center, with its parent, focus and key dates up to the period's end."""
    profiles = _profiles(user, centers)
    milestones = [m for c in centers for m in c.report_milestones if _started_by(m.date, params)]
    cited = citations_for([*centers, *profiles.values(), *milestones], user)
    parent_ids = {c.parent_id for c in centers if c.parent_id}
    visible_parents = set(
        Institution.objects.visible_to(user).filter(pk__in=parent_ids).values_list("pk", flat=True)
    )
    rows = []
    for center in centers:
        profile = profiles.get(center.pk)
        acronym, other_names = _names(center)
        rows.append(
            {
                "key": center.key,
                "url": record_url(center),
                "country": center.country,
                "country_name": country_name(center.country),
                "name": center.name,
                "acronym": acronym,
                "other_names": other_names,
                "kind": center.get_kind_display(),
                "parent": _parent(center, user, visible_parents),
                "geographic_focus": scope_labels(profile.geographic_focus) if profile else "",
                "geographic_focus_text": profile.geographic_focus_text if profile else "",
                "topics": [t.name for t in profile.topics.all()] if profile else [],
                "topic_focus_text": profile.topic_focus_text if profile else "",
                "activity_focus": activity_labels(profile.activity_focus) if profile else "",
                "activity_focus_text": profile.activity_focus_text if profile else "",
                "key_dates": [
                    {
                        "date": format_partial_date(m.date, m.date_precision),
                        "year": _year_of(m.date),
                        "date_text": m.date_text,
                        "kind": m.get_kind_display(),
                        "status": m.get_status_display(),
                        "actual": m.status == "actual",
                        "description": m.description,
                        "notes": notes.mark(cited.for_record(m)),
                    }
                    for m in center.report_milestones
                    if _started_by(m.date, params)
                ],
                "notes": notes.mark(
                    [*cited.for_record(center), *(cited.for_record(profile) if profile else [])]
                ),
            }
        )
    return rows


def table_two(
    user: Any, params: RegionalParams, centers: list[Institution], notes: Footnotes
) -> list[dict]:
    """Table 2: per center, the courses it offers (topics, target groups, scope)."""
    courses = (
        Course.objects.visible_to(user)
        .filter(provider__in=centers)
        .prefetch_related(
            Prefetch("topics", queryset=Topic.objects.visible_to(user).order_by("name")),
            Prefetch(
                "target_groups", queryset=TargetGroup.objects.visible_to(user).order_by("name")
            ),
        )
        .order_by("id")
    )
    courses = [c for c in courses if _started_by(c.first_offered, params)]
    cited = citations_for(courses, user)
    profiles = _profiles(user, centers)
    by_provider: dict[int, list[Course]] = {}
    for course in courses:
        by_provider.setdefault(course.provider_id, []).append(course)
    rows = []
    for center in centers:
        offered = by_provider.get(center.pk, [])
        if not offered:
            continue
        profile = profiles.get(center.pk)
        rows.append(
            {
                "key": center.key,
                "url": record_url(center),
                "name": center.name,
                "acronym": _names(center)[0],
                "country": center.country,
                "country_name": country_name(center.country),
                "scope": scope_labels(profile.geographic_focus) if profile else "",
                "offered_text": list(
                    dict.fromkeys(c.source_text for c in offered if c.source_text)
                ),
                "target_groups_text": list(
                    dict.fromkeys(c.target_groups_text for c in offered if c.target_groups_text)
                ),
                "topics": list(dict.fromkeys(t.name for c in offered for t in c.topics.all())),
                "target_groups": list(
                    dict.fromkeys(g.name for c in offered for g in c.target_groups.all())
                ),
                "courses": [
                    {
                        "key": c.key,
                        "url": record_url(c),
                        "title": c.title,
                        "kind": c.get_kind_display() if c.kind else "",
                        # "unspecified" says the source gives no level: nothing to print
                        "level": c.get_level_display()
                        if c.level not in ("", "unspecified")
                        else "",
                        "first_offered": format_partial_date(
                            c.first_offered, c.first_offered_precision
                        ),
                        "topics": [t.name for t in c.topics.all()],
                        "target_groups": [g.name for g in c.target_groups.all()],
                        "notes": notes.mark(cited.for_record(c)),
                    }
                    for c in offered
                ],
            }
        )
    return rows


def _partner(claim: Any) -> str:
    if claim.partner_id:
        return claim.partner.name
    if claim.partner_country:
        return country_name(claim.partner_country)
    return claim.partner_text


def _claim_in_period(claim: Any, params: RegionalParams) -> bool:
    ended_before = params.year_from is not None and claim.end and claim.end.year < params.year_from
    return _started_by(claim.start, params) and not ended_before


def table_three_rows(
    user: Any, params: RegionalParams, centers: list[Institution], notes: Footnotes
) -> list[dict]:
    """Table 3: per claimant in the region, its claims by direction (claimant → partner), with
    the claim's state (claimed / confirmed / disputed) and the other side's answer, both in the
    collaboration app's own vocabulary (``Confirmation``, ``Answer``)."""
    listed = {c.pk for c in centers}
    groups = [
        g
        for g in table_three(user)
        if _in_region(g.claimant.country, params)
        and (g.claimant.pk in listed or g.claimant.kind not in ("center_of_excellence", "nssc"))
    ]
    readings = [r for g in groups for r in g.readings if _claim_in_period(r.claim, params)]
    cited = citations_for([r.claim for r in readings], user)
    kept = {id(r) for r in readings}
    rows = []
    for group in groups:
        claimant = group.claimant
        rows.append(
            {
                "key": claimant.key,
                "url": record_url(claimant),
                "name": claimant.name,
                "country": claimant.country,
                "country_name": country_name(claimant.country),
                "claims": [
                    {
                        "key": r.claim.key,
                        "partner": _partner(r.claim),
                        "partner_url": record_url(r.claim.partner) if r.claim.partner_id else None,
                        "partner_country": r.claim.partner_country
                        or (r.claim.partner.country if r.claim.partner_id else ""),
                        "type": r.claim.get_type_display(),
                        "status": r.claim.get_status_display(),
                        "state": state_label(r.claim.confirmation),
                        "state_code": r.claim.confirmation,
                        "answer": state_label(r.answer),
                        "answer_code": r.answer,
                        "description": r.claim.description,
                        "network": r.claim.network.name if r.claim.network_id else "",
                        "notes": notes.mark(cited.for_record(r.claim)),
                    }
                    for r in group.readings
                    if id(r) in kept
                ],
            }
        )
    return rows


def headline_figures(user: Any) -> list[dict]:
    """The catalogue's figures for ``user``, as ``analytics.figures`` computes them."""
    return [
        {
            "id": f.id,
            "label": str(f.label),
            "unit": f.unit,
            "value": f.value,
            "low": f.low,
            "high": f.high,
            "display": f.display,
            "definition": f.definition,
        }
        for f in figures(user).values()
    ]


def regional_report(user: Any, params: RegionalParams) -> dict[str, Any]:
    """The whole report for ``user``: parameters, the three tables, figures and footnotes."""
    notes = Footnotes()
    centers = _centers(user, params)
    return {
        "region": params.region,
        "countries": sorted(params.countries) if params.countries is not None else None,
        "from": params.year_from,
        "to": params.year_to,
        "table_1": table_one(user, params, centers, notes),
        "table_2": table_two(user, params, centers, notes),
        "table_3": table_three_rows(user, params, centers, notes),
        "figures": headline_figures(user),
        "footnotes": notes.notes,
    }


def records_of(report: dict[str, Any]) -> list[str]:
    """Every center named in the report (for checks that a rendering lost none)."""
    return [row["name"] for row in report["table_1"]]
