"""Multilateral forums (NSSC Network, INSEN, the Asian regional network), members, meetings."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from nscap.core.countries import country_constraint, country_field
from nscap.core.models import Record
from nscap.core.partial_dates import precision_constraint, precision_field


class Network(Record):
    """A forum of institutions, e.g. the IAEA's NSSC Network (2012) or INSEN (2010)."""

    visibility_owner_path = "convener"

    name = models.CharField(_("name"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True)
    convener = models.ForeignKey(
        "institutions.Institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="convened_networks",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="subnetworks"
    )
    established = models.DateField(_("established"), null=True, blank=True)
    established_precision = precision_field()
    meeting_frequency = models.CharField(_("meeting frequency"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [precision_constraint("established", "network_established_precision")]

    def __str__(self) -> str:
        return self.acronym or self.name


class Membership(Record):
    """An institution's membership of a network, from a date where known."""

    visibility_owner_path = "institution"

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.CASCADE, related_name="memberships"
    )
    joined = models.DateField(_("joined"), null=True, blank=True)
    joined_precision = precision_field()
    role = models.CharField(_("role"), max_length=100, blank=True)

    visibility_links = ("network", "institution")

    class Meta:
        ordering = ["network", "institution"]
        constraints = [
            models.UniqueConstraint(fields=["network", "institution"], name="membership_unique"),
            precision_constraint("joined", "membership_joined_precision"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} in {self.network}"


class Meeting(Record):
    """A meeting of a network, dated as precisely as known."""

    visibility_owner_path = "network__convener"

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"), null=True, blank=True)
    date_precision = precision_field()
    city = models.CharField(_("city"), max_length=200, blank=True)
    country = country_field()
    description = models.TextField(_("description"), blank=True)
    attendees = models.ManyToManyField(
        "institutions.Institution", blank=True, related_name="meetings_attended"
    )

    visibility_links = ("network",)

    class Meta:
        ordering = ["network", "date"]
        constraints = [
            precision_constraint("date", "meeting_date_precision"),
            country_constraint("country", "meeting_country_iso_alpha2"),
        ]

    def __str__(self) -> str:
        return self.title
