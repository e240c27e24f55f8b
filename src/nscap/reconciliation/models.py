"""Names the crowd wrote that no institution answers to yet, and what a steward decided.

A ``NameMention`` is one institution name in one field of one record, kept as written with the
candidates resolution found when the row came in. Its record holds the text too (an event's
``host_text``, a claim's ``partner_text``), so the record is complete and visible as
*unreconciled* without this table; the mention adds the candidates, the context the name was
written in, and the decision. Mentions name their record by type and key (the record may still
wait in a pending import changeset) and are seen with it (``selectors.visible_mentions``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nscap.reconciliation.choices import Decision


class NameMention(models.Model):
    """One unreconciled institution name: record, field, text as written, context, candidates.

    The *context* is what a decision is scoped to: the row's location country and the key of the
    institution that reported it ("NSSC" in rows located in MY reported by X). ``candidates`` is
    every institution resolution found, ranked, as
    ``{"key", "name", "country", "city", "kind", "score", "matched", "why"}``, computed for the
    importer: shown to anyone else only after filtering by what they may see.

    State: pending while ``changeset`` is empty (or was rejected or withdrawn), proposed while it
    waits for review, decided once applied. A "not an institution" decision changes no record and
    has no changeset; ``decided_at`` marks it.
    """

    record_type = models.CharField(_("record type"), max_length=40)
    record_key = models.CharField(_("record key"), max_length=120)
    field = models.CharField(_("field"), max_length=40)  # host, partner, partners
    role = models.CharField(_("partner role"), max_length=20, blank=True)  # event partners
    text = models.CharField(_("text as written"), max_length=300)
    normalized = models.CharField(_("normalized"), max_length=300)
    context_country = models.CharField(_("context: country"), max_length=2, blank=True)
    context_reporter = models.CharField(_("context: reported by"), max_length=120, blank=True)
    # The institution on whose behalf the row came in (its reporter, else the importer's own):
    # its members reconcile it.
    owner = models.ForeignKey(
        "institutions.Institution",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    candidates = models.JSONField(_("candidates"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    institution_key = models.CharField(_("decided institution"), max_length=120, blank=True)
    changeset = models.ForeignKey(
        "contributions.Changeset",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reconciled_mentions",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["normalized", "context_country", "context_reporter", "record_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "record_key", "field", "normalized", "role"],
                name="mention_unique_per_record_field",
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decided_at__isnull=False),
                name="mention_decision_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["normalized", "context_country", "context_reporter"]),
            models.Index(fields=["record_type", "record_key"]),
        ]

    def __str__(self) -> str:
        return f"{self.text} ({self.record_type} {self.record_key}.{self.field})"
