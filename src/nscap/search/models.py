"""The search index: one row per searchable record, its words folded for matching.

An entry is a *copy* for finding, never for showing or counting on its own: every read joins it
back to its record through ``Model.objects.visible_to(user)`` (``search.selectors``), so a
hidden record never appears as a hit, a count, a facet or a suggestion. ``search.services``
writes entries when the changeset services apply a change, and rebuilds them after bulk loads.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from nscap.search.choices import ResultType


class SearchEntry(models.Model):
    """One searchable record (an institution, course, event, source or network).

    ``names`` holds the record's folded names between ``|`` marks (``|international nuclear
    security academy|insa|…|``) so a ranking can tell "is a name", "starts a name" and "in a
    name" apart; ``text`` is every folded word of the record, which the matching reads (SQLite:
    the FTS5 trigram table ``search_entry_fts``; PostgreSQL: a ``pg_trgm`` GIN index).
    ``country``, ``kind``, ``year`` and ``topics`` are the facets.
    """

    record_type = models.CharField(_("type"), max_length=12, choices=ResultType.choices)
    object_id = models.PositiveBigIntegerField(_("record id"))
    key = models.CharField(_("key"), max_length=120)
    title = models.CharField(_("title"), max_length=500)
    names = models.TextField(_("folded names"))
    text = models.TextField(_("folded text"))
    country = models.CharField(_("country"), max_length=2, blank=True)
    kind = models.CharField(_("kind"), max_length=30, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    topics = models.ManyToManyField("vocabularies.Topic", blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record_type", "key"], name="search_entry_unique_key")
        ]
        indexes = [models.Index(fields=["record_type", "object_id"], name="search_entry_record")]

    def __str__(self) -> str:
        return f"{self.record_type}: {self.title}"
