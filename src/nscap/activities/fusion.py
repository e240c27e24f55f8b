"""Fusing the reports of one event into one record: survivorship rules and provenance.

Crowd-sourced data reports one event several times (its host, a co-organiser, a funder, the
IAEA, a participant institution). Linkage points the duplicates at the report kept
(``TrainingEvent.same_as``); this module decides, field by field, which report's value the
event takes, and says so (``FusedField.source``). It is pure: reports in, fused record out, so
the registry (``fusing.py``) and the linkage harness (``linkage/evaluation.py``) run the same
rules. The rules (docs/analytics.md, "Fused events"):

- **Preference order** of reports: the host's own report, then the report kept, then the
  others by id. Every "first" below means first in this order.
- **Dates**: the start of finest precision (day over month over year), first among equals; the
  end from the same report.
- **Participants**: the most exact figure: a report with a breakdown by country (its total is
  a count of names), then ``exact``, then "approximately"/rounded-like qualifiers, then bounds
  ("more than", "at least", "almost"...); among equals a figure that is not a multiple of 5
  before a round one (a bare figure is stored as ``exact``, and a round one is the likelier
  rounding), then first.
- **Breakdown by country**: the first report that has one, the host's preferred; never merged
  across reports (two breakdowns of one event count the same people).
- **Place, city, delivery mode**: first stated.
- **Topics and target groups**: the union of those stated by any report (``stated``); when no
  report states any, those inferred from every report's title (``inferred``, each with the title
  that gave it as evidence). Inferred labels are never shown or stored as stated ones.
- **Partners**: the union of (institution, role) over reports, each with the reports naming it;
  a report naming another institution as host contributes that institution as co-organiser (a
  co-organiser or trainer often names itself host).
- **People with no country** (participants beyond the breakdown) are *estimated* over the
  listed participant countries, the location country (the event's, else its host's) first
  (``estimate_countries``); the estimate is kept apart from the counted breakdown, with its
  method and bounds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

# Qualifiers from most to least exact; a breakdown-backed count ranks above them all.
QUALIFIER_RANK = {
    "exact": 1,
    "": 2,  # a bare figure (often rounded)
    "approximately": 3,
    "almost": 4,
    "just_over": 4,
    "at_most": 5,
    "at_least": 5,
    "more_than": 5,
    "over": 5,
}
PRECISION_RANK = {"day": 0, "month": 1, "year": 2}
# Share of the people with no country that the estimate places in the location country when
# other participant countries are listed: "the location country first". A stated prior, not
# fitted to any data set (docs/analytics.md, "People with no country").
LOCATION_SHARE = 0.75
ESTIMATE_METHOD = (
    "people with no country placed over the listed participant countries: "
    f"{int(LOCATION_SHARE * 100)}% in the location country, the rest evenly over the others "
    "(all in the location country when it is the only one listed)"
)


@dataclass(frozen=True)
class ReportFacts:
    """What one report of an event states, in the shape fusion reads."""

    id: Hashable
    key: str
    host: Hashable
    reported_by: Hashable | None = None
    title: str = ""
    start: dt.date | None = None
    start_precision: str = "day"
    end: dt.date | None = None
    end_precision: str = "day"
    country: str = ""
    city: str = ""
    delivery_mode: str = ""
    participants: int | None = None
    qualifier: str = "exact"
    breakdown: tuple[tuple[str, int], ...] = ()
    topics: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    partners: tuple[tuple[Hashable, str], ...] = ()

    @property
    def by_host(self) -> bool:
        """The host reported it itself (no reporter named, or the reporter is the host)."""
        return self.reported_by is None or self.reported_by == self.host


@dataclass(frozen=True)
class FusedField:
    """One fused value and where it came from: ``source`` is a report key (``""``: no report
    states it); ``basis`` is ``stated``, ``inferred`` or ``estimated``."""

    value: Any
    source: str = ""
    basis: str = "stated"
    evidence: tuple = ()


@dataclass
class Fused:
    """One event fused from its reports (see the module's rules)."""

    kept: str
    reports: tuple[str, ...]
    fields: dict[str, FusedField] = field(default_factory=dict)
    estimate: dict | None = None  # method, countries [(country, people, low, high)], people

    def value(self, name: str, default: Any = None) -> Any:
        found = self.fields.get(name)
        return default if found is None else found.value

    @property
    def people(self) -> int:
        """Everyone counted: the figure, or the breakdown's total when that is larger."""
        known = sum(count for _, count in self.value("breakdown", ()))
        return max(self.value("participants") or 0, known)

    @property
    def unplaced(self) -> int:
        """People counted in no country by any report."""
        return self.people - sum(count for _, count in self.value("breakdown", ()))

    def as_json(self) -> dict:
        """The fused block stored and served: values with provenance."""
        return {
            "kept": self.kept,
            "reports": list(self.reports),
            "fields": {
                name: {
                    "value": _jsonable(f.value),
                    "source": f.source,
                    "basis": f.basis,
                    **({"evidence": _jsonable(f.evidence)} if f.evidence else {}),
                }
                for name, f in sorted(self.fields.items())
            },
            "estimate": self.estimate,
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    return value


def preference(reports: Sequence[ReportFacts], kept: Hashable) -> list[ReportFacts]:
    """Reports in survivorship order: the host's own, then the kept report, then by id."""
    return sorted(reports, key=lambda r: (not r.by_host, r.id != kept, str(r.id)))


def _first(ordered: list[ReportFacts], get: Callable[[ReportFacts], Any]) -> FusedField | None:
    for report in ordered:
        value = get(report)
        if value not in (None, "", (), "unknown"):
            return FusedField(value, report.key)
    return None


def fuse(
    reports: Sequence[ReportFacts],
    kept: Hashable,
    *,
    infer_topics: Callable[[str], tuple[str, ...]] | None = None,
    infer_groups: Callable[[str], tuple[str, ...]] | None = None,
    country_of: Callable[[Hashable], str] | None = None,
) -> Fused:
    """The event the ``reports`` describe, ``kept`` being the id of the report kept.

    ``infer_topics``/``infer_groups``: title → keys, used only when no report states any;
    ``country_of``: institution → country, for the participant countries the estimate uses."""
    ordered = preference(reports, kept)
    kept_report = next((r for r in ordered if r.id == kept), ordered[0])
    fused = Fused(kept_report.key, tuple(r.key for r in ordered))
    put = fused.fields
    put["host"] = FusedField(kept_report.host, kept_report.key)
    put["title"] = _first(ordered, lambda r: r.title) or FusedField("", "")
    dated = [r for r in ordered if r.start is not None]
    if dated:
        best = min(dated, key=lambda r: PRECISION_RANK.get(r.start_precision, 3))
        put["start"] = FusedField(best.start, best.key)
        put["start_precision"] = FusedField(best.start_precision, best.key)
        if best.end is not None:
            put["end"] = FusedField(best.end, best.key)
            put["end_precision"] = FusedField(best.end_precision, best.key)
    for name in ("country", "city", "delivery_mode"):
        found = _first(ordered, lambda r, name=name: getattr(r, name))
        if found:
            put[name] = found
    with_breakdown = [r for r in ordered if r.breakdown]
    if with_breakdown:
        source = with_breakdown[0]
        put["breakdown"] = FusedField(tuple(sorted(source.breakdown)), source.key)
    counted = [r for r in ordered if r.participants is not None or r.breakdown]
    if counted:
        best = min(counted, key=_count_rank)
        figure = best.participants
        qualifier = best.qualifier or "exact"
        if best.breakdown:
            total = sum(count for _, count in best.breakdown)
            if figure is None or figure < total:
                figure, qualifier = total, "exact"
        put["participants"] = FusedField(figure, best.key)
        put["participants_qualifier"] = FusedField(qualifier, best.key)
    _labels(put, "topics", ordered, lambda r: r.topics, infer_topics)
    _labels(put, "target_groups", ordered, lambda r: r.target_groups, infer_groups)
    put["partners"] = FusedField(_partners(ordered, kept_report.host), "", "stated")
    location = fused.value("country", "") or (country_of(kept_report.host) if country_of else "")
    fused.estimate = estimate_countries(
        fused.unplaced, location or "", _listed_countries(ordered, fused, country_of)
    )
    return fused


def _count_rank(report: ReportFacts) -> tuple[int, bool]:
    """A report's figure, most exact first: a breakdown's count of names, then by qualifier;
    among equals, a figure that is not a multiple of 5 before one that is. A bare figure is
    stored as ``exact`` by the import, so a rounded "25" and a counted "23" look alike; the
    round one is the likelier rounding (issue 13: a host's rounded figure won over a
    co-organiser's exact one). Equal figures tie and keep the preference order."""
    if report.breakdown:
        return (0, False)
    rank = QUALIFIER_RANK.get(report.qualifier or "", 2)
    return (rank, report.participants is not None and report.participants % 5 == 0)


def _labels(
    put: dict[str, FusedField],
    name: str,
    ordered: list[ReportFacts],
    get: Callable[[ReportFacts], tuple[str, ...]],
    infer: Callable[[str], tuple[str, ...]] | None,
) -> None:
    stated = {label: report.key for report in reversed(ordered) for label in get(report)}
    if stated:
        sources = sorted({stated[label] for label in stated})
        put[name] = FusedField(tuple(sorted(stated)), ", ".join(sources))
        return
    if infer is None:
        return
    evidence: dict[str, tuple[str, str]] = {}
    for report in ordered:
        for label in infer(report.title or ""):
            evidence.setdefault(label, (report.key, report.title))
    if evidence:
        put[name] = FusedField(
            tuple(sorted(evidence)),
            ", ".join(sorted({source for source, _ in evidence.values()})),
            "inferred",
            tuple((label, *evidence[label]) for label in sorted(evidence)),
        )


def _partners(ordered: list[ReportFacts], host: Hashable) -> tuple:
    """(institution, role, [report keys]) united over reports, the host excluded."""
    found: dict[tuple[Hashable, str], list[str]] = {}
    for report in ordered:
        named = list(report.partners)
        if report.host != host:  # it named itself (or another) host: a co-organiser
            named.append((report.host, "co_organiser"))
        for institution, role in named:
            if institution != host:
                found.setdefault((institution, role), []).append(report.key)
    return tuple(
        (institution, role, tuple(keys)) for (institution, role), keys in sorted(found.items())
    )


def _listed_countries(
    ordered: list[ReportFacts], fused: Fused, country_of: Callable[[Hashable], str] | None
) -> list[str]:
    """Participant countries the reports name: any report's breakdown, and the countries of
    reporting institutions that are neither host nor partner (participant institutions)."""
    countries = [c for r in ordered for c, _ in r.breakdown]
    if country_of is not None:
        parties = {fused.value("host")} | {p[0] for p in fused.value("partners", ())}
        countries += [
            country_of(r.reported_by)
            for r in ordered
            if r.reported_by is not None and r.reported_by not in parties
        ]
    return [c for c in dict.fromkeys(countries) if c]


def estimate_countries(people: int, location: str, listed: Sequence[str]) -> dict | None:
    """People with no country spread over ``location`` first and the ``listed`` participant
    countries; None when there is nobody to place or nowhere to place them.

    Each country's bounds are what is certain: between 0 and everyone unplaced (the estimate
    cannot know that nobody came from an unlisted country)."""
    if people <= 0:
        return None
    candidates = [c for c in dict.fromkeys([location, *listed]) if c]
    if not candidates:
        return None
    shares: dict[str, int] = {}
    if len(candidates) == 1:
        shares[candidates[0]] = people
    else:
        first = location or candidates[0]
        shares[first] = round(people * LOCATION_SHARE)
        others = [c for c in candidates if c != first]
        rest = people - shares[first]
        for i, country in enumerate(others):
            shares[country] = rest // len(others) + (1 if i < rest % len(others) else 0)
    return {
        "method": ESTIMATE_METHOD,
        "people": people,
        "countries": [[c, n, 0, people] for c, n in shares.items() if n],
        "bounds": [0, people],
    }
