"""Reads of collaboration claims: which claims the other side also makes (Table 3).

The rule (issue 13; ``docs/analytics.md``, "Who answers a claim"): a claim is *two-sided* only
when **the partner itself** makes a claim back about **the claimant itself** — the same two
institutions, in the other direction. A claim back from a related institution (a parent or a
child of either side: Vietnam's centre names JAEA, JAEA's child ISCN names Vietnam) or at
country level (a claim naming only a country, or answered by one) is kept apart as *named back
by a related institution*: shown, never counted as two-sided or confirmed. Counting it once made
a regulator's claim about the IAEA "confirmed" by the IAEA's claim about another institution of
that country. A claim whose partner is only words is *one-sided* and has an unresolved partner.

Only claims the viewer may see count, so a hidden claim never shows through as a mark.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from nscap.collaboration.choices import TWO_SIDED, Answer, Confirmation, state_label, state_tone
from nscap.collaboration.models import CollaborationClaim
from nscap.collaboration.scale import Sides, sides
from nscap.institutions.models import Institution

# Past this many ids a filter reads every institution instead (one scan beats a huge IN list).
MAX_LISTED_IDS = 2000


class ClaimLike(Protocol):
    """What the reciprocity reading needs of a claim: a model instance or a lighter row."""

    pk: int
    claimant_id: int
    partner_id: int | None
    partner_country: str
    type: str
    status: str
    confirmation: str


# The answers that come from the partner itself: a pair with one of them is answered.
BACKED = TWO_SIDED


def is_reverse(claim: ClaimLike, back: ClaimLike) -> bool:
    """``back`` is made by ``claim``'s partner itself about ``claim``'s claimant itself."""
    return (
        claim.partner_id is not None
        and back.claimant_id == claim.partner_id
        and back.partner_id == claim.claimant_id
    )


def answer_of(claim: ClaimLike, partner_back: Sequence[ClaimLike], related_back: bool) -> Answer:
    """The other side's answer to ``claim``, the first that applies: the partner's own
    confirmation or dispute; a claim back by the partner itself (same kind, or another);
    a claim back only from a related institution or at country level; nothing."""
    if claim.confirmation == Confirmation.DISPUTED:
        return Answer.DISPUTED
    if claim.confirmation == Confirmation.CONFIRMED:
        return Answer.CONFIRMED
    if any(back.type == claim.type for back in partner_back):
        return Answer.RECIPROCATED
    if partner_back:
        return Answer.NAMED_BACK
    return Answer.RELATED_BACK if related_back else Answer.ONE_SIDED


@dataclass(frozen=True)
class ClaimReading:
    """A claim as the collaboration page shows it.

    ``answering_claims`` are the claims back by the partner itself (``two_sided`` when there is
    one); ``related_claims`` those back from a related institution or at country level only.
    """

    claim: CollaborationClaim
    two_sided: bool
    same_type_back: bool
    answering_claims: tuple[CollaborationClaim, ...]
    related_claims: tuple[CollaborationClaim, ...] = ()
    answer: str = Answer.ONE_SIDED
    sides: Sides | None = None  # the depth each side states (``scale.sides``)

    @property
    def state_label(self) -> str:
        """The claim's state in the reader's words (``choices.state_label``)."""
        return state_label(self.answer)

    @property
    def state_tone(self) -> str:
        """The CSS tone of the claim's state (``choices.state_tone``)."""
        return state_tone(self.answer)

    @property
    def partner_unresolved(self) -> bool:
        """The partner is only words: no institution, no country (it cannot be answered)."""
        return self.claim.partner_id is None and not self.claim.partner_country


@dataclass(frozen=True)
class Structure:
    """Each institution's country and side (itself, its ancestors and its descendants)."""

    country: dict[int, str]
    lineage: dict[int, set[int]]

    def side(self, pk: int | None) -> set[int]:
        if pk is None:
            return set()
        return self.lineage.get(pk, {pk})


