"""The stewards' review queue pages: a compact, filtered, paginated list and bulk decisions.

A bulk decision is two steps: the first POST shows which changesets (and how many) would be
approved or rejected; only the second, confirmed POST decides them, each through the service
in its own transaction, and the result page lists what failed and why.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nscap.contributions import queue
from nscap.contributions.models import Changeset
from nscap.core.labels import record_type_label
from nscap.core.visibility import is_steward

PER_PAGE = 50
# One bulk decision at most this many changesets: each is its own transaction, and a request
# that runs for minutes is worse than asking the steward to narrow the filter.
MAX_BULK = 500
BULK_ACTIONS = {
    "approve-selected": ("approve", "selected"),
    "reject-selected": ("reject", "selected"),
    "approve-all": ("approve", "all"),
    "reject-all": ("reject", "all"),
}


def _require_steward(request: HttpRequest) -> None:
    if not is_steward(request.user):
        raise PermissionDenied(_("Only stewards review changesets."))


def _rows(changesets: list[Changeset]) -> list[dict]:
    """A compact row per changeset: the record types it touches, as readers name them."""
    from nscap.contributions.models import Change

    types: dict[int, set[str]] = {}
    pairs = Change.objects.filter(changeset__in=[c.pk for c in changesets]).values_list(
        "changeset_id", "record_type"
    )
    for changeset_id, record_type in pairs:
        types.setdefault(changeset_id, set()).add(record_type)
    return [
        {
            "changeset": c,
            "types": ", ".join(sorted(record_type_label(t) for t in types.get(c.pk, ()))),
            "origin": queue.ORIGINS.get(c.origin, c.origin),
        }
        for c in changesets
    ]


@login_required
def queue_page(request: HttpRequest) -> HttpResponse:
    """Waiting changesets, one compact row each, with filters, counts, sorting and pages."""
    _require_steward(request)
    flt = queue.QueueFilter.from_query(request.GET)
    page = Paginator(queue.sorted_page_rows(flt), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "contributions/queue.html",
        {
            "section": "queue",
            "flt": flt,
            "query": flt.as_query(),
            "page": page,
            "rows": _rows(list(page.object_list)),
            "facets": queue.facet_counts(flt),
            "sorts": [(key, label) for key, (label, _order) in queue.SORTS.items()],
            "unsourced_count": queue.waiting().filter(unsourced=True).count(),
            "waiting_count": queue.waiting().count(),
        },
    )


def _chosen_ids(request: HttpRequest, scope: str) -> tuple[list[int], str]:
    """The changeset ids a bulk request names, and an error to show if it names none."""
    if request.POST.get("confirmed") == "1" or scope == "selected":
        raw = request.POST.getlist("changeset")
        if not all(value.isdigit() for value in raw):
            return [], _("changeset: each selected changeset must be a number.")
        ids = sorted({int(value) for value in raw})
        if not ids:
            return [], _("Select at least one changeset.")
        return ids, ""
    flt = queue.QueueFilter.from_query(QueryDict(request.POST.get("filters", "")))
    ids = list(queue.sorted_page_rows(flt).values_list("pk", flat=True))
    if not ids:
        return [], _("No waiting changeset matches the filter.")
    return ids, ""


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Confirm, then approve or reject the selected (or all matching) changesets."""
    _require_steward(request)
    decision, scope = BULK_ACTIONS.get(request.POST.get("bulk", ""), ("", ""))
    if not decision:
        decision, scope = request.POST.get("decision", ""), "selected"
    if decision not in queue.BULK_DECISIONS:
        return _refused(request, _("decision: choose approve or reject."))
    ids, error = _chosen_ids(request, scope)
    if error:
        return _refused(request, error)
    if len(ids) > MAX_BULK:
        return _refused(
            request,
            _("%(n)s changesets match; decide at most %(max)s at once: narrow the filter.")
            % {"n": len(ids), "max": MAX_BULK},
        )
    comment = request.POST.get("comment", "")[:5000]
    if request.POST.get("confirmed") != "1":
        changesets = (
            Changeset.objects.filter(pk__in=ids, status__in=queue.OPEN)
            .select_related("author", "institution")
            .order_by("created_at", "id")
        )
        return render(
            request,
            "contributions/queue_confirm.html",
            {
                "section": "queue",
                "decision": decision,
                "rows": _rows(list(changesets)),
                "comment": comment,
                "back": request.POST.get("filters", ""),
            },
        )
    outcome = queue.decide_many(request.user, decision, ids, comment)
    return render(
        request,
        "contributions/queue_done.html",
        {"section": "queue", "outcome": outcome, "back": request.POST.get("filters", "")},
    )


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(
        request,
        "contributions/queue_done.html",
        {"section": "queue", "error": message, "back": request.POST.get("filters", "")},
        status=400,
    )
