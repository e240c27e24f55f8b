from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangesetStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    NEEDS_MORE = "needs_more", _("More asked of the author")
    APPLIED = "applied", _("Approved and published")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")


class ConfirmationAnswer(models.TextChoices):
    PENDING = "pending", _("No answer yet")
    CONFIRMED = "confirmed", _("Confirmed")
    DISPUTED = "disputed", _("Disputed")
