"""Where the web UI shows a record: a table of URL names by model label.

Only strings: ``core`` imports no domain app (``core.hooks``), so the shared reads that used to
live here moved to the apps that own their records (``institutions.visible``,
``sources.selectors``, ``quantities.selectors``, ``analytics.home``).
"""

from __future__ import annotations

from django.db.models import Model
from django.urls import reverse


def record_url(record: Model) -> str | None:
    """Where the UI shows ``record``: its own page, or an anchor on the page that holds it."""
    name = record._meta.label_lower
    if name == "institutions.institution":
        return reverse("institutions:detail", args=[record.key])
    if name in {
        "institutions.milestone",
        "institutions.centerprofile",
        "activities.aggregateclaim",
    }:
        owner = getattr(record, "institution", None) or getattr(record, "claimant", None)
        return reverse("institutions:detail", args=[owner.key]) + f"#{record.key}"
    if name == "activities.course":
        return reverse("activities:course", args=[record.key])
    if name == "activities.trainingevent":
        return reverse("activities:event", args=[record.key])
    if name == "networks.network":
        return reverse("networks:detail", args=[record.key])
    if name in {"networks.membership", "networks.meeting"}:
        return reverse("networks:detail", args=[record.network.key]) + f"#{record.key}"
    if name == "collaboration.collaborationclaim":
        return reverse("collaboration:index") + f"#{record.key}"
    if name == "needs.needsassessment":
        return reverse("needs:index") + f"#{record.key}"
    if name == "quantities.quantity":
        return reverse("quantities:index") + f"#{record.key}"
    if name == "sources.source":
        return reverse("sources:detail", args=[record.key])
    return None
