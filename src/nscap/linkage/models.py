"""Linkage runs, the events they found (clusters of reports) and merge suggestions for stewards.

These are derived records: a run reads training events through the visibility filter and writes
only here. Merging itself (``TrainingEvent.same_as``) is a changeset, made when a steward
accepts a suggestion, and undone by reverting that changeset.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from nscap.linkage.choices import BulkAction, RunStatus, SuggestionStatus, SuggestionStrength


def _changeset_link(help_text: str) -> models.ForeignKey:
    """A decision's link to the changeset that applied (or reverted) it."""
    return models.ForeignKey(
        "contributions.Changeset",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=help_text,
    )


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


class BulkDecision(models.Model):
    """A steward's decision on every pending suggestion in a weight range at once (accept or
    reject), undone as a unit. An accept is one changeset that folds each cluster it touches to
    one report kept (no chains); undoing it reverts that changeset and puts the reports back in
    the clusters they were in."""

    action = models.CharField(_("decision"), max_length=10, choices=BulkAction.choices)
    min_weight = models.FloatField(_("from match weight"), null=True, blank=True)
    below_weight = models.FloatField(_("below match weight"), null=True, blank=True)
    strength = models.CharField(
        _("strength"), max_length=10, choices=SuggestionStrength.choices, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)
    decided = models.PositiveIntegerField(_("suggestions decided"), default=0)
    skipped = models.PositiveIntegerField(_("suggestions skipped"), default=0)
    reports_folded = models.PositiveIntegerField(_("reports folded"), default=0)
    changeset = _changeset_link(_("The changeset that applied the merges."))
    undo_changeset = _changeset_link(_("The changeset that reverted them."))
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    # The clusters the accepted merges changed, as they were: {"members": {event pk: public
    # id}, "clusters": {public id: first run id}}, so that undo puts them back exactly.
    clusters_before = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"Bulk {self.action} {self.pk} ({self.decided} suggestions)"


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
    changeset = _changeset_link(_("The changeset that applied the merge."))
    undo_changeset = _changeset_link(_("The changeset that reverted the merge."))
    bulk_decision = models.ForeignKey(
        BulkDecision,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
        help_text=_("The bulk decision that decided it last (undone only with it)."),
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
