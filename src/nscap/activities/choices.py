from django.db import models
from django.utils.translation import gettext_lazy as _


class CourseKind(models.TextChoices):
    EDUCATION = "education", _("Education")
    TRAINING = "training", _("Training")
    EXERCISE = "exercise", _("Exercise")
    TECHNICAL_SERVICE = "technical_service", _("Technical service")
    AWARENESS = "awareness", _("Awareness")


class CourseLevel(models.TextChoices):
    BASIC = "basic", _("Basic")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")
    UNSPECIFIED = "unspecified", _("Unspecified")


class DeliveryMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")
    UNKNOWN = "unknown", _("Unknown")


class PartnerRole(models.TextChoices):
    CO_ORGANISER = "co_organiser", _("Co-organiser")
    FUNDER = "funder", _("Funder")
    TRAINER_PROVIDER = "trainer_provider", _("Trainer provider")
    SUPPORTER = "supporter", _("Supporter")
    ENDORSER = "endorser", _("Endorser")
    # A report names the partner but not what it did (issue 14): kept, not dropped.
    UNSPECIFIED = "unspecified", _("Role not stated")
