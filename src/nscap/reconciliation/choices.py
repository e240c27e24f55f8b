from django.db import models
from django.utils.translation import gettext_lazy as _


class Decision(models.TextChoices):
    PICK = "pick", _("This institution")
    NEW = "new", _("A new institution")
    NOT_INSTITUTION = "not_institution", _("Not an institution")


class MentionState(models.TextChoices):
    """A mention's state, read from its decision's changeset (never stored twice)."""

    PENDING = "pending", _("Unreconciled")
    PROPOSED = "proposed", _("Decision waits for review")
    DECIDED = "decided", _("Reconciled")
