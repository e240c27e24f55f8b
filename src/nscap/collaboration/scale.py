"""The depth scale and the one rule for the depth each side of a claim states (issue 15).

A claim's *depth* is a rung on a five-step scale set by its type (``DEPTH_BY_TYPE``). Each side
of a claim states a depth: the claimant states the claim's own depth; the partner itself states
the claim's depth when it confirms it, else the deepest realised, undisputed claim it makes back
about the claimant itself (0 when it makes none, or disputes the claim). The claim's *confirmed
depth* is the lesser of the two: no claim is confirmed deeper than the other side states it.
Vietnam's MOUs (depth 5) answered by nobody on JAEA's or KINAC's side confirm 0; ISCN's
personnel exchange with INSA (depth 3), named back by INSA only in the Asian network (depth 1),
confirms 1.

The Table 3 reading (``selectors.ClaimReading``) and the depth reading (``depth.judge``) both
call ``sides``, so the claim's page, the institution page, the depth page and the API agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.utils.translation import gettext_lazy as _

from nscap.collaboration.choices import Answer, CollaborationStatus, CollaborationType, Confirmation

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


class StatedClaim(Protocol):
    """What the rule needs of a claim back: its type, status and the partner's confirmation."""

    type: str
    status: str
    confirmation: str


def depth_of(claim_type: str) -> int:
    """The rung of ``claim_type`` on the depth scale (every type has one)."""
    return DEPTH_BY_TYPE[claim_type]


def is_realised(claim: StatedClaim) -> bool:
    """A claim that is not merely planned."""
    return claim.status != CollaborationStatus.PLANNED


@dataclass(frozen=True)
class Sides:
    """The depth each side of one claim states, and the confirmed depth (the lesser)."""

    claimed: int  # the claimant's: the claim's own depth
    stated_back: int  # the partner's own claims back: the deepest realised, undisputed one
    partner: int  # the partner's: the claim's depth if it confirmed it, else ``stated_back``
    confirmed: int  # min(claimed, partner)


def stated_back(partner_back: Iterable[StatedClaim]) -> int:
    """The deepest realised, undisputed claim the partner itself makes back (0 if none)."""
    return max(
        (
            depth_of(back.type)
            for back in partner_back
            if is_realised(back) and back.confirmation != Confirmation.DISPUTED
        ),
        default=0,
    )


def sides(claim_type: str, answer: str, partner_back: Iterable[StatedClaim]) -> Sides:
    """Apply the rule of this module to one claim, given the other side's ``answer``
    (``selectors.answer_of``) and the partner's own claims back."""
    claimed = depth_of(claim_type)
    back = stated_back(partner_back)
    if answer == Answer.DISPUTED:
        partner = 0
    elif answer == Answer.CONFIRMED:
        partner = max(claimed, back)
    elif answer in (Answer.RECIPROCATED, Answer.NAMED_BACK):
        partner = back
    else:  # related back or one-sided: the partner itself states nothing
        partner = 0
    return Sides(claimed, back, partner, min(claimed, partner))
