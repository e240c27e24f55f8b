from django.db import models
from django.utils.translation import gettext_lazy as _


class QuantityStatus(models.TextChoices):
    ACTUAL = "actual", _("Actual")
    PLANNED = "planned", _("Planned")
    ESTIMATED = "estimated", _("Estimated")
