"""Charts of collaboration depth: the force-directed graph (Vega) and depth per institution.

Both are built from ``metrics.collaboration_picture`` for one viewer, so the page, its data
table, the CSV and the API show the same figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from nscap.analytics.figures import institution_collaboration, pair_collaboration
from nscap.collaboration.choices import CollaborationType, state_label
from nscap.collaboration.depth import BACKED
from nscap.collaboration.metrics import CollaborationPicture, InstitutionDepth, is_link
from nscap.core.charts import VEGA_SCHEMA, Chart, Column, vega_lite
from nscap.core.templatetags.nscap_ui import country_name

GRAPH_NODES = 150  # drawn at most; a force layout of thousands of nodes helps nobody
DEPTH_ROWS = 40  # institutions in the depth chart (largest gaps first)
DEPTH_COLOURS = ["#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]


def _drawn_nodes(picture: CollaborationPicture) -> list[int]:
    """The most connected institutions, at most ``GRAPH_NODES`` of them."""
    rows = sorted(
        picture.network.by_institution,
        key=lambda r: (-(r.partners + r.named_by), r.institution.name),
    )
    return [r.institution.pk for r in rows if r.partners + r.named_by][:GRAPH_NODES]


def edge_rows(picture: CollaborationPicture, among: set[int] | None = None) -> list[dict]:
    """One row per directed pair, and per claim naming a country or only words (an unresolved
    partner: kept in the table as one-sided, never dropped): the graph's edge table."""
    nodes = picture.nodes
    rows = []
    for (source, target), pair in sorted(
        picture.reading.pairs.items(),
        key=lambda item: (nodes[item[0][0]].name, nodes[item[0][1]].name),
    ):
        if among is not None and not {source, target} <= among:
            continue
        figures = pair_collaboration(pair, nodes)
        rows.append(
            {
                "claimant": nodes[source].name,
                "claimant_url": reverse("institutions:detail", args=[nodes[source].key]),
                "partner": nodes[target].name,
                "partner_url": reverse("institutions:detail", args=[nodes[target].key]),
                "types": ", ".join(str(CollaborationType(t).label) for t in pair.types),
                "claimed": figures.claimed or None,
                "planned": figures.planned or None,
                "partner_depth": figures.partner_depth,
                "confirmed": figures.confirmed,
                "evidence": state_label(figures.state),
            }
        )
    for claim in picture.reading.unplaced:
        source = claim.claim.claimant_id
        if among is not None and source not in among:
            continue
        if claim.claim.partner_country:
            partner = _("%(country)s (country)") % {
                "country": country_name(claim.claim.partner_country)
            }
        else:
            partner = _("“%(text)s” (partner not resolved)") % {"text": claim.claim.partner_text}
        rows.append(
            {
                "claimant": nodes[source].name,
                "claimant_url": reverse("institutions:detail", args=[nodes[source].key]),
                "partner": partner,
                "partner_url": "",
                "types": str(CollaborationType(claim.claim.type).label),
                "claimed": None if claim.planned else claim.depth,
                "planned": claim.depth if claim.planned else None,
                "partner_depth": claim.partner_depth,
                "confirmed": claim.confirmed_depth,
                "evidence": state_label(claim.evidence),
            }
        )
    return rows


def _graph_values(picture: CollaborationPicture, drawn: list[int]) -> tuple[list, list]:
    index = {pk: n for n, pk in enumerate(drawn)}
    nodes = [
        {
            "name": picture.nodes[pk].name,
            "label": picture.nodes[pk].short_name,
            "country": country_name(picture.nodes[pk].country) or _("international"),
            "shape": "circle",
            "url": reverse("institutions:detail", args=[picture.nodes[pk].key]),
        }
        for pk in drawn
    ]
    links: dict[tuple[int, int], dict[str, Any]] = {}

    def add(a: int, b: int, depth: int, answered: bool, planned: bool) -> None:
        key = (min(a, b), max(a, b))
        link = links.setdefault(
            key, {"source": key[0], "target": key[1], "depth": 0, "answered": False}
        )
        link["depth"] = max(link["depth"], depth)
        link["answered"] = link["answered"] or answered
        link["planned"] = link.get("planned", True) and planned

    for (source, target), pair in picture.reading.pairs.items():
        if source in index and target in index and (is_link(pair) or pair.planned):
            add(
                index[source],
                index[target],
                pair.claimed or pair.planned,
                pair.answered,
                planned=not pair.claimed,
            )
    for claim in picture.reading.unplaced:
        country, source = claim.claim.partner_country, claim.claim.claimant_id
        if not country or source not in index:
            continue
        node = f"country:{country}"
        if node not in index:
            index[node] = len(nodes)
            nodes.append(
                {
                    "name": _("%(country)s (country)") % {"country": country_name(country)},
                    "label": country_name(country),
                    "country": country_name(country),
                    "shape": "diamond",
                    "url": "",
                }
            )
        add(index[source], index[node], claim.depth, claim.evidence in BACKED, claim.planned)
    for link in links.values():
        link["one_sided"] = not link.pop("answered")
    return nodes, sorted(links.values(), key=lambda link: (link["source"], link["target"]))


