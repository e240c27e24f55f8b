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
when there is no upper bound. Achievements, overlaps and the gap rows' coverage have their own
section at the end (``ACHIEVEMENT_OVERLAP_CATALOGUE``, ``coverage_share``).
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
    value: int | float | None  # a float only for depths (unit "depth", DEPTH_PLACES places)
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
        if self.unit == "depth":
            return f"{self.value:.{DEPTH_PLACES}f}"
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


# --- Achievements, overlaps and coverage (issue 15, item 1: the rest) -----------------------
# Kept in a section of their own: the collaboration figures grow above, on another branch.

ACHIEVEMENT_OVERLAP_CATALOGUE: tuple[Definition, ...] = (
    Definition("achievement_events", _("events the centers hosted"), "events", "achievements"),
    Definition(
        "achievement_participants", _("participants of those events"), "people", "achievements"
    ),
    Definition(
        "achievement_claimed_beyond_logged",
        _("people the centers' own claims add beyond their logged events"),
        "people",
        "achievements",
    ),
    Definition("overlap_groups", _("overlap groups"), "groups", "overlaps"),
    Definition("overlap_offerings", _("offerings in an overlap group"), "offerings", "overlaps"),
    Definition("overlap_providers", _("providers in an overlap group"), "institutions", "overlaps"),
    Definition(
        "overlap_participants", _("participants of the overlapping offerings"), "people", "overlaps"
    ),
)
ACHIEVEMENT_FIGURES = tuple(
    d.id for d in ACHIEVEMENT_OVERLAP_CATALOGUE if d.group == "achievements"
)
OVERLAP_FIGURES = tuple(d.id for d in ACHIEVEMENT_OVERLAP_CATALOGUE if d.group == "overlaps")


def achievement_values(result: dict) -> dict[str, Any]:
    """The achievement figures of an ``analytics.achievements`` result (every center it holds):
    events and participants of the events hosted by a reconciled center, counted once each, and
    what the centers' counted claims add beyond them, with the qualifiers' bounds."""
    centers = result["centers"]
    return {
        "achievement_events": sum(c["events"] for c in centers),
        "achievement_participants": sum(c["participants"] for c in centers),
        "achievement_claimed_beyond_logged": _sum(centers, "claimed_beyond_logged"),
    }


def _achievements(user: Any) -> dict[str, Any]:
    from nscap.analytics.achievements import achievements

    return achievement_values(achievements(user))


def overlap_values(report: Any) -> dict[str, int]:
    """The overlap figures of an ``activities.overlaps.OverlapReport`` (any window or region):
    its groups, and the distinct offerings, providers and participants in any group. An offering
    of several topics can sit in several groups; it counts once here (each group's combined
    participants, on the page, count it in each of its groups)."""
    offerings = {o.pk: o for cluster in report.clusters for o in cluster.offerings}
    return {
        "overlap_groups": len(report.clusters),
        "overlap_offerings": len(offerings),
        "overlap_providers": len({o.provider_key for o in offerings.values()}),
        "overlap_participants": sum(o.participants or 0 for o in offerings.values()),
    }


def _overlaps(user: Any) -> dict[str, Any]:
    """At the page's defaults: a 6-month window, every region."""
    from nscap.activities.overlaps import cached_overlaps

    return overlap_values(cached_overlaps(user))


GROUPS.update({"achievements": _achievements, "overlaps": _overlaps})
CATALOGUE = CATALOGUE + ACHIEVEMENT_OVERLAP_CATALOGUE
BY_ID = {definition.id: definition for definition in CATALOGUE}

# Coverage is a figure of each gap row, not a headline: supply ÷ demand, as a percent with one
# decimal (a share of a large demand is small: 0.1 % is not 0 %), bounds rounded outwards.
# A demand that counts a stock of professionals (WINS 2013: 230,000 with a responsibility)
# set against one year of training is *indicative* only (docs/analytics.md, "The WINS
# headline"); the pages say so and never print it as a measured share.
ROW_FIGURES = ("coverage",)  # defined in docs/figures.md beside the headline figures
MEASURED, INDICATIVE = "measured", "indicative"
STOCK_MEASURES = ("professionals_with_security_responsibility",)


