"""Quantities: every number a source gives, with its qualifier, unit and period."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from nscap.core.choices import Qualifier
from nscap.core.countries import country_constraint, country_field
from nscap.core.models import Record
from nscap.core.partial_dates import precision_constraint, precision_field
from nscap.quantities.choices import QuantityStatus


class Quantity(Record):
    """A sourced number: "more than 1,500 experts", "approximately 16,000 professionals".

    ``measure`` says what is counted (a short code such as ``people_trained``); ``unit`` the
    thing counted. It may be about an institution, a network, a country or region, an aggregate
    claim or a needs assessment; it holds for a period (``period_start``/``period_end``) or at a
    date (``as_of``). ``status`` tells a plan or estimate from a reported fact.
    """

    visibility_owner_path = "institution"

    measure = models.CharField(_("measure"), max_length=60, db_index=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    value = models.DecimalField(
        _("value"), max_digits=18, decimal_places=4, validators=[MinValueValidator(0)]
    )
    qualifier = models.CharField(
        _("qualifier"), max_length=15, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    unit = models.CharField(_("unit"), max_length=60)
    status = models.CharField(
        _("status"), max_length=10, choices=QuantityStatus.choices, default=QuantityStatus.ACTUAL
    )
    quote = models.TextField(_("quote"), blank=True)
    institution = models.ForeignKey(
        "institutions.Institution",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quantities",
    )
    network = models.ForeignKey(
        "networks.Network",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quantities",
    )
    aggregate_claim = models.ForeignKey(
        "activities.AggregateClaim",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quantities",
    )
    needs_assessment = models.ForeignKey(
        "needs.NeedsAssessment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quantities",
    )
    # The cell of a demand figure (issue 14): one needs assessment gives many figures, by
    # country x target group x topic x year; blank means the assessment's own (or any).
    target_group = models.ForeignKey(
        "vocabularies.TargetGroup",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quantities",
    )
    topic = models.ForeignKey(
        "vocabularies.Topic",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quantities",
    )
    country = country_field()
    region = models.CharField(_("region"), max_length=100, blank=True)
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_start_precision = precision_field()
    period_end = models.DateField(_("period end"), null=True, blank=True)
    period_end_precision = precision_field()
    as_of = models.DateField(_("as of"), null=True, blank=True)
    as_of_precision = precision_field()

    periods = (("period_start", "period_end"),)

    visibility_links = ("institution", "network", "aggregate_claim", "needs_assessment")

    class Meta:
        ordering = ["measure", "key"]
        verbose_name_plural = _("quantities")
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="quantity_not_negative"),
            precision_constraint("period_start", "quantity_period_start_precision"),
            precision_constraint("period_end", "quantity_period_end_precision"),
            precision_constraint("as_of", "quantity_as_of_precision"),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="quantity_end_not_before_start",
            ),
            country_constraint("country", "quantity_country_iso_alpha2"),
        ]

    def __str__(self) -> str:
        return f"{self.get_qualifier_display()} {self.value:g} {self.unit}"
