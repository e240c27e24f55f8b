"""Controlled vocabularies: topics (mapped to IAEA Nuclear Security Series) and target groups."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from nscap.core.models import Record


class Topic(Record):
    """A subject of training, e.g. physical protection (NSS 13) or security culture (NSS 7).

    ``nss_references`` names the IAEA Nuclear Security Series publications that set the guidance,
    so curricula from different centers can be compared; ``aliases`` are other words for it in
    any language, used to infer topics from course titles.
    """

    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    nss_references = models.JSONField(_("IAEA NSS references"), default=list, blank=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TargetGroup(Record):
    """Who a course is for: regulators, operators, police, customs, front-line officers, ..."""

    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
