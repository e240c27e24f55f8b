"""What every registry record has: a stable key, a sensitivity, a version and a note."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from nscap.core.choices import Sensitivity
from nscap.core.partial_dates import check_precision
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

    # (start, end) pairs of date fields where the end may not come before the start.
    periods: tuple[tuple[str, str], ...] = ()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.key

    def clean(self) -> None:
        """Partial dates agree with their precision; no period ends before it starts."""
        for field in self._meta.concrete_fields:
            if field.name.endswith("_precision"):
                date_field = field.name.removesuffix("_precision")
                check_precision(getattr(self, date_field), getattr(self, field.name), date_field)
        for start_field, end_field in self.periods:
            start, end = getattr(self, start_field), getattr(self, end_field)
            if start and end and end < start:
                raise ValidationError({end_field: _("The end is before the start.")})
