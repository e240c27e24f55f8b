from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    APPROVED = "changeset_approved", _("Your changeset was approved")
    REJECTED = "changeset_rejected", _("Your changeset was rejected")
    QUESTIONED = "changeset_questioned", _("A steward asked for more")
    ANSWERED = "changeset_answered", _("An author answered your question")
    CONFIRMATION_REQUESTED = "confirmation_requested", _("A claim about your institution")
    CLAIM_DISPUTED = "claim_disputed", _("A claim of your institution was disputed")
    RECONCILIATION_NEEDED = "reconciliation_needed", _("Names waiting for reconciliation")
