"""The steward's merge queue: two reports side by side, the match weight and the comparisons
behind it, and accept / reject / undo (plain POST forms)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nscap.contributions.errors import ContributionError
from nscap.contributions.record_types import RECORD_TYPES, snapshot
from nscap.core.visibility import is_steward
from nscap.linkage import services
from nscap.linkage.choices import SuggestionStatus
from nscap.linkage.models import LinkRun
from nscap.linkage.selectors import suggestion_queue

SHOWN_FIELDS = (
    "title",
    "host",
    "reported_by",
    "start",
    "end",
    "city",
    "country",
    "participants",
    "participants_qualifier",
    "topics",
    "same_as",
)


def _require_steward(request: HttpRequest) -> None:
    if not is_steward(request.user):
        raise PermissionDenied(_("Only stewards decide merges."))


def _side_by_side(suggestion) -> list[tuple[str, object, object, bool]]:
    record_type = RECORD_TYPES["training_event"]
    kept = snapshot(record_type, suggestion.kept)
    duplicate = snapshot(record_type, suggestion.duplicate)
    return [
        (name, kept.get(name), duplicate.get(name), kept.get(name) == duplicate.get(name))
        for name in SHOWN_FIELDS
    ]


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require_steward(request)
    status = request.GET.get("status", SuggestionStatus.PENDING)
    if status not in SuggestionStatus.values:
        status = SuggestionStatus.PENDING
    page = Paginator(suggestion_queue(status), 20).get_page(request.GET.get("page"))
    items = [{"suggestion": s, "rows": _side_by_side(s)} for s in page]
    return render(
        request,
        "linkage/queue.html",
        {
            "section": "linkage",
            "items": items,
            "page": page,
            "status": status,
            "statuses": SuggestionStatus.choices,
            "last_run": LinkRun.objects.first(),
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, suggestion_id: int, decision: str) -> HttpResponse:
    _require_steward(request)
    action = {"accept": services.accept, "reject": services.reject, "undo": services.undo}.get(
        decision
    )
    if action is None:
        raise Http404(_("No such decision."))
    try:
        action(request.user, suggestion_id)
    except ContributionError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    else:
        done = {
            "accept": _("Merged: suggestion %(id)s is accepted."),
            "reject": _("Suggestion %(id)s is rejected: the reports stay apart."),
            "undo": _("The merge of suggestion %(id)s is undone."),
        }[decision]
        messages.success(request, done % {"id": suggestion_id})
    return redirect("linkage:queue")