def side_of(institution: Institution) -> set[int]:
    """Ids of ``institution``'s side: itself, its ancestors and its descendants.

    Only the rows with a parent are read, so the cost follows the number of parent links, not
    the number of institutions.
    """
    parent_of = dict(
        Institution.objects.filter(parent__isnull=False).values_list("pk", "parent_id")
    )
    return _lineages(parent_of).get(institution.pk) or {institution.pk}


def institution_structure(institution_ids: Iterable[int] | None = None) -> Structure:
    """Parents and countries of the institutions, read as plain values (fast at 100,000s).

    Only ids, parent ids and countries are read: structure that decides whether one claim
    answers another, never shown itself; every claim it is applied to is already visible.
    Lineages come from the rows with a parent only; countries of ``institution_ids`` and their
    sides only when given (an institution page reads a handful, not every institution).
    """
    parent_of = dict(
        Institution.objects.filter(parent__isnull=False).values_list("pk", "parent_id")
    )
    lineage = _lineages(parent_of)
    rows = Institution.objects.all()
    if institution_ids is not None:
        wanted: set[int] = set()
        for pk in institution_ids:
            wanted |= lineage.get(pk, {pk})
        if len(wanted) <= MAX_LISTED_IDS:
            rows = rows.filter(pk__in=wanted)
    return Structure(country=dict(rows.values_list("pk", "country")), lineage=lineage)


def _lineages(parent_of: dict[int, int | None]) -> dict[int, set[int]]:
    """For each institution, itself plus every ancestor and descendant."""
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


class Answers(NamedTuple):
    """The claims made back to one claim: by the partner itself about the claimant itself
    (``partner``), and the rest of the other side's claims back (``related``: a parent or a
    child of either side, or at country level), each in the order of the claims read."""

    partner: tuple = ()
    related: tuple = ()


def answering_index(claims: Sequence[ClaimLike], structure: Structure) -> dict[int, Answers]:
    """For each claim (by pk), the claims of ``claims`` made back by the side it names.

    ``back`` is made back to ``claim`` when ``back``'s claimant is on the side ``claim`` names
    (the partner's lineage, or any institution of the partner country) and ``back`` names the
    claimant's side (its lineage, or its country). Only those between the same two institutions
    (``is_reverse``) answer for the partner; the others are kept as ``related``, to be shown and
    never counted as the partner's answer. Claims are indexed by what they name, so only claims
    that name the claimant's side are ever compared: linear, not quadratic.
    """
    country = structure.country
    position = {claim.pk: n for n, claim in enumerate(claims)}
    naming_institution: dict[int, list[ClaimLike]] = defaultdict(list)
    naming_country: dict[tuple[str, str], list[ClaimLike]] = defaultdict(list)
    for claim in claims:
        if claim.partner_id is not None:
            naming_institution[claim.partner_id].append(claim)
        elif claim.partner_country:
            from_country = country.get(claim.claimant_id, "")
            naming_country[(from_country, claim.partner_country)].append(claim)
    answers: dict[int, Answers] = {}
    side_countries: dict[int, set[str]] = {}
    for claim in claims:
        claimant_country = country.get(claim.claimant_id, "")
        if claim.partner_id is not None:
            partner_side = structure.side(claim.partner_id)
            if claim.partner_id not in side_countries:
                side_countries[claim.partner_id] = {country.get(pk, "") for pk in partner_side}
            partner_countries = side_countries[claim.partner_id]

            def from_partner_side(back: ClaimLike, side=partner_side) -> bool:
                return back.claimant_id in side

        elif claim.partner_country:
            partner_countries = {claim.partner_country}

            def from_partner_side(back: ClaimLike, wanted=claim.partner_country) -> bool:
                return country.get(back.claimant_id, "") == wanted

        else:
            answers[claim.pk] = Answers()
            continue
        candidates = [
            back
            for pk in structure.side(claim.claimant_id)
            for back in naming_institution.get(pk, ())
        ]
        if claimant_country:
            for partner_country in partner_countries:
                candidates.extend(naming_country.get((partner_country, claimant_country), ()))
        found = [
            back
            for back in candidates
            if back.claimant_id != claim.claimant_id and from_partner_side(back)
        ]
        found.sort(key=lambda back: position[back.pk])
        answers[claim.pk] = Answers(
            partner=tuple(back for back in found if is_reverse(claim, back)),
            related=tuple(back for back in found if not is_reverse(claim, back)),
        )
    return answers