def coverage_basis(measure: str) -> str:
    """``indicative`` for a demand that counts a stock of professionals, else ``measured``."""
    return INDICATIVE if measure in STOCK_MEASURES else MEASURED


def coverage_share(coverage: dict[str, float | None]) -> dict[str, float | None]:
    """A gap row's coverage (a fraction, with bounds) as a percent with one decimal, the value
    rounded, the low bound down and the high up; ``None``: no demand, or no upper bound."""

    def percent(share: float | None, rounding: Callable[[float], float]) -> float | None:
        return None if share is None else rounding(share * 1000) / 10

    if coverage["low"] == coverage["value"] == coverage["high"]:  # exact: no bounds to widen
        value = percent(coverage["value"], lambda x: float(round(x)))
        return {"value": value, "low": value, "high": value}
    return {
        "value": percent(coverage["value"], lambda x: float(round(x))),
        "low": percent(coverage["low"], lambda x: float(math.floor(x + 1e-9))),
        "high": percent(coverage["high"], lambda x: float(math.ceil(x - 1e-9))),
    }


def _percent(value: float) -> str:
    return f"{value:,.1f} %"


def coverage_text(row: dict) -> str:
    """The coverage of a gap row as the pages, the API (``coverage_shown``) and the CLI print it:
    "12.5 %", "12.5 % (10.0 % – 15.0 %)", "—" with no demand, and an indicative one marked
    "indicative only: ..." so nobody reads it as a measured share."""
    share = coverage_share(row["coverage"])
    if share["value"] is None:
        return "—"
    text = _percent(share["value"])
    if not (share["low"] == share["value"] == share["high"]):
        high = _percent(share["high"]) if share["high"] is not None else str(_("no upper bound"))
        low = _percent(share["low"]) if share["low"] is not None else "—"
        text = f"{text} ({low} – {high})"
    if row.get("coverage_basis") == INDICATIVE:
        return str(_("indicative only: %(share)s")) % {"share": text}
    return text


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


# --- Collaboration: claim states and depth (issue 15, build 3) ----------------------------------
# A section of its own (other sections are added beside it): the claims by state are above
# (``_claims``, one vocabulary: ``collaboration.choices.Answer``); here are the depth figures,
# for the network (in the catalogue) and per institution and per pair (the depth page's table,
# the graph page's edge table, ``GET /api/analytics/collaboration[/edges]`` and ``nscap analyse
# collaboration``). Depths are rounded to DEPTH_PLACES decimals, rates to whole percents; a
# gap is rounded from the unrounded means, so it may differ by 0.01 from the rounded difference.

DEPTH_PLACES = 2

COLLABORATION_FIGURES: tuple[Definition, ...] = (
    Definition(
        "claims_two_sided", _("claimed back by the partner, not confirmed"), "claims", "claims"
    ),
    Definition("depth_claimed", _("mean depth the claimants state"), "depth", "depth"),
    Definition("depth_partner", _("mean depth the partners state"), "depth", "depth"),
    Definition("depth_confirmed", _("mean confirmed depth"), "depth", "depth"),
    Definition("exaggeration_gap", _("exaggeration gap"), "depth", "depth"),
)


def depth_value(value: float | None) -> float | None:
    """A depth as every page, the API and the CLI give it."""
    return None if value is None else round(value, DEPTH_PLACES)


def percent_value(share: float | None) -> int | None:
    """A share as a whole percent (reciprocity)."""
    return None if share is None else round(share * 100)


def _gap(claimed: float | None, confirmed: float | None) -> float | None:
    if claimed is None or confirmed is None:
        return None
    return depth_value(claimed - confirmed)


def _depth(user: Any) -> dict[str, Any]:
    """The network's mean depths over its links (``collaboration.metrics``) and their gap."""
    from nscap.collaboration.metrics import cached_picture

    network = cached_picture(user).network
    return {
        "depth_claimed": depth_value(network.mean_claimed),
        "depth_partner": depth_value(network.mean_partner_depth),
        "depth_confirmed": depth_value(network.mean_confirmed),
        "exaggeration_gap": _gap(network.mean_claimed, network.mean_confirmed),
    }


