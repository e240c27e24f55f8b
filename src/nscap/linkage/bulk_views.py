"""The queue's bulk decision: choose a weight range, see the preview (how many suggestions,
reports folded into how many events, what is skipped and why, examples), apply it as one unit,
undo it as one unit (plain GET for the preview, POST forms for the writes)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from nscap.contributions.errors import ContributionError
from nscap.core.visibility import is_steward
from nscap.linkage import decisions
from nscap.linkage.choices import BulkAction, SuggestionStrength


class BulkDecisionForm(forms.Form):
    """Which pending suggestions to decide at once."""

    action = forms.ChoiceField(label=gettext_lazy("Decision"), choices=BulkAction.choices)
    min_weight = forms.FloatField(label=gettext_lazy("From match weight"), required=False)
    below_weight = forms.FloatField(label=gettext_lazy("Below match weight"), required=False)
    strength = forms.ChoiceField(
        label=gettext_lazy("Strength"),
        choices=[("", gettext_lazy("any")), *SuggestionStrength.choices],
        required=False,
    )
    expect = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def selection(self) -> decisions.Selection:
        data = self.cleaned_data
        return decisions.Selection(
            data["action"], data["min_weight"], data["below_weight"], data["strength"]
        )


def require_steward(request: HttpRequest) -> None:
    """The queue's pages and forms are for stewards (403 for anyone else signed in)."""
    if not is_steward(request.user):
        raise PermissionDenied(_("Only stewards decide merges."))


@login_required
def preview(request: HttpRequest) -> HttpResponse:
    """What the decision would do; the page's form applies exactly that (``expect``)."""
    require_steward(request)
    form = BulkDecisionForm(request.GET)
    summary, error = None, ""
    if form.is_valid():
        try:
            summary = decisions.plan(request.user, form.selection()).summary()
        except ContributionError as exc:
            error = exc.message
    return render(
        request,
        "linkage/bulk_preview.html",
        {"section": "linkage", "form": form, "summary": summary, "error": error},
        status=200 if summary is not None else 400,
    )


@login_required
@require_POST
def apply(request: HttpRequest) -> HttpResponse:
    require_steward(request)
    form = BulkDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The bulk decision was not understood; preview it again."))
        return redirect("linkage:queue")
    try:
        bulk = decisions.decide(request.user, form.selection(), expect=form.cleaned_data["expect"])
    except ContributionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "Bulk decision %(id)s: %(decided)s suggestions decided, %(skipped)s skipped, "
                "%(folded)s reports folded into the events they report."
            )
            % {
                "id": bulk.pk,
                "decided": bulk.decided,
                "skipped": bulk.skipped,
                "folded": bulk.reports_folded,
            },
        )
    return redirect("linkage:queue")


@login_required
@require_POST
def undo(request: HttpRequest, bulk_id: int) -> HttpResponse:
    require_steward(request)
    try:
        decisions.undo(request.user, bulk_id)
    except ContributionError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Bulk decision %(id)s is undone.") % {"id": bulk_id})
    return redirect("linkage:queue")
