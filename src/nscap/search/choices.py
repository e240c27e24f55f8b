from django.db import models
from django.utils.translation import gettext_lazy as _


class ResultType(models.TextChoices):
    """What a search hit is; the order here is the order of the groups on the results page."""

    INSTITUTION = "institution", _("Institutions")
    COURSE = "course", _("Courses")
    EVENT = "event", _("Training events")
    NETWORK = "network", _("Networks")
    SOURCE = "source", _("Sources")
