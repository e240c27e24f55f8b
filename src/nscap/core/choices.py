from django.db import models
from django.utils.translation import gettext_lazy as _


class Sensitivity(models.TextChoices):
    """Who may see a record: everyone, signed-in members of the owner's networks, or only the
    owning institution and the stewards."""

    PUBLIC = "public", _("Public")
    NETWORK = "network", _("Network members")
    RESTRICTED = "restricted", _("Restricted")


class DatePrecision(models.TextChoices):
    YEAR = "year", _("Year")
    MONTH = "month", _("Month")
    DAY = "day", _("Day")


class Qualifier(models.TextChoices):
    """How exact a quoted number is, in the words the sources use."""

    EXACT = "exact", _("exactly")
    APPROXIMATELY = "approximately", _("approximately")
    AT_LEAST = "at_least", _("at least")
    MORE_THAN = "more_than", _("more than")
    ALMOST = "almost", _("almost")
    JUST_OVER = "just_over", _("just over")
    OVER = "over", _("over")
    AT_MOST = "at_most", _("at most")