@dataclass(frozen=True)
class InstitutionCollaboration:
    """One institution's collaboration figures: means over the institutions it names in
    realised claims (``None`` when it names none). ``claimed`` is its own side,
    ``partner_depth`` the partners' side, ``confirmed`` the lesser per claim
    (``collaboration.scale``), ``gap`` the exaggeration gap, ``reciprocity_rate`` the share of
    the institutions it names that answer themselves (whole percent)."""

    key: str
    name: str
    country: str
    partners: int
    claimed: float | None
    partner_depth: float | None
    confirmed: float | None
    gap: float | None
    reciprocity_rate: int | None
    related_back: int


def institution_collaboration(row: Any) -> InstitutionCollaboration:
    """The figures of one ``metrics.InstitutionDepth`` row, rounded once for every reader."""
    node = row.institution
    return InstitutionCollaboration(
        key=node.key,
        name=node.name,
        country=node.country,
        partners=row.partners,
        claimed=depth_value(row.claimed),
        partner_depth=depth_value(row.partner_depth),
        confirmed=depth_value(row.confirmed),
        gap=_gap(row.claimed, row.confirmed),
        reciprocity_rate=percent_value(row.reciprocity),
        related_back=row.related_back,
    )


def collaboration_by_institution(user: Any) -> list[InstitutionCollaboration]:
    """Every institution's collaboration figures ``user`` may see, largest gap first."""
    from nscap.collaboration.metrics import cached_picture

    rows = cached_picture(user).network.by_institution
    return [institution_collaboration(row) for row in rows]


@dataclass(frozen=True)
class PairCollaboration:
    """Everything one institution claims about another: the depth each side states, the
    confirmed depth (the lesser, per claim) and the pair's state (``depth.PairDepth.state``)."""

    claimant: str
    partner: str
    claimed: int
    partner_depth: int
    confirmed: int
    planned: int
    state: str


def pair_collaboration(pair: Any, nodes: dict[int, Any]) -> PairCollaboration:
    """The figures of one ``depth.PairDepth`` (``nodes``: the picture's institutions)."""
    return PairCollaboration(
        claimant=nodes[pair.source].key,
        partner=nodes[pair.target].key,
        claimed=pair.claimed,
        partner_depth=pair.partner_depth,
        confirmed=pair.confirmed,
        planned=pair.planned,
        state=pair.state,
    )


def collaboration_of(user: Any, institution: Any) -> InstitutionCollaboration:
    """One institution's collaboration figures for its page, read from the claims that touch it
    only (``institutions.selectors.claims_touching``: its own, and every claim that can answer
    them), summed up by the network's own function (``metrics.summarise_pairs``): the same
    figures as the depth page's row, at the cost of one institution's claims."""
    from nscap.collaboration.depth import CLAIM_FIELDS, ClaimRow, read_depth
    from nscap.collaboration.metrics import InstitutionDepth, InstitutionNode, summarise_pairs
    from nscap.collaboration.selectors import institution_structure
    from nscap.institutions.selectors import claims_touching

    claims = claims_touching(institution, user).order_by("pk").values_list(*CLAIM_FIELDS)
    rows = [ClaimRow(*values) for values in claims]
    involved = {row.claimant_id for row in rows} | {row.partner_id for row in rows}
    involved.discard(None)
    reading = read_depth(rows, institution_structure(involved))
    pairs = [pair for (source, _target), pair in reading.pairs.items() if source == institution.pk]
    node = InstitutionNode(
        institution.pk, institution.key, institution.name, institution.country, institution.kind
    )
    row = InstitutionDepth(node)
    summarise_pairs(row, pairs)
    return institution_collaboration(row)


CATALOGUE = CATALOGUE + COLLABORATION_FIGURES
BY_ID.update({definition.id: definition for definition in COLLABORATION_FIGURES})
GROUPS["depth"] = _depth
