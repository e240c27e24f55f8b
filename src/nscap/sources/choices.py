from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    POLICY_BRIEF = "policy_brief", _("Policy brief")
    REPORT = "report", _("Report")
    WEBSITE = "website", _("Web site")
    STATEMENT = "statement", _("Statement")
    SUBMISSION = "submission", _("Submission by an institution")
    OTHER = "other", _("Other")
