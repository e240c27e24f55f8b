"""Needs assessments: the demand side, people needing training by place, audience and topic."""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from nscap.core.countries import country_constraint, country_field
from nscap.core.models import Record
from nscap.core.partial_dates import precision_constraint, precision_field


class NeedsAssessment(Record):
    """A study of how many people need training, e.g. WINS 2013: 230,000 professionals worldwide.

    Scope is a country (ISO alpha-2) or a named region (``region``; blank with no country means
    worldwide), optionally one target group and topic. The figures are Quantities pointing here.
    """

    visibility_owner_path = "assessor"

    title = models.CharField(_("title"), max_length=300)
    assessor = models.ForeignKey(
        "institutions.Institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="needs_assessments",
    )
    country = country_field()
    region = models.CharField(_("region"), max_length=100, blank=True)
    target_group = models.ForeignKey(
        "vocabularies.TargetGroup",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="needs_assessments",
    )
    topic = models.ForeignKey(
        "vocabularies.Topic",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="needs_assessments",
    )
    published = models.DateField(_("published"), null=True, blank=True)
    published_precision = precision_field()
    method = models.TextField(_("method"), blank=True)
    # The sources it cites (its ``sources`` when written through the product): deleted with it.
    source_citations = GenericRelation("sources.Citation")

    class Meta:
        ordering = ["-published", "title"]
        constraints = [
            precision_constraint("published", "needs_published_precision"),
            country_constraint("country", "needs_country_iso_alpha2"),
        ]

    def __str__(self) -> str:
        return self.title
