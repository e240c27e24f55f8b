"""What every registry record has: a stable key, a sensitivity, a version and a note."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from nscap.core.choices import Sensitivity
from nscap.core.visibility import RecordManager


class Record(models.Model):
    """Abstract base of every registry record.

    ``key`` is the stable public id (used in URLs and the API); ``version`` grows with every
    applied change so that a write based on an old version can be refused; ``note`` says what a
    source leaves ambiguous.
    """

    key = models.SlugField(_("key"), max_length=120, unique=True)
    sensitivity = models.CharField(
        _("sensitivity"), max_length=10, choices=Sensitivity.choices, default=Sensitivity.PUBLIC
    )
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RecordManager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.key