def reading_of(claim, answers: Answers) -> ClaimReading:
    """``claim`` (a model instance or a row) with the claims made back to it, read by the rule."""
    answer = answer_of(claim, answers.partner, bool(answers.related))
    return ClaimReading(
        claim=claim,
        two_sided=bool(answers.partner),
        same_type_back=any(back.type == claim.type for back in answers.partner),
        answering_claims=answers.partner,
        related_claims=answers.related,
        answer=answer.value,
        sides=sides(claim.type, answer, answers.partner),
    )


def read_claims(claims) -> list[ClaimReading]:
    """Read the other side's answer to each of ``claims`` (already filtered by ``visible_to``).

    Answering claims are looked up by claimant (and claimant country) rather than by comparing
    every pair, so reading all claims grows with their number, not its square.
    """
    claims = list(claims.select_related("claimant", "partner", "network"))
    involved = {claim.claimant_id for claim in claims}
    involved |= {claim.partner_id for claim in claims if claim.partner_id is not None}
    answers = answering_index(claims, institution_structure(involved))
    return [reading_of(claim, answers[claim.pk]) for claim in claims]


class ClaimRow(NamedTuple):
    """The columns of a claim that its reading needs, without a model instance."""

    pk: int
    key: str
    claimant_id: int
    partner_id: int | None
    partner_country: str
    type: str
    status: str
    confirmation: str


def read_claim_rows(claims) -> dict[int, ClaimReading]:
    """``read_claims`` over plain rows, by claim pk: the API's reading of every visible claim
    for one page (20,000 claims at a million events: 0.1 s instead of 2.5 s of model
    instances). The readings' claims are ``ClaimRow``s."""
    rows = [ClaimRow(*values) for values in claims.order_by().values_list(*ClaimRow._fields)]
    involved = {row.claimant_id for row in rows}
    involved |= {row.partner_id for row in rows if row.partner_id is not None}
    answers = answering_index(rows, institution_structure(involved))
    return {row.pk: reading_of(row, answers[row.pk]) for row in rows}


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

    from nscap.institutions.visible import CENTER_KINDS

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


def answer_tally(readings: Iterable[ClaimReading]) -> dict[str, int]:
    """Claims counted by the other side's answer: the one reading of "confirmed", "disputed",
    "one-sided" and "named back only by a related institution" that the figures catalogue
    (``analytics.figures``), the collaboration page and its filtered views all use.

    Two-sided: the partner itself claims back (same kind or another) without confirming.
    One-sided: the partner itself neither confirms, reciprocates nor names it back (a disputed
    claim is one-sided too: nobody backs it); related-back claims are one-sided as well.
    """
    names = ("total", "confirmed", "two_sided", "disputed", "one_sided", "related_back")
    tally = dict.fromkeys(names, 0)
    for reading in readings:
        tally["total"] += 1
        if reading.answer == Answer.CONFIRMED:
            tally["confirmed"] += 1
        elif reading.answer in (Answer.RECIPROCATED, Answer.NAMED_BACK):
            tally["two_sided"] += 1
        elif reading.answer == Answer.DISPUTED:
            tally["disputed"] += 1
        elif reading.answer == Answer.RELATED_BACK:
            tally["related_back"] += 1
        if reading.answer not in BACKED:
            tally["one_sided"] += 1
    return tally
