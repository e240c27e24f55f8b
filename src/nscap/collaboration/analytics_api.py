"""Collaboration analytics API (``/api/analytics/collaboration``): depth, reciprocity, centrality.

A claim counts as answered only when the partner itself answers (issue 13; see ``selectors``).

The same functions as the pages (``metrics.collaboration_picture``), over what the caller may
see: a restricted claim or institution never changes a figure here.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema

from nscap.analytics.figures import institution_collaboration, pair_collaboration
from nscap.collaboration.depth import DEPTH_BY_TYPE, ClaimDepth, PairDepth
from nscap.collaboration.metrics import InstitutionDepth, cached_picture
from nscap.collaboration.schemas import AnswerValue
from nscap.core.api_support import QueryErrorSchema, Ref, check_query

router = Router(tags=["analytics"])


class CollaborationNetworkSchema(Schema):
    """Network-wide measures over the visible institution-to-institution claims."""

    institutions: int = Field(description="Institutions in the collaboration graph.")
    links: int = Field(description="Directed links: A makes a realised, undisputed claim on B.")
    density: float
    reciprocity_rate: float | None = Field(
        description="Share of links the partner itself answers (a confirmation or a claim back)."
    )
    related_back_links: int = Field(
        description="Links named back only by a parent or child of either side, or at country "
        "level: not reciprocated, not confirmed."
    )
    country_partner_claims: int = Field(description="Claims naming only a country: no link.")
    unresolved_partner_claims: int = Field(
        description="Claims whose partner is only words (not resolved to an institution): "
        "one-sided, no link."
    )
    mean_claimed: float | None = Field(description="Mean depth the claimants state, per link.")
    mean_confirmed: float | None = Field(
        description="Mean confirmed depth (the lesser of the two sides, per claim), per link."
    )
    mean_partner_depth: float | None = Field(description="Mean depth the partners state.")
    components: int
    largest_component: int
    betweenness_sampled: bool = Field(description="Betweenness estimated from sampled sources.")
    eigenvector_defined: bool


class InstitutionDepthSchema(Schema):
    """One institution: the depth each side states and the confirmed depth (means over the
    institutions it names), rounded to 2 places as the pages show them
    (``analytics.figures.institution_collaboration``)."""

    institution: Ref
    country: str
    partners: int = Field(description="Institutions it names in a realised claim.")
    named_by: int = Field(description="Institutions naming it in a realised claim.")
    claimed: float | None = Field(description="Mean depth it states (its own side).")
    partner_depth: float | None = Field(
        description="Mean depth the partners state: a claim's depth where the partner "
        "confirmed it, else the deepest claim the partner itself makes back (0 if none)."
    )
    confirmed: float | None = Field(
        description="Mean confirmed depth: per claim, the lesser of the depths the two sides state."
    )
    gap: float | None = Field(description="Exaggeration gap: claimed − confirmed.")
    stated_back: float | None = Field(description="Mean depth the partners claim back.")
    deepest_claimed: int
    deepest_confirmed: int
    planned: int = Field(description="Partners named only in planned claims.")
    reciprocity: float | None = Field(
        description="Share of named partners that answer themselves (confirm or name it back), "
        "unrounded; reciprocity_rate is the same as the pages show it."
    )
    reciprocity_rate: int | None = Field(
        description="reciprocity as a whole percent (the depth page's figure)."
    )
    related_back: int = Field(
        description="Named partners that do not answer, where only a related institution or a "
        "country-level claim names it back."
    )
    other_claims: int = Field(description="Claims naming a country or words, not an institution.")
    unresolved_partners: int = Field(description="Of those, claims naming only words.")
    degree: float
    betweenness: float
    eigenvector: float | None


class CollaborationAnalyticsSchema(Schema):
    depth_scale: dict[str, int] = Field(description="The depth (1–5) of each collaboration type.")
    network: CollaborationNetworkSchema
    institutions: list[InstitutionDepthSchema]


class ClaimDepthSchema(Schema):
    key: str
    type: str
    status: str
    depth: int
    planned: bool
    evidence: AnswerValue = Field(
        description="The claim's state (the API's answer on the claim): confirmed, "
        "reciprocated or named_back (the partner itself answers), related_back (only a related "
        "institution or a country-level claim names back: not confirmed), one_sided or disputed."
    )
    stated_back: int = Field(description="Deepest realised claim the partner itself makes back.")
    partner_depth: int = Field(
        description="Depth the partner states: the claim's if it confirmed it, else stated_back."
    )
    confirmed_depth: int = Field(description="The lesser of depth and partner_depth.")
    answered_by: list[str] = Field(
        description="Keys of the visible claims the partner itself makes back."
    )
    related_by: list[str] = Field(
        description="Keys of the visible claims back from a related institution or at country "
        "level (not counted)."
    )


class EdgeSchema(Schema):
    """Everything one institution claims about another: a typed, directed edge."""

    claimant: Ref
    partner: Ref
    claimed: int = Field(description="Deepest realised claim: the claimant's side.")
    planned: int
    partner_depth: int = Field(description="Deepest depth the partner states: its side.")
    confirmed: int = Field(description="Deepest confirmed depth (the lesser side, per claim).")
    state: AnswerValue = Field(
        description="The pair's state: the partner's strongest answer to any of its claims."
    )
    stated_back: int = Field(description="Deepest realised claim the partner itself makes back.")
    answered: bool = Field(description="The partner itself answers (confirms or claims back).")
    related_back: bool = Field(
        description="Not answered, but named back by a related institution or at country level."
    )
    claims: list[ClaimDepthSchema]


class UnplacedClaimSchema(Schema):
    """A claim naming no institution: a country, or only words (an unresolved partner)."""

    claimant: Ref
    partner_country: str
    partner_text: str
    partner_unresolved: bool = Field(description="The partner is only words.")
    claim: ClaimDepthSchema


# The fields the catalogue rounds (``analytics.figures.InstitutionCollaboration``).
CATALOGUE_FIELDS = ("claimed", "partner_depth", "confirmed", "gap", "reciprocity_rate")


def _institution_item(row: InstitutionDepth) -> dict:
    node = row.institution
    figures = institution_collaboration(row)
    return {
        "institution": {"key": node.key, "name": node.name},
        "country": node.country,
        **{
            name: getattr(row, name)
            for name in InstitutionDepthSchema.model_fields
            if name not in ("institution", "country", *CATALOGUE_FIELDS)
        },
        **{name: getattr(figures, name) for name in CATALOGUE_FIELDS},
    }


@router.get(
    "",
    response={200: CollaborationAnalyticsSchema, 400: QueryErrorSchema},
    url_name="analytics_collaboration",
)
def collaboration_analytics(request: HttpRequest):
    """Depth scale, network measures and per-institution depth, largest gap first."""
    check_query(request, [])
    return analytics_body(request.user)


def analytics_body(user) -> dict:
    """The body of ``GET /api/analytics/collaboration`` for ``user`` (and ``nscap
    collaboration institutions --format json``)."""
    network = cached_picture(user).network
    return {
        "depth_scale": {str(k): v for k, v in DEPTH_BY_TYPE.items()},
        "network": {
            name: getattr(network, name) for name in CollaborationNetworkSchema.model_fields
        },
        "institutions": [_institution_item(row) for row in network.by_institution],
    }


def _edge_item(pair: PairDepth, nodes) -> dict:
    source, target = nodes[pair.source], nodes[pair.target]
    figures = pair_collaboration(pair, nodes)
    return {
        "claimant": {"key": source.key, "name": source.name},
        "partner": {"key": target.key, "name": target.name},
        **{
            name: getattr(figures, name)
            for name in ("claimed", "planned", "partner_depth", "confirmed", "state")
        },
        "stated_back": pair.stated_back,
        "answered": pair.answered,
        "related_back": pair.related,
        "claims": [_claim_item(c) for c in pair.claims],
    }


def _claim_item(c: ClaimDepth) -> dict:
    return {
        "key": c.claim.key,
        "type": c.claim.type,
        "status": c.claim.status,
        "depth": c.depth,
        "planned": c.planned,
        "evidence": c.evidence,
        "stated_back": c.stated_back,
        "partner_depth": c.partner_depth,
        "confirmed_depth": c.confirmed_depth,
        "answered_by": sorted(c.answered_by),
        "related_by": sorted(c.related_by),
    }


@router.get(
    "/edges",
    response={200: list[EdgeSchema], 400: QueryErrorSchema},
    url_name="analytics_collaboration_edges",
)
def collaboration_edges(request: HttpRequest):
    """Every directed institution pair with its claims judged on the depth scale."""
    check_query(request, [])
    return edges_body(request.user)


def edges_body(user) -> list[dict]:
    """The body of ``GET /api/analytics/collaboration/edges`` for ``user`` (and ``nscap
    collaboration edges --format json``)."""
    picture = cached_picture(user)
    pairs = sorted(
        picture.reading.pairs.values(),
        key=lambda p: (picture.nodes[p.source].key, picture.nodes[p.target].key),
    )
    return [_edge_item(pair, picture.nodes) for pair in pairs]


@router.get(
    "/unplaced",
    response={200: list[UnplacedClaimSchema], 400: QueryErrorSchema},
    url_name="analytics_collaboration_unplaced",
)
def collaboration_unplaced(request: HttpRequest):
    """Claims that name no institution (a country, or only words): no edge, but counted and
    judged like any claim, so an unresolved partner is one-sided, never dropped."""
    check_query(request, [])
    picture = cached_picture(request.user)
    return [
        {
            "claimant": {
                "key": picture.nodes[c.claim.claimant_id].key,
                "name": picture.nodes[c.claim.claimant_id].name,
            },
            "partner_country": c.claim.partner_country,
            "partner_text": c.claim.partner_text,
            "partner_unresolved": not c.claim.partner_country,
            "claim": _claim_item(c),
        }
        for c in sorted(picture.reading.unplaced, key=lambda c: c.claim.key)
    ]
