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


# --- names held as written (issue 14) ----------------------------------------------------------
# A required institution of a record (a course's provider, a claim's claimant, a milestone's
# institution) may be named by text that no institution answers to yet. The record is kept with
# the foreign key empty and the text in its twin ``<field>_text`` until the reconciliation queue
# decides; while the owner is unknown the record belongs to ``reported_by``
# (``visibility_owner_fallback``), so a restricted row stays with whoever reported it.


def held_as_written(verbose_name: str) -> models.CharField:
    """The text twin of an institution reference: the name as the source wrote it."""
    return models.CharField(
        verbose_name,
        max_length=300,
        blank=True,
        help_text=_(
            "The name as the source wrote it, while no institution is chosen for it "
            "(see the reconciliation queue)."
        ),
    )


def reported_by_field(related_name: str) -> models.ForeignKey:
    """Whose report a record transcribes: its owner while its own institution is unknown."""
    return models.ForeignKey(
        "institutions.Institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
        verbose_name=_("reported by"),
        help_text=_(
            "Whose report this record transcribes; it owns the record while the "
            "institution named in it is not reconciled."
        ),
    )


def named_or_held(field: str, name: str) -> models.CheckConstraint:
    """The record names its institution, or holds the name as written: never neither."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__isnull": False}) | ~models.Q(**{f"{field}_text": ""}),
        name=name,
    )
