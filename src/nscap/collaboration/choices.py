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


class Confirmation(models.TextChoices):
    CLAIMED = "claimed", _("Claimed")
    CONFIRMED = "confirmed", _("Confirmed")
    DISPUTED = "disputed", _("Disputed")


class Answer(models.TextChoices):
    """How the other side stands toward one claim, strongest first: one vocabulary for the
    Table 3 marks, the depth reading, the pages and the API (``collaboration.selectors``).
    Only the partner itself confirms, reciprocates or names back; ``related_back`` is a claim
    back from a parent or child of either side, or at country level, and counts for nothing."""

    DISPUTED = "disputed", _("disputed by the partner")
    CONFIRMED = "confirmed", _("confirmed by the partner")
    RECIPROCATED = "reciprocated", _("claimed back, same kind")
    NAMED_BACK = "named_back", _("named back, other kind")
    RELATED_BACK = "related_back", _("named back by a related institution, not the partner")
    ONE_SIDED = "one_sided", _("one-sided")
