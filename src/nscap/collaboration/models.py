"""Collaboration claims: one side says it works with another (Table 3)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from nscap.collaboration.choices import CollaborationStatus, CollaborationType, Confirmation
from nscap.core.countries import country_constraint, country_field
from nscap.core.models import Record
from nscap.core.partial_dates import precision_constraint, precision_field


class CollaborationClaim(Record):
    """A claim, in one direction, that ``claimant`` collaborates with a partner.

    The partner is an institution where the source names one, else a country
    (``partner_country``) or only words (``partner_text``: "many other Asian countries").
    A claim is ``confirmed`` only when the partner confirms it; the claim in the other direction
    is a separate record, so a claim one side makes and the other does not stays visible.
    """

    visibility_owner_path = "claimant"

    claimant = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="claims_made"
    )
    partner = models.ForeignKey(
        "institutions.Institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims_received",
    )
    partner_country = country_field(_("partner country"))
    partner_text = models.CharField(_("partner (source text)"), max_length=300, blank=True)
    type = models.CharField(_("type"), max_length=30, choices=CollaborationType.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CollaborationStatus.choices,
        default=CollaborationStatus.UNKNOWN,
    )
    confirmation = models.CharField(
        _("confirmation"),
        max_length=10,
        choices=Confirmation.choices,
        default=Confirmation.CLAIMED,
    )
    network = models.ForeignKey(
        "networks.Network",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="collaboration_claims",
    )
    description = models.TextField(_("description"), blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    start_precision = precision_field()
    end = models.DateField(_("end"), null=True, blank=True)
    end_precision = precision_field()

    periods = (("start", "end"),)

    visibility_links = ("claimant", "partner")

    class Meta:
        ordering = ["claimant", "partner", "type"]
        constraints = [
            models.CheckConstraint(
                condition=Q(partner__isnull=True) | ~Q(partner=F("claimant")),
                name="claim_partner_not_claimant",
            ),
            models.CheckConstraint(
                condition=Q(partner__isnull=False) | ~Q(partner_country="") | ~Q(partner_text=""),
                name="claim_names_a_partner",
            ),
            precision_constraint("start", "claim_start_precision"),
            precision_constraint("end", "claim_end_precision"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=F("start")),
                name="claim_end_not_before_start",
            ),
            country_constraint("partner_country", "claim_partner_country_iso_alpha2"),
        ]

    def __str__(self) -> str:
        from nscap.core.templatetags.nscap_ui import country_name

        partner = self.partner or country_name(self.partner_country) or self.partner_text
        return f"{self.claimant} → {partner}: {self.get_type_display()}"

    def clean(self) -> None:
        super().clean()
        if not (self.partner_id or self.partner_country or self.partner_text):
            raise ValidationError(
                {"partner": _("Name the partner: an institution, a country or in words.")}
            )
        if self.partner_id and self.partner_id == self.claimant_id:
            raise ValidationError({"partner": _("An institution cannot claim itself.")})
