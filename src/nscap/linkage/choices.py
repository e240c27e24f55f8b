from django.db import models
from django.utils.translation import gettext_lazy as _


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class SuggestionStrength(models.TextChoices):
    """How the engine saw the pair: linked into one event, or only possibly the same."""

    LINKED = "linked", _("Linked by the model")
    POSSIBLE = "possible", _("Possibly the same")
    AMBIGUOUS = "ambiguous", _("Ambiguous date: several events fit")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BulkAction(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    REJECT = "reject", _("Reject")
