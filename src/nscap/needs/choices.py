from django.db import models
from django.utils.translation import gettext_lazy as _


class DemandMeasure(models.TextChoices):
    """What a demand figure counts, most specific first (``analytics.gaps.DEMAND_MEASURES``):
    one per assessment, cell and year is used, so two counts of one study are not added up."""

    PEOPLE_NEEDING_TRAINING = "people_needing_training", _("People needing training")
    OFFSITE_TRAINING_DEMAND = "offsite_training_demand", _("People needing offsite training")
    PROFESSIONALS_WITH_SECURITY_RESPONSIBILITY = (
        "professionals_with_security_responsibility",
        _("Professionals with nuclear security responsibility"),
    )
