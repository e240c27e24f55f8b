"""Changesets (the one write path), their changes, the history table, confirmation requests."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nscap.contributions.choices import ChangeAction, ChangesetStatus, ConfirmationAnswer


class Changeset(models.Model):
    """A proposed set of changes to registry records, by one author for one institution.

    Every create, update or delete from a form, the API or an import is a changeset. A steward
    approves it (applied whole, in one transaction), rejects it, or asks for more; an
    institution's policy may publish its contributors' changes to its own public records
    directly. ``idempotency_key`` makes a retried API request return the first changeset.
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="changesets"
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="changesets",
    )
    comment = models.TextField(_("comment"), blank=True)
    sources = models.ManyToManyField("sources.Source", blank=True, related_name="changesets")
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ChangesetStatus.choices,
        default=ChangesetStatus.PENDING,
        db_index=True,
    )
    origin = models.CharField(_("origin"), max_length=20, default="web")  # web, api, import
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="changesets_reviewed",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    idempotency_key = models.CharField(max_length=200, blank=True)
    # Every fact should cite a source: a changeset that writes records and cites none is
    # accepted but flagged, and the stewards' queue counts and filters them (issue 14).
    unsourced = models.BooleanField(_("cites no source"), default=False, db_index=True)
    # Citations the changeset makes once applied, each {record_type, record_key, source,
    # locator}: a form's new source cited by the record with where in it (``citing``).
    citations = models.JSONField(_("citations to make"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="changeset_idempotency_unique",
            )
        ]

    def __str__(self) -> str:
        return f"Changeset {self.pk} ({self.status})"


class Change(models.Model):
    """One proposed create, update or delete of one record, based on a known version.

    ``data`` holds the proposed field values (validated by the record type's schema);
    ``base_version`` the version the author saw, so a stale change is refused, not applied.
    """

    changeset = models.ForeignKey(Changeset, on_delete=models.CASCADE, related_name="changes")
    position = models.PositiveIntegerField(default=0)
    action = models.CharField(_("action"), max_length=6, choices=ChangeAction.choices)
    record_type = models.CharField(_("record type"), max_length=40)
    record_key = models.CharField(_("record key"), max_length=120)
    base_version = models.PositiveIntegerField(null=True, blank=True)
    data = models.JSONField(_("proposed values"), default=dict, blank=True)
    before = models.JSONField(_("values before"), default=dict, blank=True)

    class Meta:
        ordering = ["changeset", "position"]

    def __str__(self) -> str:
        return f"{self.action} {self.record_type} {self.record_key}"


class HistoryEntry(models.Model):
    """The one table of changes: who did what to which record, when, from which sources.

    ``action`` is a dotted name such as ``activities.training_event.create``. Written only by
    the contribution services; a record's history is its entries; a revert is a new changeset.
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80)
    content_type = models.ForeignKey(ContentType, null=True, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(null=True)
    record_type = models.CharField(max_length=40, blank=True)
    record_key = models.CharField(max_length=120, blank=True, db_index=True)
    changeset = models.ForeignKey(
        Changeset, null=True, blank=True, on_delete=models.PROTECT, related_name="history"
    )
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name_plural = _("history entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.record_key}"


class ConfirmationRequest(models.Model):
    """A collaboration claim about a partner, put to the partner: confirm, dispute or ignore."""

    claim = models.OneToOneField(
        "collaboration.CollaborationClaim",
        on_delete=models.CASCADE,
        related_name="confirmation_request",
    )
    partner = models.ForeignKey(
        "institutions.Institution", on_delete=models.CASCADE, related_name="confirmation_requests"
    )
    answer = models.CharField(
        _("answer"),
        max_length=10,
        choices=ConfirmationAnswer.choices,
        default=ConfirmationAnswer.PENDING,
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    def __str__(self) -> str:
        return f"Confirmation of {self.claim} by {self.partner}"
