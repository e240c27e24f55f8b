"""Achievements: what each center did per year, against its plans and its own aggregate claims.

Per institution that hosted a (deduplicated) event, pledged a plan or made an aggregate claim:
per year, courses run (distinct courses among its events), events, participants (all, with the
unattributed), countries reached (distinct known participant countries), the plan in force
(a Quantity with status ``planned`` and a per-year measure, e.g. INSA's 1,000 a year), the share of
the plan achieved, and what its aggregate claims say for that year, reconciled with its events by
the one rule of ``claims.py``: overlapping claims not summed (``claimed_people``, whole people
spread by largest remainder), and of those the people beyond its logged events (``unitemised``).
Every reconciled claim of the centers shown is listed too (``claims``), a cumulative one (ISCN's
"more than 1,500, as of 2014") included. The trend is the least-squares slope of participants
per year.
Read only through ``visible_to(user)``; cached like the gaps.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from nscap.analytics.cache import cached
from nscap.analytics.claims import claim_json, largest_remainder, people_json, spread, whole
from nscap.analytics.qualifiers import Range, json_number
from nscap.analytics.supply import UNATTRIBUTED, supply
from nscap.institutions.models import Institution
from nscap.quantities.choices import QuantityStatus
from nscap.quantities.models import Quantity

PLAN_MEASURES = ("people_trained_per_year",)


def _slope(points: list[tuple[int, float]]) -> float | None:
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    var = sum((x - mean_x) ** 2 for x, _ in points)
    if not var:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / var


def _trend(slope: float | None) -> str:
    if slope is None:
        return "unknown"
    if abs(slope) < 1:
        return "flat"
    return "rising" if slope > 0 else "falling"


def _plans(user: Any) -> dict[int, Quantity]:
    plans = {}
    for quantity in (
        Quantity.objects.visible_to(user)
        .filter(status=QuantityStatus.PLANNED, measure__in=PLAN_MEASURES, institution__isnull=False)
        .order_by("key")
    ):
        plans.setdefault(quantity.institution_id, quantity)
    return plans


def _plan_applies(plan: Quantity, year: int) -> bool:
    if plan.period_start and year < plan.period_start.year:
        return False
    return not (plan.period_end and year > plan.period_end.year)


def _compute(user: Any) -> dict:
    data = supply(user)
    plans = _plans(user)
    years: dict[tuple[int, int], dict] = {}

    def slot(institution_id: int, year: int) -> dict:
        return years.setdefault(
            (institution_id, year),
            {
                "courses": set(),
                "events": 0,
                "participants": 0,
                "countries": set(),
                "claimed_people": 0,
                "unitemised": 0,
                "claimed": Range.zero(),
                "claims": [],
            },
        )

    for event in data.events:
        # An event whose host is not reconciled is nobody's achievement yet; the gap analysis
        # counts it (``unreconciled_events``) and the queue asks for its host.
        if event.year is None or event.host_id is None:
            continue
        entry = slot(event.host_id, event.year)
        entry["events"] += 1
        entry["participants"] += event.people
        entry["countries"].update(c for c, _ in event.countries if c != UNATTRIBUTED)
        if event.course_id is not None:
            entry["courses"].add(event.course_id)
    for claim in data.claims:
        if not claim.measure:
            continue
        claimed = (
            largest_remainder(round(claim.claimed_value), [1.0] * len(claim.years))
            if claim.counted
            else [0] * len(claim.years)
        )
        unitemised = {year: int(share.value) for year, share in claim.shares}
        # The same spread with the claim's bounds: "over 500" in 2010-2012 is over 167 a year.
        bounded = dict(spread(whole(claim.claimed), claim.years)) if claim.counted else {}
        for year, people in zip(claim.years, claimed, strict=True):
            entry = slot(claim.claimant_id, year)
            entry["claimed_people"] += people
            entry["unitemised"] += unitemised.get(year, 0)
            entry["claimed"] = entry["claimed"] + bounded.get(year, Range.zero())
            entry["claims"].append(claim.key)
    by_institution: dict[int, list[tuple[int, dict]]] = defaultdict(list)
    for (institution_id, year), entry in years.items():
        by_institution[institution_id].append((year, entry))
    claims_of: dict[int, list] = defaultdict(list)
    for claim in data.claims:
        claims_of[claim.claimant_id].append(claim)
    ids = set(by_institution) | set(plans) | set(claims_of)
    institutions = {
        i.pk: i for i in Institution.objects.visible_to(user).filter(pk__in=ids).order_by("name")
    }
    rows, centers, claims = [], [], []
    for institution in sorted(institutions.values(), key=lambda i: i.name):
        plan = plans.get(institution.pk)
        own = sorted(by_institution.get(institution.pk, ()), key=lambda item: item[0])
        previous = None
        institution_rows = []
        for year, entry in own:
            planned = None
            if plan and _plan_applies(plan, year):
                planned = Range.of(plan.value, plan.qualifier)
            row = {
                "institution": institution.key,
                "name": institution.name,
                "kind": institution.kind,
                "year": year,
                "courses": len(entry["courses"]),
                "events": entry["events"],
                "participants": entry["participants"],
                "countries": len(entry["countries"]),
                "planned": json_number(planned.value) if planned else None,
                "share_of_plan": round(entry["participants"] / planned.value, 3)
                if planned and planned.value
                else None,
                "claimed_people": entry["claimed_people"] if entry["claims"] else None,
                "claimed": people_json(entry["claimed"]) if entry["claims"] else None,
                "unitemised": entry["unitemised"] if entry["claims"] else None,
                "claims": sorted(set(entry["claims"])),
                "change": entry["participants"] - previous if previous is not None else None,
            }
            previous = entry["participants"]
            institution_rows.append(row)
        rows.extend(institution_rows)
        own_claims = claims_of.get(institution.pk, ())
        claims.extend(
            {**claim_json(c, {institution.pk: institution.key}), "name": institution.name}
            for c in own_claims
        )
        slope = _slope([(r["year"], r["participants"]) for r in institution_rows if r["events"]])
        centers.append(
            {
                "institution": institution.key,
                "name": institution.name,
                "kind": institution.kind,
                "plan": {
                    "quantity": plan.key,
                    "value": json_number(float(plan.value)),
                    "qualifier": plan.qualifier,
                    "unit": plan.unit,
                    "description": plan.description,
                }
                if plan
                else None,
                "years": len(institution_rows),
                "events": sum(r["events"] for r in institution_rows),
                "participants": sum(r["participants"] for r in institution_rows),
                "trend_slope": round(slope, 2) if slope is not None else None,
                "trend": _trend(slope),
                "unitemised": sum(int(c.extra.value) for c in own_claims),
                # With the qualifiers' bounds: ISCN's "more than 1,500" stays a lower bound.
                "claimed_beyond_logged": people_json(
                    sum((c.extra for c in own_claims), Range.zero())
                ),
            }
        )
    return {"rows": rows, "centers": centers, "claims": claims}


def achievements(user: Any) -> dict:
    """Per center and year for ``user`` (cached): ``rows`` and per-center ``centers``."""
    return cached("achievements", user, {}, lambda: _compute(user))


def filter_achievements(result: dict, *, institution: str = "", year: int | None = None) -> dict:
    rows = result["rows"]
    centers = result["centers"]
    claims = result["claims"]
    if institution:
        rows = [r for r in rows if r["institution"] == institution]
        centers = [c for c in centers if c["institution"] == institution]
        claims = [c for c in claims if c["claimant"] == institution]
    if year is not None:
        rows = [r for r in rows if r["year"] == year]
        claims = [
            c for c in claims if year in c["years"] or (c["cumulative"] and c["period_end"] >= year)
        ]
    return {"rows": rows, "centers": centers, "claims": claims}
