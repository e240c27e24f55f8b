"""Training gaps: demand (needs assessments) against supply (people trained), per viewer.

A *gap row* is one demand figure — a Quantity on a needs assessment, for one year, a scope
(a country, a named region or the world), a target group (or any) and a topic (or any) — with
the supply that falls in the same cell:

    gap      = max(demand − supply, 0)
    coverage = supply / demand

each with low/high bounds from the qualifiers of the numbers behind it (``qualifiers.py``).
Supply follows the rules of ``supply.py``. A needs assessment may also state the coverage it
found (WINS 2013: capacity for "just over half"): that ``stated_coverage`` is shown beside ours.
Everything here reads through ``visible_to(user)``; pages, the API and ``nscap analyse`` call
these functions, cached per visibility class and data version (``cache.py``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from nscap.analytics.cache import cached
from nscap.analytics.claims import (
    ClaimExtra,
    claim_json,
    claimant_keys,
    people_json,
    unreconciled_claims,
)
from nscap.analytics.estimates import EstimateCube, with_estimate
from nscap.analytics.figures import INDICATIVE, coverage_basis
from nscap.analytics.qualifiers import Range, json_number
from nscap.analytics.regions import WORLD_NAMES, canonical_region, countries_of, region_slug
from nscap.analytics.supply import (
    ANY,
    UNATTRIBUTED,
    UNSPECIFIED,
    EventSupply,
    supply,
)
from nscap.analytics.supply_sums import Signatures, supply_sums
from nscap.core.selectors import record_url
from nscap.needs.choices import DemandMeasure
from nscap.needs.models import NeedsAssessment
from nscap.quantities.models import Quantity
from nscap.sources.selectors import citations_for

# Measures of a needs assessment that state demand, most specific first: one per assessment
# and year is used, so "100,000 professionals" and "16,000 needing offsite training" in one
# study are not added up.
DEMAND_MEASURES = tuple(DemandMeasure.values)
COVERAGE_MEASURE = "training_capacity_share"
WORLD = "world"
ALL = "all"  # a dimension summed over, in cell ids
NONE = "_"  # a demand figure naming no target group or topic, in cell ids
AXES = ("target_group", "topic")


class BadCell(ValueError):
    """A cell id that does not parse; the message names the part."""


@dataclass(frozen=True)
class Cell:
    """A heatmap cell or a drill-down: scope × target group × topic × year (``all`` = summed)."""

    scope: str = ALL
    group: str = ALL
    topic: str = ALL
    year: str = ALL

    @property
    def id(self) -> str:
        return ".".join((self.scope, self.group, self.topic, self.year))

    @classmethod
    def parse(cls, text: str) -> Cell:
        parts = text.split(".")
        if len(parts) != 4 or not all(parts):
            raise BadCell(f"cell {text!r} is not scope.group.topic.year (JP.regulators.all.2014)")
        if parts[3] != ALL and not parts[3].isdigit():
            raise BadCell(f"year {parts[3]!r} is not a year or 'all'")
        return cls(*parts)

    def matches(self, row: dict) -> bool:
        return (
            (self.scope == ALL or self.scope == row["scope_key"])
            and (self.group == ALL or self.group == (row["target_group"] or NONE))
            and (self.topic == ALL or self.topic == (row["topic"] or NONE))
            and (self.year == ALL or self.year == str(row["year"]))
        )


def _range_json(r: Range) -> dict[str, float | None]:
    return {"value": json_number(r.value), "low": json_number(r.low), "high": json_number(r.high)}


def _scope(assessment: NeedsAssessment, quantity: Quantity) -> tuple[str, str, str]:
    """(kind, key, label): country JP, region r-east-asia, or world."""
    country = quantity.country or assessment.country
    region = canonical_region(quantity.region or assessment.region)
    if country:
        return "country", country, country
    if region.strip().lower() in WORLD_NAMES:
        return WORLD, WORLD, "World"
    return "region", "r-" + region_slug(region), region


def _years(quantity: Quantity, assessment: NeedsAssessment) -> list[int]:
    if quantity.period_start:
        end = quantity.period_end or quantity.period_start
        return list(range(quantity.period_start.year, end.year + 1))
    for date in (quantity.as_of, assessment.published):
        if date:
            return [date.year]
    return []


def _axes(assessment: NeedsAssessment, quantity: Quantity) -> tuple[Any, Any]:
    """(target group, topic) of a demand figure: the figure's own, else its assessment's."""
    return (
        quantity.target_group or assessment.target_group,
        quantity.topic or assessment.topic,
    )


def demand_rows(user: Any, undated: list[str] | None = None) -> list[dict]:
    """Every visible demand figure as rows (one per year), with stated coverage where given.
    Keys of figures with no year at all are appended to ``undated``."""
    undated = [] if undated is None else undated
    assessments = {
        a.pk: a
        for a in NeedsAssessment.objects.visible_to(user).select_related("target_group", "topic")
    }
    quantities = list(
        Quantity.objects.visible_to(user)
        .filter(needs_assessment__in=list(assessments))
        .filter(measure__in=(*DEMAND_MEASURES, COVERAGE_MEASURE))
        .select_related("target_group", "topic")
        .order_by("key")
    )
    stated = {q.needs_assessment_id: q for q in quantities if q.measure == COVERAGE_MEASURE}
    chosen: dict[tuple, Quantity] = {}
    for quantity in quantities:
        if quantity.measure == COVERAGE_MEASURE:
            continue
        assessment = assessments[quantity.needs_assessment_id]
        scope = _scope(assessment, quantity)
        years = _years(quantity, assessment)
        if not years:
            undated.append(quantity.key)
        group, topic = _axes(assessment, quantity)
        for year in years:
            slot = (
                assessment.pk,
                scope[1],
                group.key if group else "",
                topic.key if topic else "",
                year,
            )
            best = chosen.get(slot)
            if best is None or DEMAND_MEASURES.index(quantity.measure) < DEMAND_MEASURES.index(
                best.measure
            ):
                chosen[slot] = quantity
    rows = []
    for (assessment_id, _scope_key, _group, _topic, year), quantity in sorted(
        chosen.items(), key=lambda item: (item[0][-1], item[1].key)
    ):
        assessment = assessments[assessment_id]
        kind, key, label = _scope(assessment, quantity)
        group, topic = _axes(assessment, quantity)
        coverage = stated.get(assessment_id)
        rows.append(
            {
                "quantity": quantity.key,
                "quantity_id": quantity.pk,
                "assessment": assessment.key,
                "assessment_id": assessment.pk,
                "assessment_title": assessment.title,
                "measure": quantity.measure,
                "scope": kind,
                "scope_key": key,
                "scope_label": label,
                "region": quantity.region or assessment.region,
                "target_group": group.key if group else "",
                "target_group_name": group.name if group else "",
                "topic": topic.key if topic else "",
                "topic_name": topic.name if topic else "",
                "year": year,
                "demand_value": float(quantity.value),
                "demand_qualifier": quantity.qualifier,
                "stated_coverage_value": float(coverage.value) if coverage else None,
                "stated_coverage_qualifier": coverage.qualifier if coverage else "",
                "stated_coverage_quantity": coverage.key if coverage else "",
            }
        )
    return rows


class SupplyCube:
    """Supply summed by (year, country, group, topic); ``*`` in group or topic sums over it
    with each event counted once.

    Events are first summed by their signature (year, country, groups, topics, qualifier) —
    events of one course share one — and only the signatures are spread over the cells.
    """

    def __init__(self, signatures: Signatures, claims: list[ClaimExtra]):
        cube: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
        self.countries: set[str] = set()
        for (year, country, groups, topics, qualifier), count in signatures.items():
            self.countries.add(country)
            r = Range.of(count, qualifier)
            for group in (*(groups or (UNSPECIFIED,)), ANY):
                for topic in (*(topics or (UNSPECIFIED,)), ANY):
                    cell = cube[(year, country, group, topic)]
                    cell[0] += r.value
                    cell[1] += r.low
                    cell[2] += r.high
        # Claims add only their un-itemised people (``claims.py``), to the unspecified cells of
        # their years: of their country when the claim names one, else unattributed.
        self.unitemised: dict[int, int] = defaultdict(int)
        for claim in claims:
            place = claim.country or UNATTRIBUTED
            for year, share in claim.shares:
                self.unitemised[year] += int(share.value)
                for group in (UNSPECIFIED, ANY):
                    for topic in (UNSPECIFIED, ANY):
                        cell = cube[(year, place, group, topic)]
                        cell[0] += share.value
                        cell[1] += share.low
                        cell[2] += share.high
                self.countries.add(place)
        self.cube = cube

    def get(self, year: int, countries: set[str] | frozenset[str], group: str, topic: str) -> Range:
        total = [0.0, 0.0, 0.0]
        for country in countries:
            cell = self.cube.get((year, country, group or ANY, topic or ANY))
            if cell:
                total = [a + b for a, b in zip(total, cell, strict=True)]
        return Range(*total)

    def scope_countries(self, row: dict) -> frozenset[str]:
        if row["scope"] == WORLD:
            return frozenset(self.countries)
        if row["scope"] == "country":
            return frozenset({row["scope_key"]})
        return countries_of(row["region"]) or frozenset()


def _gap_row(row: dict, supplied: Range) -> dict:
    demand = Range.of(row["demand_value"], row["demand_qualifier"])
    gap = demand.minus(supplied)
    coverage = Range(
        supplied.value / demand.value if demand.value else math.inf,
        supplied.low / demand.high if demand.high else math.inf,
        supplied.high / demand.low if demand.low else math.inf,
    )
    stated = None
    if row["stated_coverage_value"] is not None:
        stated = Range.of(row["stated_coverage_value"], row["stated_coverage_qualifier"])
    return {
        **row,
        "cell": Cell(
            row["scope_key"], row["target_group"] or NONE, row["topic"] or NONE, str(row["year"])
        ).id,
        "demand": people_json(demand),
        "supply": people_json(supplied),
        "gap": people_json(gap),
        "coverage": _range_json(coverage),
        "stated_coverage": _range_json(stated) if stated else None,
        "stated_supply": people_json(_times(demand, stated)) if stated else None,
        "region_known": row["scope"] != "region" or countries_of(row["region"]) is not None,
        "coverage_basis": coverage_basis(row["measure"]),
    }


def _times(demand: Range, share: Range) -> Range:
    """Supply a stated coverage implies: demand × share, bounds multiplied."""
    return Range(demand.value * share.value, demand.low * share.low, demand.high * share.high)


def _compute(user: Any) -> dict:
    data = supply_sums(user)
    cube = SupplyCube(data.signatures, data.claims)
    estimates = EstimateCube(data.estimated)
    undated: list[str] = []
    rows = []
    for row in demand_rows(user, undated):
        countries = cube.scope_countries(row)
        counted = cube.get(row["year"], countries, row["target_group"], row["topic"])
        gap_row = _gap_row(row, counted)
        gap_row.update(with_estimate(row, counted, estimates.get(row, countries), people_json))
        rows.append(gap_row)
    rows.sort(key=lambda r: (-(r["gap"]["value"] or 0), r["year"], r["quantity"]))
    claimants = claimant_keys(user, data.claims)
    by_year: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for (year, country, group, topic), cell in cube.cube.items():
        if group == ANY and topic == ANY:
            by_year[year][0] += cell[0]
            if country == UNATTRIBUTED:
                by_year[year][1] += cell[0]
    return {
        "rows": rows,
        "undated_needs": sorted(undated),
        "supply_by_year": [
            {
                "year": y,
                "people": round(v[0]),
                "unattributed": round(v[1]),
                "unitemised": cube.unitemised.get(y, 0),
            }
            for y, v in sorted(by_year.items())
        ],
        "claims": [claim_json(c, claimants) for c in data.claims],
        "totals": {
            "events": data.events,
            "folded_reports": data.folded_reports,
            "undated_events": data.undated_events,
            "uncounted_events": data.uncounted_events,
            "unreconciled_events": data.unreconciled_events,
            "unreconciled_people": data.unreconciled_people,
            "unreconciled_claims": unreconciled_claims(data.claims),
            "people": round(data.people),
            "unitemised_people": sum(cube.unitemised.values()),
            "estimated_people": data.estimated_people,
        },
    }


def gap_analysis(user: Any) -> dict:
    """Every gap row, supply totals and claim reconciliation for ``user`` (cached)."""
    return cached("gaps", user, {}, lambda: _compute(user))


def filter_rows(
    rows: list[dict], *, year: int | None = None, country: str = "", region: str = ""
) -> list[dict]:
    """Rows of one year and/or about one country or region (a region's countries included)."""
    if year is not None:
        rows = [r for r in rows if r["year"] == year]
    if country:
        rows = [r for r in rows if r["scope"] == "country" and r["scope_key"] == country]
    if region:
        members = countries_of(region) or frozenset()
        rows = [
            r
            for r in rows
            if (r["scope"] == "region" and r["region"] == region)
            or (r["scope"] == "country" and r["scope_key"] in members)
        ]
    return rows


def headline_rows(rows: list[dict]) -> list[dict]:
    """Rows whose assessment states its own coverage (the WINS 2013 headline)."""
    return [r for r in rows if r["stated_coverage"] is not None]


def heatmap_cells(rows: list[dict], axis: str) -> list[dict]:
    """Rows summed into scope × ``axis`` cells (the other dimension and the years summed)."""
    field, name_field = (
        ("target_group", "target_group_name") if axis == "target_group" else ("topic", "topic_name")
    )
    cells: dict[tuple[str, str], dict] = {}
    for row in rows:
        column = row[field] or NONE
        key = (row["scope_key"], column)
        cell = cells.get(key)
        if cell is None:
            cell = cells[key] = {
                "scope_key": row["scope_key"],
                "scope_label": row["scope_label"],
                "column": column,
                "column_label": row[name_field] or "(any)",
                "demand": 0.0,
                "supply": 0.0,
                "gap": 0.0,
                "years": set(),
                "indicative": False,
            }
        cell["demand"] += row["demand"]["value"] or 0
        cell["supply"] += row["supply"]["value"] or 0
        cell["gap"] += row["gap"]["value"] or 0
        cell["years"].add(row["year"])
        cell["indicative"] |= row["coverage_basis"] == INDICATIVE
    result = []
    for cell in cells.values():
        years = cell.pop("years")
        year = str(next(iter(years))) if len(years) == 1 else ALL
        group, topic = (cell["column"], ALL) if axis == "target_group" else (ALL, cell["column"])
        cell["cell"] = Cell(cell["scope_key"], group, topic, year).id
        # A cell holding an indicative comparison (docs/figures.md#coverage) is not coloured as
        # if its coverage were measured.
        indicative = cell.pop("indicative")
        measured = cell["demand"] and not indicative
        cell["coverage"] = round(cell["supply"] / cell["demand"], 3) if measured else None
        for name in ("demand", "supply", "gap"):
            cell[name] = round(cell[name], 1)
        result.append(cell)
    return sorted(result, key=lambda c: (c["scope_label"], c["column_label"]))


def _event_counted(event: EventSupply, row: dict, countries: frozenset[str] | None) -> int:
    """How many of ``event``'s people count in ``row`` (``countries`` None: the world)."""
    if event.year != row["year"]:
        return 0
    if row["target_group"] and row["target_group"] not in event.groups:
        return 0
    if row["topic"] and row["topic"] not in event.topics:
        return 0
    if countries is None:
        return event.people
    return sum(count for country, count in event.countries if country in countries)


def cell_detail(user: Any, cell: Cell) -> dict:
    """The gap rows of ``cell``, the needs behind them (with citations) and the events counted."""

    def compute() -> dict:
        analysis = gap_analysis(user)
        rows = [r for r in analysis["rows"] if cell.matches(r)]
        data = supply(user)
        events: dict[str, dict] = {}
        for row in rows:
            countries = None
            if row["scope"] == "country":
                countries = frozenset({row["scope_key"]})
            elif row["scope"] == "region":
                countries = countries_of(row["region"]) or frozenset()
            for event in data.events:
                counted = _event_counted(event, row, countries)
                if counted:
                    entry = events.setdefault(
                        event.key,
                        {
                            "key": event.key,
                            "title": event.title,
                            "start": event.start.isoformat() if event.start else "",
                            "participants": event.participants,
                            "qualifier": event.qualifier,
                            "counted": 0,
                            "reports": len(event.reports),
                            "rows": [],
                        },
                    )
                    entry["counted"] += counted
                    entry["rows"].append(row["quantity"])
        claims = [
            c
            for c in analysis["claims"]
            if any(
                r["scope"] == WORLD
                and not r["target_group"]
                and not r["topic"]
                and r["year"] in c["years"]
                for r in rows
            )
            and (c["extra"]["value"] or 0) > 0
        ]
        return {
            "cell": cell.id,
            "rows": rows,
            "events": sorted(events.values(), key=lambda e: (-e["counted"], e["key"])),
            "claims": claims,
        }

    return cached("gap-cell", user, {"cell": cell.id}, compute)


def needs_with_citations(user: Any, rows: list[dict]) -> list[dict]:
    """The needs assessments and quantities behind ``rows``, each with its visible citations."""
    quantity_ids = {r["quantity_id"] for r in rows}
    quantities = list(Quantity.objects.visible_to(user).filter(pk__in=quantity_ids))
    stated_keys = {r["stated_coverage_quantity"] for r in rows if r["stated_coverage_quantity"]}
    quantities += list(Quantity.objects.visible_to(user).filter(key__in=stated_keys))
    assessments = list(
        NeedsAssessment.objects.visible_to(user).filter(pk__in={r["assessment_id"] for r in rows})
    )
    index = citations_for([*assessments, *quantities], user)
    return [
        {
            "record": record,
            "url": record_url(record),
            "citations": index.for_record(record),
        }
        for record in [*assessments, *quantities]
    ]
