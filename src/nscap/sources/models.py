"""Sources and citations: every published fact points at the document that states it."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from nscap.core.choices import DatePrecision
from nscap.core.models import Record, held_as_written, reported_by_field
from nscap.core.partial_dates import precision_constraint, precision_field
from nscap.core.visibility import is_steward, visibility_q
from nscap.sources.choices import SourceKind


class Source(Record):
    """A document: a policy brief, a report, a web page, a center's own submission."""

    visibility_owner_path = "owner"
    # A submitter named by text no institution answers to yet (issue 14) is held as written in
    # ``owner_text``; the source then belongs to whoever reported it.
    visibility_owner_fallback = "reported_by"

    title = models.CharField(_("title"), max_length=500)
    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices)
    authors = models.CharField(_("authors"), max_length=500, blank=True)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    published = models.DateField(_("published"), null=True, blank=True)
    published_precision = precision_field()
    url = models.URLField(_("URL"), blank=True)
    language = models.CharField(_("language"), max_length=35, default="en")
    owner = models.ForeignKey(
        "institutions.Institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sources",
        verbose_name=_("submitted by"),
        help_text=_(
            "The institution that submitted a non-public source; blank for published ones."
        ),
    )
    owner_text = held_as_written(_("submitted by (as written, unreconciled)"))
    reported_by = reported_by_field("reported_sources")

    class Meta:
        ordering = ["title"]
        constraints = [precision_constraint("published", "source_published_precision")]

    def __str__(self) -> str:
        return self.title


class CitationQuerySet(models.QuerySet):
    def visible_to(self, user) -> CitationQuerySet:
        """Citations of a visible source by a visible record (of any type)."""
        if is_steward(user):
            return self
        condition = Q(pk__in=[])
        for content_type_id in set(
            self.order_by().values_list("content_type_id", flat=True).distinct()
        ):
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            manager = getattr(model, "objects", None) if model else None
            if manager is None or not hasattr(manager, "visible_to"):
                continue  # a record type with no visibility rule is never shown
            # EXISTS probes each citation's record by primary key; ``IN (SELECT …)`` listed
            # every visible record first (19 s for /api/citations at a million events).
            condition |= Q(
                Exists(manager.visible_to(user).filter(pk=OuterRef("object_id"))),
                content_type_id=content_type_id,
            )
        return self.filter(condition, visibility_q(Source, user, "source__"))


class Citation(models.Model):
    """One record (optionally one of its fields) cites a source at a locator.

    ``footnote`` keeps the source's own note number (the brief's footnotes); ``locator`` is free
    text for anything else (a page, a table cell); ``quote`` is the short passage relied on.
    """

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    field = models.CharField(_("field"), max_length=100, blank=True)
    footnote = models.PositiveIntegerField(_("footnote"), null=True, blank=True)
    locator = models.CharField(_("locator"), max_length=200, blank=True)
    quote = models.TextField(_("quote"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CitationQuerySet.as_manager()

    class Meta:
        ordering = ["source", "footnote", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "content_type", "object_id", "field", "locator"],
                name="citation_unique_per_locator",
            ),
        ]

    def __str__(self) -> str:
        where = f" fn {self.footnote}" if self.footnote else ""
        return f"{self.source}{where}"


__all__ = ["Citation", "DatePrecision", "Source"]
