"""Confirmation of collaboration: the partner side confirms or disputes a claim about it.

Who may call it: members (contributors or admins) of the claim's partner institution, for a
claim they may see. The claim's ``confirmation`` becomes ``confirmed`` or ``disputed``, the
claim's version grows (an edit based on the old version is then stale), the
``ConfirmationRequest`` records the answer, and one history entry
(``collaboration.claim.confirm`` / ``collaboration.claim.dispute``) keeps who, when and why.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from nscap.accounts.selectors import institution_ids_of
from nscap.analytics.cache import bump_data_version
from nscap.collaboration.choices import Confirmation
from nscap.collaboration.models import CollaborationClaim
from nscap.contributions.choices import ConfirmationAnswer
from nscap.contributions.errors import Invalid, NotAllowed, NotFound
from nscap.contributions.models import ConfirmationRequest, HistoryEntry
from nscap.notifications import services as notifications

ANSWERS = {
    ConfirmationAnswer.CONFIRMED: (Confirmation.CONFIRMED, "confirm"),
    ConfirmationAnswer.DISPUTED: (Confirmation.DISPUTED, "dispute"),
}


def claims_about_my_institutions(user: Any) -> QuerySet[CollaborationClaim]:
    """Claims the user may see whose partner is one of the user's institutions.

    Ordered by what does not change when the partner answers (claimant, type, key), so a card
    does not jump after a dispute (issue 16, finding 6)."""
    return (
        CollaborationClaim.objects.visible_to(user)
        .filter(partner_id__in=institution_ids_of(user))
        .select_related("claimant", "partner", "confirmation_request__answered_by")
        .order_by("claimant__name", "type", "key")
    )


def claims_waiting_for_answer(user: Any) -> QuerySet[CollaborationClaim]:
    """The claims about the user's institutions that the partner has not answered yet: the
    one count the contribute page shows (answered ones are listed apart, not counted)."""
    return claims_about_my_institutions(user).filter(confirmation=Confirmation.CLAIMED)


def answer_claim(user: Any, claim_key: str, answer: str, comment: str = "") -> CollaborationClaim:
    """Confirm or dispute the claim ``claim_key`` on behalf of its partner institution.

    Raises NotFound (no such claim the user may see), NotAllowed (not a member of the partner)
    or Invalid (unknown answer; a dispute without a comment). Answering again replaces the
    answer, with a new history entry.
    """
    if answer not in ANSWERS:
        raise Invalid(
            [{"change": None, "field": "answer", "message": _("answer confirmed or disputed")}]
        )
    if answer == ConfirmationAnswer.DISPUTED and not comment.strip():
        raise Invalid(
            [
                {
                    "change": None,
                    "field": "comment",
                    "message": _("say what is wrong with the claim"),
                }
            ]
        )
    with transaction.atomic():
        claim = (
            CollaborationClaim.objects.visible_to(user)
            .select_for_update(of=("self",))  # visibility adds outer joins; lock the claim
            .filter(key=claim_key)
            .first()
        )
        if claim is None:
            raise NotFound(_("no collaboration claim with key %(key)r") % {"key": claim_key})
        if claim.partner_id is None or claim.partner_id not in institution_ids_of(user):
            raise NotAllowed(_("Only members of the partner institution answer this claim."))
        confirmation, verb = ANSWERS[answer]
        before = {"confirmation": claim.confirmation}
        claim.confirmation = confirmation
        claim.version += 1
        claim.save(update_fields=["confirmation", "version"])
        bump_data_version()  # the collaboration picture reads confirmations
        request, _created = ConfirmationRequest.objects.get_or_create(
            claim=claim, defaults={"partner_id": claim.partner_id}
        )
        request.answer = answer
        request.comment = comment
        request.answered_at = timezone.now()
        request.answered_by = user
        request.save()
        HistoryEntry.objects.create(
            actor=user,
            action=f"collaboration.claim.{verb}",
            content_type=ContentType.objects.get_for_model(CollaborationClaim),
            object_id=claim.pk,
            record_type="collaboration_claim",
            record_key=claim.key,
            before=before,
            after={"confirmation": confirmation},
            message=comment,
        )
        if answer == ConfirmationAnswer.DISPUTED:
            notifications.claim_disputed(claim, user, comment)
    return claim
