"""Linkage runs, the events they found (clusters of reports) and merge suggestions for stewards.

These are derived records: a run reads training events through the visibility filter and writes
only here. Merging itself (``TrainingEvent.same_as``) is a changeset, made when a steward
accepts a suggestion, and undone by reverting that changeset.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from nscap.linkage.choices import RunStatus, SuggestionStatus, SuggestionStrength


class LinkRun(models.Model):
    """One run of record linkage over the training events a steward may see, and its figures."""

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    full = models.BooleanField(_("full relink"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    reports = models.PositiveIntegerField(_("reports"), default=0)
    pairs_scored = models.PositiveIntegerField(_("pairs scored"), default=0)
    clusters = models.PositiveIntegerField(_("events found"), default=0)
    new_suggestions = models.PositiveIntegerField(_("new suggestions"), default=0)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Linkage run {self.pk} ({self.status})"


class LinkCluster(models.Model):
    """One event as linkage sees it: the reports that describe it, under a stable public id.

    The id survives incremental runs: a new report joining the cluster takes it; two clusters
    become one only when a steward accepts a suggestion.
    """

    public_id = models.CharField(_("public id"), max_length=20, unique=True)
    first_run = models.ForeignKey(LinkRun, on_delete=models.SET_NULL, null=True, related_name="+")

    def __str__(self) -> str:
        return self.public_id


class ClusterMember(models.Model):
    """A training-event report's place in a cluster (one cluster per report)."""

    cluster = models.ForeignKey(LinkCluster, on_delete=models.CASCADE, related_name="members")
    event = models.OneToOneField(
        "activities.TrainingEvent", on_delete=models.CASCADE, related_name="link_membership"
    )

    def __str__(self) -> str:
        return f"{self.event_id} in {self.cluster_id}"


class MergeSuggestion(models.Model):
    """Two reports that may describe one event, why (match weight and each comparison's share),
    and the steward's decision. Accepting points ``duplicate.same_as`` at ``kept``."""

    run = models.ForeignKey(LinkRun, on_delete=models.SET_NULL, null=True, related_name="+")
    kept = models.ForeignKey("activities.TrainingEvent", on_delete=models.CASCADE, related_name="+")
    duplicate = models.ForeignKey(
        "activities.TrainingEvent", on_delete=models.CASCADE, related_name="+"
    )
    match_weight = models.FloatField(_("match weight"))
    match_probability = models.FloatField(_("match probability"))
    comparisons = models.JSONField(_("comparisons"), default=dict)
    strength = models.CharField(_("strength"), max_length=10, choices=SuggestionStrength.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.PENDING,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    changeset = models.ForeignKey(
        "contributions.Changeset",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The changeset that applied the merge."),
    )
    undo_changeset = models.ForeignKey(
        "contributions.Changeset",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The changeset that reverted the merge."),
    )

    class Meta:
        ordering = ["-match_weight", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kept", "duplicate"], name="merge_suggestion_unique"),
            models.CheckConstraint(
                condition=~Q(kept=F("duplicate")), name="merge_suggestion_two_reports"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.duplicate_id} same as {self.kept_id}? ({self.status})"
