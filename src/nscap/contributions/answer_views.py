"""The author's answer to "ask for more" (``amending``): a reply, and the proposed record's form
filled with what was proposed, to amend it. The changeset then waits for a steward again."""

from __future__ import annotations

from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nscap.contributions import amending
from nscap.contributions.choices import ChangeAction, ChangesetStatus
from nscap.contributions.errors import ContributionError
from nscap.contributions.event_form import EventExtras
from nscap.contributions.forms import FORMS
from nscap.contributions.models import Changeset
from nscap.contributions.record_types import RECORD_TYPES
from nscap.contributions.redaction import Redaction, redact_changes
from nscap.core.labels import record_type_label


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=gettext_lazy("Your answer to the steward"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _initial(request: HttpRequest, changeset: Changeset, change) -> dict:
    """The form filled with what the author proposed, as the author may see it now."""
    from nscap.sources.models import Source

    _before, data = redact_changes(Redaction(request.user), [change], changeset.author_id)[0]
    initial = {k: ("" if v is None else v) for k, v in (data or {}).items()}
    initial["base_version"] = change.base_version
    initial["changeset_comment"] = changeset.comment
    initial["sources"] = list(
        Source.objects.visible_to(request.user)
        .filter(changesets=changeset)
        .values_list("key", flat=True)
    )
    return initial


@login_required
def answer(request: HttpRequest, changeset_id: int) -> HttpResponse:
    """Answer a changeset sent back to its author; only the author (404 for anyone else)."""
    changeset = get_object_or_404(Changeset, pk=changeset_id, author=request.user)
    if changeset.status != ChangesetStatus.NEEDS_MORE:
        messages.error(request, _("Only a changeset sent back to you can be answered."))
        return redirect("contributions:changeset", changeset_id=changeset.pk)
    reply = ReplyForm(request.POST or None)
    change = amending.amendable_change(changeset)
    rt = RECORD_TYPES.get(change.record_type) if change is not None else None
    instance = None
    if change is not None and change.action == ChangeAction.UPDATE:
        instance = rt.visible(request.user).filter(key=change.record_key).first()
        if instance is None:  # the record is gone or hidden now: answer in words
            change = None
    if change is None:
        if request.method == "POST" and reply.is_valid():
            return _answered(request, changeset, reply)
        return _render(request, changeset, reply, None, None, "")
    data = request.POST or None
    initial = _initial(request, changeset, change)
    extras = None
    form_class = FORMS[change.record_type]
    if change.record_type == "training_event":
        added = EventExtras.added_row(request.POST) if data else None
        if added is not None:  # "add a row": the form again with one more row, nothing sent
            bound = form_class(added, user=request.user, initial=initial)
            initial = {name: bound[name].value() for name in bound.fields}
            data = None
        extras = EventExtras(added or data, request.user, initial)
    form = form_class(data, user=request.user, initial=initial)
    reply_ok = reply.is_valid() if data is not None else False
    if data is not None and reply_ok and form.is_valid() and (extras is None or extras.is_valid()):
        from nscap.contributions.views import _propose_from_form

        key = change.record_key if instance is not None else None
        propose = partial(_amend, changeset.pk, reply.cleaned_data["reply"])
        response = _propose_from_form(
            request, form, extras, change.record_type, instance, key, propose=propose
        )
        if response is not None:
            return response
    return _render(request, changeset, reply, form, extras, change.record_type, instance)


def _amend(changeset_id: int, message: str, user, changes, **proposal) -> Changeset:
    return amending.answer(user, changeset_id, message, changes, **proposal)


def _answered(request: HttpRequest, changeset: Changeset, reply: ReplyForm) -> HttpResponse:
    try:
        amending.answer(request.user, changeset.pk, reply.cleaned_data["reply"])
    except ContributionError as exc:
        messages.error(request, exc.message)
        return redirect("contributions:changeset", changeset_id=changeset.pk)
    messages.success(request, _("Your answer is sent; the changeset waits for a steward again."))
    return redirect("contributions:changeset", changeset_id=changeset.pk)


def _render(request, changeset, reply, form, extras, record_type, instance=None) -> HttpResponse:
    return render(
        request,
        "contributions/answer.html",
        {
            "section": "contribute",
            "changeset": changeset,
            "reply": reply,
            "form": form,
            "extras": extras,
            "record_type": record_type,
            "record_name": record_type_label(record_type) if record_type else "",
            "instance": instance,
            "thread": changeset.thread.select_related("author"),
        },
    )
