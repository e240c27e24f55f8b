"""The catalogue of headline figures: one definition, one function, one unit per figure.

Issue 15: the home page, ``/collaboration/``, ``/analytics/`` and the gaps page each counted on
their own, and contradicted each other and the brief. Every headline figure is now named here
(``CATALOGUE``), defined in ``docs/figures.md`` (the anchor is the figure's id), computed by
wrapping the registry's existing computation (never a second one), and read from here by the
pages (``data-figure="<id>"`` on the element that shows it), ``GET /api/figures`` and
``nscap figures``. ``tests/test_figures_consistency.py`` checks that they all agree, for four
kinds of viewer, on the brief and on a synthetic data set.

Rounding: counts and people are whole numbers (people from ranges are rounded outwards, as
``claims.people_json`` does); a rate is a whole percent. A figure whose sources carry
qualifiers ("more than", "approximately") has ``low``/``high`` bounds; ``high`` is ``None``
when there is no upper bound. Overlaps are left out for now (``activities/overlaps.py`` is
being redone).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from nscap.analytics.claims import people_json
from nscap.analytics.qualifiers import Range

DOCS = "docs/figures.md"


@dataclass(frozen=True)
class Figure:
    """One figure's value for one viewer, with its unit, its bounds and where it is defined."""

    id: str
    label: str
    unit: str
    value: int | None
    low: int | None = None
    high: int | None = None
    bounded: bool = True  # False: the figure has no upper bound ("more than ...")

    @property
    def definition(self) -> str:
        """Where the figure is defined: its section of ``docs/figures.md``."""
        return f"{DOCS}#{self.id.replace('_', '-')}"

    @property
    def display(self) -> str:
        """The figure as every page prints it: "1,234", "1,234 (1,100 – no upper bound)", "40%",
        or "—" when it is not defined (no link to compute a rate from)."""
        if self.value is None:
            return "—"
        if self.unit == "percent":
            return f"{self.value}%"
        text = _whole(self.value)
        if self.low is None or (self.low == self.value and self.high == self.value):
            return text
        high = _whole(self.high) if self.high is not None else str(_("no upper bound"))
        return f"{text} ({_whole(self.low)} – {high})"

    def as_json(self) -> dict[str, Any]:
        """What ``GET /api/figures`` and ``nscap figures --format json`` return for it."""
        body = asdict(self)
        body.pop("bounded")
        return {**body, "label": str(self.label), "definition": self.definition}


def _whole(value: int) -> str:
    """A whole number with thousands separated by commas, the same in every language (the API
    and the CLI print it as is)."""
    return f"{value:,}"


@dataclass(frozen=True)
class Definition:
    """A catalogue entry: the figure's id, label, unit, and the group that computes it."""

    id: str
    label: Any
    unit: str
    group: str


CATALOGUE: tuple[Definition, ...] = (
    Definition("centers", _("centers"), "institutions", "registry"),
    Definition("countries_with_center", _("countries with a center"), "countries", "registry"),
    Definition("claims_total", _("collaboration claims"), "claims", "claims"),
    Definition("claims_confirmed", _("confirmed by the partner"), "claims", "claims"),
    Definition("claims_disputed", _("disputed by the partner"), "claims", "claims"),
    Definition("claims_one_sided", _("one-sided"), "claims", "claims"),
    Definition(
        "claims_related_back", _("named back only by a related institution"), "claims", "claims"
    ),
    Definition("reciprocity_rate", _("reciprocity rate"), "percent", "network"),
    Definition("people_trained", _("people trained (counted)"), "people", "supply"),
    Definition("people_estimated", _("people estimated, no country stated"), "people", "supply"),
    Definition(
        "people_unitemised", _("un-itemised people of aggregate claims"), "people", "supply"
    ),
    Definition("demand_total", _("people the needs assessments ask for"), "people", "gaps"),
    Definition("gap_total", _("gap: demand not met by counted supply"), "people", "gaps"),
)
BY_ID = {definition.id: definition for definition in CATALOGUE}


def _registry(user: Any) -> dict[str, Any]:
    """Centers and their countries, as ``institutions.visible`` defines them (both kinds)."""
    from nscap.analytics.home import headline_counts

    counts = headline_counts(user)
    return {"centers": counts["centers"], "countries_with_center": counts["countries"]}


def _claims(user: Any) -> dict[str, Any]:
    """Visible claims by the other side's answer (``collaboration.selectors.answer_tally``)."""
    from nscap.analytics.cache import cached
    from nscap.collaboration.models import CollaborationClaim
    from nscap.collaboration.selectors import answer_tally, read_claim_rows

    def compute() -> dict[str, int]:
        readings = read_claim_rows(CollaborationClaim.objects.visible_to(user)).values()
        tally = answer_tally(readings)
        return {f"claims_{name}": count for name, count in tally.items()}

    return cached("figures-claims", user, {}, compute)


def _network(user: Any) -> dict[str, Any]:
    """The network's reciprocity rate (``collaboration.metrics``), as a whole percent."""
    from nscap.collaboration.metrics import cached_picture

    rate = cached_picture(user).network.reciprocity_rate
    return {"reciprocity_rate": None if rate is None else round(rate * 100)}


def _supply(user: Any) -> dict[str, Any]:
    """People trained, from the gap analysis' totals (``analytics.gaps``, cached)."""
    from nscap.analytics.gaps import gap_analysis

    totals = gap_analysis(user)["totals"]
    return {
        "people_trained": totals["people"],
        "people_estimated": totals["estimated_people"],
        "people_unitemised": totals["unitemised_people"],
    }


def _range(people: dict[str, int | None]) -> Range:
    high = math.inf if people["high"] is None else people["high"]
    return Range(people["value"], people["low"], high)


def _sum(rows: Iterable[dict], name: str) -> dict[str, int | None]:
    total = Range.zero()
    for row in rows:
        total = total + _range(row[name])
    return people_json(total)


def _gaps(user: Any) -> dict[str, Any]:
    """Demand and gap summed over every gap row the viewer may see (``analytics.gaps``)."""
    from nscap.analytics.gaps import gap_analysis

    rows = gap_analysis(user)["rows"]
    return {"demand_total": _sum(rows, "demand"), "gap_total": _sum(rows, "gap")}


GROUPS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "registry": _registry,
    "claims": _claims,
    "network": _network,
    "supply": _supply,
    "gaps": _gaps,
}


def _figure(definition: Definition, value: Any) -> Figure:
    if isinstance(value, dict):  # people with bounds
        return Figure(
            definition.id,
            definition.label,
            definition.unit,
            value["value"],
            value["low"],
            value["high"],
            value["high"] is not None,
        )
    return Figure(definition.id, definition.label, definition.unit, value)


def figures(user: Any, ids: Iterable[str] | None = None) -> dict[str, Figure]:
    """The catalogue's figures (all, or ``ids``) for ``user``, by id, in catalogue order.

    Only the groups the figures need are computed; an unknown id is a KeyError naming it.
    """
    wanted = [BY_ID[i] for i in ids] if ids is not None else list(CATALOGUE)
    values: dict[str, Any] = {}
    for group in dict.fromkeys(d.group for d in wanted):
        values.update(GROUPS[group](user))
    chosen = {d.id for d in wanted}
    return {d.id: _figure(d, values[d.id]) for d in CATALOGUE if d.id in chosen}
