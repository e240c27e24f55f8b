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
3. Evidence, first that applies: ``disputed`` (the partner disputed it: confirmed depth 0);
   ``confirmed`` (the partner confirmed it: the full depth); ``reciprocated`` (the partner
   itself claims the same type back about the claimant itself: the full depth); ``named_back``
   (the partner itself names the claimant, but for another kind: the lesser of the two
   depths); ``related_back`` (only a parent or child of either side, or a claim at country
   level, names back: 0, shown apart, never counted as confirmed); ``one_sided`` (nobody
   answers: 0). The rule and its reason are in ``selectors`` (``Answer``, ``answering_index``).

Everything is read from claims the viewer may see (``visible_to``): a restricted claim never
raises or lowers anybody's figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from nscap.collaboration.choices import (
    Answer,
    CollaborationStatus,
    CollaborationType,
    Confirmation,
)
from nscap.collaboration.models import CollaborationClaim
from nscap.collaboration.selectors import (
    BACKED,
    Answers,
    Structure,
    answer_of,
    answering_index,
    institution_structure,
)

DEPTH_BY_TYPE: dict[str, int] = {
    CollaborationType.NETWORK_MEMBERSHIP: 1,
    CollaborationType.TRAINING_PARTICIPATION: 1,
    CollaborationType.UNSPECIFIED: 1,
    CollaborationType.SEMINAR: 2,
    CollaborationType.MATERIALS_EXCHANGE: 2,
    CollaborationType.PERSONNEL_EXCHANGE: 3,
    CollaborationType.JOINT_TRIAL: 4,
    CollaborationType.JOINT_DELIVERY: 4,
    CollaborationType.MOU: 5,
}

DEPTH_LABELS = {
    1: _("1 contact: common network, attending a course"),
    2: _("2 exchange: seminar, training materials"),
    3: _("3 people: personnel exchange"),
    4: _("4 joint work: joint trial or delivery"),
    5: _("5 agreement: joint programme under an MOU"),
}


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


def depth_of(claim_type: str) -> int:
    """The rung of ``claim_type`` on the depth scale (every type has one)."""
    return DEPTH_BY_TYPE[claim_type]


def is_realised(claim: ClaimRow) -> bool:
    """A claim that is not merely planned."""
    return claim.status != CollaborationStatus.PLANNED


@dataclass(frozen=True)
class ClaimDepth:
    """One claim on the depth scale: its depth, the evidence for it, how deep the partner backs it.

    ``stated_back`` is the deepest realised, undisputed claim the partner itself makes back;
    ``answered_by`` are the partner's claims back, ``related_by`` those of related institutions
    or at country level (shown, never counted).
    """

    claim: ClaimRow
    depth: int
    planned: bool
    evidence: str
    confirmed_depth: int
    stated_back: int
    answered_by: tuple[str, ...] = ()
    related_by: tuple[str, ...] = ()


def judge(claim: ClaimRow, answers: Answers) -> ClaimDepth:
    """Apply the rules of this module to one claim and the claims made back to it (the
    partner's own and the related ones, as ``answering_index`` splits them)."""
    depth = depth_of(claim.type)
    backing = [
        back
        for back in answers.partner
        if is_realised(back) and back.confirmation != Confirmation.DISPUTED
    ]
    stated_back = max((depth_of(back.type) for back in backing), default=0)
    evidence = answer_of(claim, answers.partner, bool(answers.related))
    confirmed = {
        Answer.CONFIRMED: depth,
        Answer.RECIPROCATED: depth,
        Answer.NAMED_BACK: min(depth, stated_back),
    }.get(evidence, 0)
    return ClaimDepth(
        claim=claim,
        depth=depth,
        planned=not is_realised(claim),
        evidence=evidence.value,
        confirmed_depth=confirmed,
        stated_back=stated_back,
        answered_by=tuple(back.key for back in answers.partner),
        related_by=tuple(back.key for back in answers.related),
    )


@dataclass
class PairDepth:
    """Everything ``source`` claims about institution ``target``: a typed, directed edge.

    ``claimed`` and ``confirmed`` are over realised claims (0 when there are none);
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
                self.linked = self.linked or c.evidence != Evidence.DISPUTED
            self.stated_back = max(self.stated_back, c.stated_back)
            self.answered = self.answered or c.evidence in BACKED
            self.related = self.related or c.evidence == Evidence.RELATED_BACK
            self.disputed = self.disputed or c.evidence == Evidence.DISPUTED
        self.related = self.related and not self.answered

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