def graph_chart(picture: CollaborationPicture) -> Chart:
    """A force-directed graph: nodes coloured by country, links by depth, one-sided dashed."""
    drawn = _drawn_nodes(picture)
    nodes, links = _graph_values(picture, drawn)
    title = _("Who claims to work with whom")
    total = len([r for r in picture.network.by_institution if r.partners + r.named_by])
    description = _(
        "Institutions (circles; diamonds are countries named without an institution), coloured "
        "by country; a line's colour is the deepest collaboration claimed (1 contact to 5 "
        "agreement); dashed lines are one-sided: the partner itself neither confirms it nor names "
        "it back (a claim back from a related institution or at country level does not count)."
    )
    if total > len(drawn):
        description += " " + _("Showing the %(shown)d most connected of %(total)d.") % {
            "shown": len(drawn),
            "total": total,
        }
    spec = {
        "$schema": VEGA_SCHEMA,
        "description": description,
        "width": 720,
        "height": 520,
        "padding": 10,
        "autosize": {"type": "pad"},
        "signals": [
            {"name": "cx", "update": "width / 2"},
            {"name": "cy", "update": "height / 2"},
        ],
        "data": [
            {"name": "node-data", "values": nodes},
            {"name": "link-data", "values": links},
        ],
        "scales": [
            {
                "name": "colour",
                "type": "ordinal",
                "domain": {"data": "node-data", "field": "country", "sort": True},
                "range": {"scheme": "tableau20"},
            },
            {
                "name": "depth",
                "type": "ordinal",
                "domain": [1, 2, 3, 4, 5],
                "range": DEPTH_COLOURS,
            },
        ],
        "legends": [
            {"fill": "colour", "title": _("Country"), "orient": "right"},
            {"stroke": "depth", "title": _("Depth"), "orient": "right", "symbolType": "stroke"},
        ],
        "marks": [
            {
                "name": "nodes",
                "type": "symbol",
                "zindex": 1,
                "from": {"data": "node-data"},
                "encode": {
                    "enter": {
                        "fill": {"scale": "colour", "field": "country"},
                        "stroke": {"value": "#333"},
                        "shape": {"field": "shape"},
                        "size": {"value": 260},
                        "cursor": {"value": "pointer"},
                        "href": {"field": "url"},
                        "tooltip": {"signal": "datum.name + ' (' + datum.country + ')'"},
                    }
                },
                "transform": [
                    {
                        "type": "force",
                        "signal": "force",
                        "iterations": 300,
                        "static": True,
                        "forces": [
                            {"force": "center", "x": {"signal": "cx"}, "y": {"signal": "cy"}},
                            {"force": "collide", "radius": 14},
                            {"force": "nbody", "strength": -120},
                            {"force": "link", "links": "link-data", "distance": 90},
                        ],
                    }
                ],
            },
            {
                "type": "path",
                "from": {"data": "link-data"},
                "interactive": False,
                "encode": {
                    "update": {
                        "stroke": {"scale": "depth", "field": "depth"},
                        "strokeWidth": {"signal": "1 + datum.depth"},
                        "strokeDash": {"signal": "datum.one_sided ? [6, 4] : [1, 0]"},
                        "strokeOpacity": {"signal": "datum.planned ? 0.4 : 0.9"},
                    }
                },
                "transform": [
                    {
                        "type": "linkpath",
                        # Draw the links once the layout has placed the nodes they join.
                        "require": {"signal": "force"},
                        "shape": "line",
                        "sourceX": "datum.source.x",
                        "sourceY": "datum.source.y",
                        "targetX": "datum.target.x",
                        "targetY": "datum.target.y",
                    }
                ],
            },
            {
                "type": "text",
                "from": {"data": "nodes"},
                "interactive": False,
                "zindex": 2,
                "encode": {
                    "update": {
                        "x": {"field": "x"},
                        "y": {"field": "y", "offset": -12},
                        "text": {"field": "datum.label"},
                        "align": {"value": "center"},
                        "fontSize": {"value": 11},
                    }
                },
            },
        ],
        "config": {"font": "system-ui, sans-serif"},
    }
    columns = [
        Column("claimant", _("Claimant"), link_field="claimant_url"),
        Column("partner", _("Partner"), link_field="partner_url"),
        Column("types", _("Kinds")),
        Column("claimed", _("Claimed depth")),
        Column("planned", _("Planned depth")),
        Column("partner_depth", _("Depth the partner states")),
        Column("confirmed", _("Confirmed depth")),
        Column("evidence", _("State")),
    ]
    return Chart(
        name="collaboration-graph",
        title=title,
        spec=spec,
        columns=columns,
        rows=edge_rows(picture, set(drawn)),
        description=description,
        grammar="vega",
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def depth_row(r: InstitutionDepth) -> dict:
    """One institution's row; its depth and reciprocity figures come from the catalogue
    (``analytics.figures.institution_collaboration``), as in the API and the CLI."""
    figures = institution_collaboration(r)
    rate = figures.reciprocity_rate
    return {
        "institution": r.institution.name,
        "url": reverse("institutions:detail", args=[r.institution.key]),
        "country": country_name(r.institution.country),
        "partners": r.partners,
        "named_by": r.named_by,
        "claimed": figures.claimed,
        "partner_depth": figures.partner_depth,
        "confirmed": figures.confirmed,
        "gap": figures.gap,
        "reciprocity": None if rate is None else f"{rate}%",
        "related_back": r.related_back,
        "unresolved": r.unresolved_partners,
        "degree": round(r.degree, 3),
        "betweenness": round(r.betweenness, 3),
        "eigenvector": _rounded(r.eigenvector),
    }


def depth_rows(rows: list[InstitutionDepth]) -> list[dict]:
    """The per-institution table (already ordered, largest exaggeration gap first)."""
    return [depth_row(r) for r in rows]


def depth_chart(
    picture: CollaborationPicture, table_rows: Sequence[InstitutionDepth] | None = None
) -> Chart:
    """Claimed, confirmed and stated-back depth per institution (grouped bars).

    The bars are the ``DEPTH_ROWS`` largest gaps of all; the table (and its CSV) has
    ``table_rows`` (one page of the list) when given, else every institution.
    """
    rows = [r for r in picture.network.by_institution if r.claimed is not None]
    shown = rows[:DEPTH_ROWS]
    claimed, confirmed, back = _("claimed"), _("confirmed"), _("stated by the partners")
    values = [
        {"institution": r.institution.name, "measure": measure, "depth": round(value or 0, 2)}
        for r in shown
        for measure, value in (
            (claimed, r.claimed),
            (confirmed, r.confirmed),
            (back, r.partner_depth),
        )
    ]
    title = _("Claimed and confirmed depth per institution")
    institution, depth, measure = _("Institution"), _("Mean depth (1–5)"), _("Measure")
    spec = vega_lite(
        title=title,
        values=values,
        mark={"type": "bar", "tooltip": True},
        encoding={
            "y": {"field": "institution", "type": "nominal", "sort": None, "title": institution},
            "yOffset": {"field": "measure", "sort": [claimed, confirmed, back]},
            "x": {
                "field": "depth",
                "type": "quantitative",
                "title": depth,
                "scale": {"domain": [0, 5]},
            },
            "color": {
                "field": "measure",
                "type": "nominal",
                "title": measure,
                "sort": [claimed, confirmed, back],
                "scale": {"range": ["#3182bd", "#31a354", "#bdbdbd"]},
            },
        },
    )
    description = _(
        "Means over the institutions each one names; the gap between the first two bars is the "
        "exaggeration gap. Largest gaps first."
    )
    if len(rows) > len(shown):
        description += " " + _("The chart shows %(shown)d of %(total)d; the table has all.") % {
            "shown": len(shown),
            "total": len(rows),
        }
    columns = [
        Column("institution", institution, link_field="url"),
        Column("country", _("Country")),
        Column("partners", pgettext("depth table: institutions it names", "Names")),
        Column("named_by", _("Named by")),
        Column("claimed", _("Claimed depth")),
        Column("partner_depth", _("Depth the partners state")),
        Column("confirmed", _("Confirmed depth")),
        Column("gap", _("Exaggeration gap")),
        Column("reciprocity", _("Reciprocity")),
        Column("related_back", _("Named back only by a related institution")),
        Column("unresolved", _("Claims with an unresolved partner")),
        Column("degree", _("Degree")),
        Column("betweenness", _("Betweenness")),
        Column("eigenvector", _("Eigenvector")),
    ]
    return Chart(
        name="collaboration-depth",
        title=title,
        spec=spec,
        columns=columns,
        rows=depth_rows(picture.network.by_institution if table_rows is None else table_rows),
        description=description,
    )
