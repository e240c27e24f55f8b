"""The reconciliation queue page: groups of unreconciled names, one htmx form per group.

Thin: reads through ``selectors`` (the one read filter), writes through ``services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nscap.accounts.selectors import can_contribute
from nscap.contributions.errors import ContributionError
from nscap.institutions.choices import InstitutionKind
from nscap.reconciliation import selectors, services
from nscap.reconciliation.forms import DecisionForm
from nscap.reconciliation.selectors import GroupKey

PAGE = 50


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Names waiting for a decision, by name and context, most rows first."""
    if not can_contribute(request.user):
        raise PermissionDenied(_("Only stewards and members of an institution reconcile names."))
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    groups, total = selectors.queue_groups(request.user, limit=PAGE, offset=(page - 1) * PAGE)
    return render(
        request,
        "reconciliation/queue.html",
        {
            "section": "reconciliation",
            "groups": groups,
            "total": total,
            "page": page,
            "has_next": page * PAGE < total,
            "kinds": InstitutionKind.choices,
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest) -> HttpResponse:
    """Apply one decision to a whole group (htmx: answers the group's replacement)."""
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _answer(request, _("Choose a decision for the group."), error=True)
    data = form.cleaned_data
    key = GroupKey(data["normalized"], data["country"] or "", data["reported_by"] or "")
    try:
        result = services.decide(
            request.user,
            key,
            data["decision"],
            institution=data["institution_other"] or data["institution"] or None,
            new={"name": data["name"], "kind": data["kind"]},
        )
    except ContributionError as exc:
        return _answer(request, _problem(exc), error=True)
    if result.applied:
        text = _("%(rows)d rows reconciled.") % {"rows": result.rows}
    else:
        text = _("%(rows)d rows: your decision waits for a steward's review.") % {
            "rows": result.rows
        }
    return _answer(request, text)


@login_required
@require_POST
def undo(request: HttpRequest) -> HttpResponse:
    form = DecisionForm(request.POST)
    form.fields["decision"].required = False
    if not form.is_valid():
        return _answer(request, _("Name the group to undo."), error=True)
    data = form.cleaned_data
    key = GroupKey(data["normalized"], data["country"] or "", data["reported_by"] or "")
    try:
        result = services.undo(request.user, key)
    except ContributionError as exc:
        return _answer(request, _problem(exc), error=True)
    return _answer(
        request, _("Decision undone: %(rows)d rows queued again.") % {"rows": result.rows}
    )


def _problem(exc: ContributionError) -> str:
    errors = getattr(exc, "errors", None)
    if errors:
        return "; ".join(str(e.get("message")) for e in errors)
    return str(exc.message)


def _answer(request: HttpRequest, text: str, *, error: bool = False) -> HttpResponse:
    if request.headers.get("HX-Request"):
        return render(request, "reconciliation/_result.html", {"text": text, "error": error})
    (messages.error if error else messages.success)(request, text)
    return redirect("reconciliation:queue")
