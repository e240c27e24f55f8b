from django.db import models
from django.utils.translation import gettext_lazy as _


class CollaborationType(models.TextChoices):
    NETWORK_MEMBERSHIP = "network_membership", _("Common network membership")
    TRAINING_PARTICIPATION = "training_participation", _("Participation in training")
    MATERIALS_EXCHANGE = "materials_exchange", _("Exchange of training materials")
    PERSONNEL_EXCHANGE = "personnel_exchange", _("Personnel exchange")
    SEMINAR = "seminar", _("Seminar")
    MOU = "mou", _("Memorandum of understanding")
    JOINT_TRIAL = "joint_trial", _("Joint trial")
    JOINT_DELIVERY = "joint_delivery", _("Joint delivery")
    UNSPECIFIED = "unspecified", _("Unspecified")


class CollaborationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    DONE = "done", _("Done")
    UNKNOWN = "unknown", _("Unknown")


class Answer(models.TextChoices):
    """A claim's state: how the other side stands toward it, strongest first. The one
    vocabulary of claim states for the Table 3 marks, the institution pages, the depth reading,
    the API (``answer``, ``evidence``), the export and the docs (``collaboration.selectors``).

    Grouped as the pages say it: *confirmed* (by the partner), *disputed* (by the partner),
    *two-sided* (the partner itself claims back: same kind, or another) and *one-sided* (the
    partner itself says nothing; ``related_back`` when only a parent or child of either side,
    or a country-level claim, names back, which counts for nothing). Every claim is *claimed*
    by one side: ``Confirmation.CLAIMED`` is what the partner said until it answers.
    """

    DISPUTED = "disputed", _("disputed by the partner")
    CONFIRMED = "confirmed", _("confirmed by the partner")
    RECIPROCATED = "reciprocated", _("two-sided: claimed back, same kind")
    NAMED_BACK = "named_back", _("two-sided: named back, other kind")
    RELATED_BACK = "related_back", _("one-sided: named back only by a related institution")
    ONE_SIDED = "one_sided", _("one-sided")


class Confirmation(models.TextChoices):
    """What the partner itself said of a claim (stored; the confirmation workflow sets it).
    ``confirmed`` and ``disputed`` read as the claim states of the same name (``Answer``)."""

    CLAIMED = "claimed", _("claimed, not answered by the partner")
    CONFIRMED = "confirmed", Answer.CONFIRMED.label
    DISPUTED = "disputed", Answer.DISPUTED.label


# The states a claim's partner itself answers: a pair with one of them is two-sided.
TWO_SIDED = frozenset({Answer.CONFIRMED, Answer.RECIPROCATED, Answer.NAMED_BACK})


def state_label(code: str) -> str:
    """The reader's words for a claim state (``Answer``) or a stored confirmation: the one
    label function of pages, charts, CSV, the CLI and the export's readable columns."""
    if code in Answer.values:
        return str(Answer(code).label)
    return str(Confirmation(code).label)


STATE_MEANINGS = {
    Answer.CONFIRMED: _("The partner confirmed the claim."),
    Answer.RECIPROCATED: _(
        "The partner itself makes the same kind of claim back about the claimant itself."
    ),
    Answer.NAMED_BACK: _(
        "The partner itself names the claimant too, but for another kind of collaboration: "
        "confirmed only as deep as the partner states it."
    ),
    Answer.DISPUTED: _("The partner disputed the claim: nothing of it is confirmed."),
    Answer.RELATED_BACK: _(
        "Only a parent or a part of the partner or of the claimant, or a claim that names only "
        "a country, answers: not counted as two-sided or confirmed."
    ),
    Answer.ONE_SIDED: _("Only the claimant says so; the partner itself says nothing back."),
}


def state_legend() -> list[tuple[str, str, str]]:
    """Every claim state as the legends print it: (tone, label, meaning), strongest first."""
    return [
        (state_tone(code), str(label), str(STATE_MEANINGS[code])) for code, label in Answer.choices
    ]


def state_tone(code: str) -> str:
    """The CSS tag class of a claim state (``tag-<tone>``): backed, answered for another kind,
    related only, or not backed."""
    if code in (Answer.CONFIRMED, Answer.RECIPROCATED):
        return "two-sided"
    if code == Answer.NAMED_BACK:
        return "named-back"
    if code == Answer.RELATED_BACK:
        return "related-back"
    return "one-sided"
