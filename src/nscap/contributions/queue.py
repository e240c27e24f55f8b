"""The stewards' review queue at volume: filters with counts, sorting, and bulk decisions.

Who may use it: stewards only (a steward sees every waiting changeset; nobody else reaches the
queue). A bulk decision is not a new write path: it calls ``services.approve`` /
``services.reject`` once per changeset, each in its own transaction, so one stale or
already-decided changeset is reported and the others are still applied (issue 16).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nscap.contributions import services
from nscap.contributions.choices import ChangesetStatus
from nscap.contributions.errors import ContributionError
from nscap.contributions.models import Change, Changeset

OPEN = (ChangesetStatus.PENDING, ChangesetStatus.NEEDS_MORE)
ORIGINS = {"web": _("Web form"), "import": _("Import"), "api": _("API")}
# Age buckets in days: (lowest age, highest age); None is open-ended.
AGES = {
    "day": (_("Under a day"), 0, 1),
    "week": (_("1 to 7 days"), 1, 7),
    "month": (_("7 to 30 days"), 7, 30),
    "older": (_("Over 30 days"), 30, None),
}
SORTS = {
    "oldest": (_("Oldest first"), ("created_at", "id")),
    "newest": (_("Newest first"), ("-created_at", "-id")),
    "largest": (_("Most changes first"), ("-change_count", "created_at", "id")),
    "institution": (_("By institution"), ("institution__name", "created_at", "id")),
}
FILTER_NAMES = ("institution", "record_type", "age", "origin", "unsourced")
BULK_DECISIONS = {"approve": services.approve, "reject": services.reject}


@dataclass(frozen=True)
class QueueFilter:
    """The queue's filters as read from a query string; unknown values are ignored, not 500."""

    institution: str = ""
    record_type: str = ""
    age: str = ""
    origin: str = ""
    unsourced: bool = False
    sort: str = "oldest"

    @classmethod
    def from_query(cls, query: QueryDict) -> QueueFilter:
        age = query.get("age", "")
        origin = query.get("origin", "")
        sort = query.get("sort", "oldest")
        return cls(
            institution=query.get("institution", "").strip()[:120],
            record_type=query.get("record_type", "").strip()[:40],
            age=age if age in AGES else "",
            origin=origin if origin in ORIGINS else "",
            unsourced=query.get("unsourced") == "1",
            sort=sort if sort in SORTS else "oldest",
        )

    def as_query(self, **override: Any) -> str:
        """The query string of these filters (with some replaced), for links and hidden fields."""
        values = {name: getattr(self, name) for name in (*FILTER_NAMES, "sort")}
        values.update(override)
        pairs = []
        for name, value in values.items():
            if value is True:
                value = "1"
            if value and not (name == "sort" and value == "oldest"):
                pairs.append((name, str(value)))
        q = QueryDict(mutable=True)
        for name, value in pairs:
            q[name] = value
        return q.urlencode()

    @property
    def active(self) -> bool:
        return any(getattr(self, name) for name in FILTER_NAMES)


def waiting() -> QuerySet[Changeset]:
    """Every changeset that waits for a steward (pending or sent back for more)."""
    return Changeset.objects.filter(status__in=OPEN)


def _age_range(queryset: QuerySet, age: str, now: dt.datetime) -> QuerySet:
    _label, low, high = AGES[age]
    queryset = queryset.filter(created_at__lte=now - dt.timedelta(days=low))
    if high is not None:
        queryset = queryset.filter(created_at__gt=now - dt.timedelta(days=high))
    return queryset


def filtered(flt: QueueFilter, skip: str = "", now: dt.datetime | None = None) -> QuerySet:
    """The waiting changesets matching the filters, except the one named ``skip`` (for counts)."""
    now = now or timezone.now()
    queryset = waiting()
    if flt.institution and skip != "institution":
        queryset = queryset.filter(institution__key=flt.institution)
    if flt.record_type and skip != "record_type":
        # EXISTS, not a join: a changeset with many changes of the type is still one row.
        of_type = Change.objects.filter(changeset=OuterRef("pk"), record_type=flt.record_type)
        queryset = queryset.filter(Exists(of_type))
    if flt.age and skip != "age":
        queryset = _age_range(queryset, flt.age, now)
    if flt.origin and skip != "origin":
        queryset = queryset.filter(origin=flt.origin)
    if flt.unsourced and skip != "unsourced":
        queryset = queryset.filter(unsourced=True)
    return queryset


def sorted_page_rows(flt: QueueFilter) -> QuerySet[Changeset]:
    """The filtered changesets in the chosen order, with what a compact row shows."""
    return (
        filtered(flt)
        .select_related("author", "institution")
        .annotate(change_count=Count("changes"))
        .order_by(*SORTS[flt.sort][1])
    )


def facet_counts(flt: QueueFilter, now: dt.datetime | None = None) -> dict[str, list[dict]]:
    """For each filter, its values with how many waiting changesets each would show.

    Each facet is counted with the *other* filters applied, so a count is what a click on it
    gives.
    """
    from nscap.contributions.record_types import RECORD_TYPES
    from nscap.core.labels import record_type_label

    now = now or timezone.now()
    facets: dict[str, list[dict]] = {}
    rows = (
        filtered(flt, skip="institution", now=now)
        .values("institution__key", "institution__name")
        .annotate(n=Count("id"))
        .order_by("institution__name")
    )
    facets["institution"] = [
        {"value": r["institution__key"], "label": r["institution__name"], "count": r["n"]}
        for r in rows
        if r["institution__key"]
    ]
    type_rows = (
        Change.objects.filter(changeset__in=filtered(flt, skip="record_type", now=now))
        .values("record_type")
        .annotate(n=Count("changeset", distinct=True))
        .order_by("record_type")
    )
    facets["record_type"] = [
        {"value": r["record_type"], "label": record_type_label(r["record_type"]), "count": r["n"]}
        for r in type_rows
        if r["record_type"] in RECORD_TYPES
    ]
    base = filtered(flt, skip="age", now=now)
    facets["age"] = [
        {"value": key, "label": label, "count": _age_range(base, key, now).count()}
        for key, (label, _low, _high) in AGES.items()
    ]
    origin_counts = dict(
        filtered(flt, skip="origin", now=now)
        .values_list("origin")
        .annotate(n=Count("id"))
        .values_list("origin", "n")
    )
    facets["origin"] = [
        {"value": key, "label": label, "count": origin_counts.get(key, 0)}
        for key, label in ORIGINS.items()
    ]
    return facets


@dataclass
class BulkOutcome:
    """What a bulk decision did: the changesets decided and, per failure, why."""

    decision: str
    done: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)


def decide_many(
    reviewer: Any, decision: str, changeset_ids: list[int], comment: str
) -> BulkOutcome:
    """Approve or reject each changeset through the service, one transaction each.

    A refusal (stale record, own changeset, already decided, not a steward) is collected with
    its message; the loop goes on, so the rest of the batch is still decided.
    """
    action = BULK_DECISIONS[decision]
    outcome = BulkOutcome(decision=decision)
    for changeset_id in changeset_ids:
        try:
            action(reviewer, changeset_id, comment)
        except ContributionError as exc:
            outcome.failed.append((changeset_id, exc.message))
        else:
            outcome.done.append(changeset_id)
    return outcome
