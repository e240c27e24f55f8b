"""Reads of collaboration claims: which claims the other side also makes (Table 3).

A claim is *two-sided* when the partner's side makes a claim back about the claimant's side;
otherwise it is *one-sided*. A "side" is an institution with its parents and children (Vietnam's
centre names JAEA, the parent of Japan's ISCN), or a whole country where a source names only the
country ("Vietnam (seminar in Hanoi)"). Only claims the viewer may see count, so a hidden claim
never shows through as a two-sided mark.
"""

from __future__ import annotations

from dataclasses import dataclass

from nscap.collaboration.models import CollaborationClaim
from nscap.institutions.models import Institution


@dataclass(frozen=True)
class ClaimReading:
    """A claim as the collaboration page shows it."""

    claim: CollaborationClaim
    two_sided: bool
    same_type_back: bool
    answering_claims: tuple[CollaborationClaim, ...]


def _side(institution: Institution | None, lineage: dict[int, set[int]]) -> set[int]:
    if institution is None:
        return set()
    return lineage.get(institution.pk) or {institution.pk}


def _linked_lineages() -> dict[int, set[int]]:
    """Lineages of the institutions in a parent chain; any other institution is its own side.

    Only the rows with a parent are read (with their parents reached through ``parent_id``), so
    the cost follows the number of parent links, not the number of institutions.
    """
    return _lineages(list(Institution.objects.filter(parent__isnull=False).only("pk", "parent_id")))


def side_of(institution: Institution) -> set[int]:
    """Ids of ``institution``'s side: itself, its ancestors and its descendants."""
    return _side(institution, _linked_lineages())


def _lineages(institutions: list[Institution]) -> dict[int, set[int]]:
    """For each institution, itself plus every ancestor and descendant."""
    parent_of = {i.pk: i.parent_id for i in institutions}
    ancestors: dict[int, set[int]] = {}
    for pk in parent_of:
        chain, node = {pk}, parent_of.get(pk)
        while node is not None and node not in chain:
            chain.add(node)
            node = parent_of.get(node)
        ancestors[pk] = chain
    lineage = {pk: set(chain) for pk, chain in ancestors.items()}
    for pk, chain in ancestors.items():
        for ancestor in chain:
            lineage.setdefault(ancestor, {ancestor}).add(pk)
    return lineage


def _names(claim: CollaborationClaim, target: Institution, lineage: dict[int, set[int]]) -> bool:
    """Does ``claim`` name ``target``'s side (the institution, its lineage, or its country)?"""
    if claim.partner_id is not None:
        return claim.partner_id in _side(target, lineage)
    return bool(claim.partner_country) and claim.partner_country == target.country


def _answers(back: CollaborationClaim, claim: CollaborationClaim, lineage) -> bool:
    """Is ``back`` made by the side ``claim`` names, about ``claim``'s claimant?"""
    if back.pk == claim.pk or back.claimant_id == claim.claimant_id:
        return False
    if claim.partner_id is not None:
        from_partner_side = back.claimant_id in _side(claim.partner, lineage)
    else:
        from_partner_side = bool(claim.partner_country) and (
            back.claimant.country == claim.partner_country
        )
    return from_partner_side and _names(back, claim.claimant, lineage)


def read_claims(claims) -> list[ClaimReading]:
    """Mark each of ``claims`` (already filtered by ``visible_to``) one- or two-sided.

    Answering claims are looked up by claimant (and claimant country) rather than by comparing
    every pair, so reading all claims grows with their number, not its square.
    """
    claims = list(claims.select_related("claimant", "partner", "network"))
    lineage = _linked_lineages()
    by_claimant: dict[int, list[int]] = {}
    by_country: dict[str, list[int]] = {}
    for position, claim in enumerate(claims):
        by_claimant.setdefault(claim.claimant_id, []).append(position)
        by_country.setdefault(claim.claimant.country, []).append(position)
    readings = []
    for claim in claims:
        if claim.partner_id is not None:
            sides = _side(claim.partner, lineage)
            candidates = [p for pk in sides for p in by_claimant.get(pk, ())]
        else:
            candidates = list(by_country.get(claim.partner_country, ()))
        answering = tuple(
            claims[p] for p in sorted(set(candidates)) if _answers(claims[p], claim, lineage)
        )
        readings.append(
            ClaimReading(
                claim=claim,
                two_sided=bool(answering),
                same_type_back=any(back.type == claim.type for back in answering),
                answering_claims=answering,
            )
        )
    return readings


@dataclass(frozen=True)
class ClaimantGroup:
    """One row of Table 3: a claimant and its claims, read one- or two-sided."""

    claimant: Institution
    readings: tuple[ClaimReading, ...]


def table_three(user) -> list[ClaimantGroup]:
    """Table 3 regenerated from the data: visible claims grouped by claimant country and center.

    Claims naming an institution ``user`` may not see are left out, so reciprocity marks never
    rest on a hidden record.
    """

    from nscap.core.selectors import CENTER_KINDS

    readings = read_claims(CollaborationClaim.objects.visible_to(user))
    groups: dict[int, list[ClaimReading]] = {}
    # Every visible center has a row, as in the brief, even with nothing listed (Malaysia).
    claimants: dict[int, Institution] = {
        center.pk: center
        for center in Institution.objects.visible_to(user).filter(kind__in=CENTER_KINDS)
    }
    for reading in readings:
        claimants[reading.claim.claimant_id] = reading.claim.claimant
        groups.setdefault(reading.claim.claimant_id, []).append(reading)
    ordered = sorted(claimants.values(), key=lambda i: (i.country or "~", i.name))
    return [ClaimantGroup(claimant=c, readings=tuple(groups.get(c.pk, ()))) for c in ordered]
