from django.db import models
from django.utils.translation import gettext_lazy as _


class AffiliationRole(models.TextChoices):
    CONTRIBUTOR = "contributor", _("Contributor")
    ADMIN = "admin", _("Institution admin")


class TokenScope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")
