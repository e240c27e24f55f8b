"""How deep a collaboration goes: a graded scale over claims, and how far the partner backs it.

The brief warns that "the extent of collaboration" may be "exaggerated". A claim's *depth* is a
rung on a five-step scale set by its type; its *confirmed depth* is how much of that the other
side backs; the difference, per institution, is the exaggeration gap. The rules (documented in
``docs/analytics.md``):

1. Depth by type (``DEPTH_BY_TYPE``): 1 common network membership, participation in training
   (attending a course) or an unspecified claim; 2 seminar or exchange of training materials;
   3 personnel exchange; 4 joint trial or joint delivery; 5 memorandum of understanding (a joint
   programme under an agreement).
2. Status: a ``planned`` claim is not collaboration yet; it counts toward *planned* depth only.
   ``ongoing``, ``done`` and ``unknown`` (the source speaks of it as happening) count as realised.
3. Evidence (the claim's state, ``choices.Answer``), first that applies: ``disputed`` (the
   partner disputed it); ``confirmed`` (the partner confirmed it); ``reciprocated`` (the partner
   itself claims the same type back about the claimant itself); ``named_back`` (the partner
   itself names the claimant, but for another kind); ``related_back`` (only a parent or child
   of either side, or a claim at country level, names back: shown apart, never counted as
   confirmed); ``one_sided`` (nobody answers). The rule and its reason are in ``selectors``.
4. Confirmed depth: the lesser of the depths the two sides state (``scale.sides``): the
   claimant states the claim's depth; the partner the claim's depth when it confirmed it, else
   the deepest realised, undisputed claim it makes back itself (0 for disputed, related-back
   and one-sided claims).

Everything is read from claims the viewer may see (``visible_to``): a restricted claim never
raises or lowers anybody's figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nscap.collaboration.choices import Answer
from nscap.collaboration.models import CollaborationClaim
from nscap.collaboration.scale import (  # noqa: F401  (the scale, read from here by others)
    DEPTH_BY_TYPE,
    DEPTH_LABELS,
    depth_of,
    is_realised,
    sides,
)
from nscap.collaboration.selectors import (
    BACKED,
    Answers,
    Structure,
    answer_of,
    answering_index,
    institution_structure,
)

# How the other side stands toward a claim: one vocabulary with the Table 3 reading.
Evidence = Answer


@dataclass(frozen=True)
class ClaimRow:
    """The fields of a claim the depth reading needs, read as plain values (fast in bulk)."""

    pk: int
    key: str
    claimant_id: int
    partner_id: int | None
    partner_country: str
    partner_text: str
    type: str
    status: str
    confirmation: str


CLAIM_FIELDS = [
    "pk",
    "key",
    "claimant_id",
    "partner_id",
    "partner_country",
    "partner_text",
    "type",
    "status",
    "confirmation",
]


@dataclass(frozen=True)
class ClaimDepth:
    """One claim on the depth scale: its depth, the evidence for it, how deep the partner backs it.

    ``stated_back`` is the deepest realised, undisputed claim the partner itself makes back;
    ``partner_depth`` the depth the partner states (the claim's own if it confirmed it, else
    ``stated_back``); ``confirmed_depth`` the lesser of ``depth`` and ``partner_depth``;
    ``answered_by`` are the partner's claims back, ``related_by`` those of related institutions
    or at country level (shown, never counted).
    """

    claim: ClaimRow
    depth: int
    planned: bool
    evidence: str
    confirmed_depth: int
    stated_back: int
    partner_depth: int = 0
    answered_by: tuple[str, ...] = ()
    related_by: tuple[str, ...] = ()


def judge(claim: ClaimRow, answers: Answers) -> ClaimDepth:
    """Apply the rules of this module to one claim and the claims made back to it (the
    partner's own and the related ones, as ``answering_index`` splits them)."""
    evidence = answer_of(claim, answers.partner, bool(answers.related))
    stated = sides(claim.type, evidence, answers.partner)
    return ClaimDepth(
        claim=claim,
        depth=stated.claimed,
        planned=not is_realised(claim),
        evidence=evidence.value,
        confirmed_depth=stated.confirmed,
        stated_back=stated.stated_back,
        partner_depth=stated.partner,
        answered_by=tuple(back.key for back in answers.partner),
        related_by=tuple(back.key for back in answers.related),
    )


@dataclass
class PairDepth:
    """Everything ``source`` claims about institution ``target``: a typed, directed edge.

    ``claimed`` (the source's side), ``partner_depth`` (the target's side: the deepest depth it
    states of the realised claims, ``scale.sides``) and ``confirmed`` are over realised claims
    (0 when there are none);
    ``planned`` is the deepest planned claim. ``answered`` is true when the target itself
    backs any of the claims (confirmed, reciprocated or named back), so the pair is not
    one-sided; ``related`` when it does not, but a related institution of either side (or a
    claim at country level) names back: its own state, never counted as answered. The figures
    are set by ``summarise`` once every claim is added.
    """

    source: int
    target: int
    claims: list[ClaimDepth] = field(default_factory=list)
    claimed: int = 0
    confirmed: int = 0
    planned: int = 0
    stated_back: int = 0
    partner_depth: int = 0
    answered: bool = False
    related: bool = False
    disputed: bool = False
    linked: bool = False

    def summarise(self) -> None:
        for c in self.claims:
            if c.planned:
                self.planned = max(self.planned, c.depth)
            else:
                self.claimed = max(self.claimed, c.depth)
                self.confirmed = max(self.confirmed, c.confirmed_depth)
                self.partner_depth = max(self.partner_depth, c.partner_depth)
                self.linked = self.linked or c.evidence != Evidence.DISPUTED
            self.stated_back = max(self.stated_back, c.stated_back)
            self.answered = self.answered or c.evidence in BACKED
            self.related = self.related or c.evidence == Evidence.RELATED_BACK
            self.disputed = self.disputed or c.evidence == Evidence.DISPUTED
        self.related = self.related and not self.answered

    @property
    def state(self) -> str:
        """The pair's state in the claim vocabulary (``choices.Answer``): the partner's
        strongest answer to any of the claims (confirmed, reciprocated, named back), else
        disputed, related back or one-sided. Each claim keeps its own state."""
        states = {c.evidence for c in self.claims}
        for answer in (Answer.CONFIRMED, Answer.RECIPROCATED, Answer.NAMED_BACK):
            if answer in states:
                return answer.value
        if self.disputed:
            return Answer.DISPUTED.value
        return (Answer.RELATED_BACK if self.related else Answer.ONE_SIDED).value

    @property
    def types(self) -> list[str]:
        return sorted({c.claim.type for c in self.claims}, key=depth_of, reverse=True)


@dataclass(frozen=True)
class DepthReading:
    """The visible claims on the depth scale: per claim, per directed institution pair, and the
    claims that name no institution (a country, or only words: an unresolved partner)."""

    claims: list[ClaimDepth]
    pairs: dict[tuple[int, int], PairDepth]
    unplaced: list[ClaimDepth]

    @property
    def unresolved(self) -> list[ClaimDepth]:
        """Claims whose partner is only words (no institution, no country): kept, counted and
        shown as one-sided with an unresolved partner, never dropped."""
        return [c for c in self.unplaced if not c.claim.partner_country]


def visible_claim_rows(user: Any) -> list[ClaimRow]:
    """The claims ``user`` may see, as plain rows, in a stable order."""
    rows = CollaborationClaim.objects.visible_to(user).order_by("pk").values_list(*CLAIM_FIELDS)
    return [ClaimRow(*row) for row in rows]


def read_depth(claims: Sequence[ClaimRow], structure: Structure | None = None) -> DepthReading:
    """Judge every claim and gather the institution-to-institution ones into directed pairs."""
    answers = answering_index(claims, structure or institution_structure())
    judged = [judge(claim, answers[claim.pk]) for claim in claims]
    pairs: dict[tuple[int, int], PairDepth] = {}
    unplaced = []
    for reading in judged:
        claim = reading.claim
        if claim.partner_id is None:
            unplaced.append(reading)
            continue
        pair = pairs.setdefault(
            (claim.claimant_id, claim.partner_id), PairDepth(claim.claimant_id, claim.partner_id)
        )
        pair.claims.append(reading)
    for pair in pairs.values():
        pair.summarise()
    return DepthReading(claims=judged, pairs=pairs, unplaced=unplaced)


def depth_for(user: Any) -> DepthReading:
    """The depth reading over what ``user`` may see."""
    return read_depth(visible_claim_rows(user))
