"""Pages of safe revert and undelete, and the site-wide recent changes (issue 16).

A revert or a restore is asked for on a confirmation page that shows what will change (through
``redaction``: only what the viewer may see) and takes a required reason; the write is
``reverting``'s, so the write rules decide whether it applies at once or waits for a steward.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nscap.accounts.selectors import can_contribute
from nscap.contributions import recent, reverting
from nscap.contributions.choices import ChangeAction, ChangesetStatus
from nscap.contributions.errors import ContributionError, Invalid
from nscap.contributions.models import Changeset, HistoryEntry
from nscap.contributions.recent import VERB_LABELS
from nscap.contributions.record_types import RECORD_TYPES, RecordType, snapshot
from nscap.contributions.redaction import Redaction, redact_pairs
from nscap.core.labels import record_type_label
from nscap.core.visibility import is_steward

PER_PAGE = 50


class ReasonForm(forms.Form):
    """The reason a revert or a restore must give; kept as its changeset's comment."""

    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=reverting.MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Why: shown to the steward and kept in the history."),
    )


def _refused(exc: ContributionError) -> None:
    if exc.status == 404:
        raise Http404(exc.message) from exc
    if exc.status == 403:
        raise PermissionDenied(exc.message) from exc


def _preview(user: Any, rt: RecordType, entry: HistoryEntry) -> tuple[list, bool]:
    """(diff rows, withheld) of what reverting (or, for a deletion, restoring) ``entry``
    changes, as ``user`` may see it: the record now against the values it gets back."""
    from nscap.contributions.views import diff_rows

    redaction = Redaction(user)
    current = rt.model.objects.filter(key=entry.record_key).first()
    now = snapshot(rt, current) if current is not None else {}
    [(old, new), (now_shown, _same)] = redact_pairs(
        redaction, [(rt.name, entry.before, entry.after), (rt.name, now, now)]
    )
    if old is None or new is None or now_shown is None:  # the write path refuses it too
        return [], True
    verb = reverting.verb(entry)
    if verb == "create":  # the record goes: every field it has now, none after
        rows = diff_rows(ChangeAction.CREATE, {}, now_shown, rt.model)
        return [(name, value, "—") for name, _empty, value in rows], False
    if verb == "delete":
        return diff_rows(ChangeAction.CREATE, {}, old, rt.model), False
    return diff_rows(ChangeAction.UPDATE, now_shown, {**now_shown, **old}, rt.model), False


def _proposed(request: HttpRequest, changeset: Changeset, applied: str) -> HttpResponse:
    if changeset.status == ChangesetStatus.APPLIED:
        messages.success(request, applied % {"id": changeset.pk})
    else:
        messages.success(
            request,
            _("Changeset %(id)s waits for a steward's decision; nothing has changed yet.")
            % {"id": changeset.pk},
        )
    return redirect("contributions:changeset", changeset_id=changeset.pk)


def _confirm(request: HttpRequest, entry: HistoryEntry, restoring: bool) -> HttpResponse:
    """The confirmation page (GET) and the revert or restore it asks for (POST)."""
    if not can_contribute(request.user):
        raise PermissionDenied(_("Only members of an institution and stewards contribute."))
    rt = RECORD_TYPES[entry.record_type]
    form = ReasonForm(request.POST or None)
    rows, withheld = _preview(request.user, rt, entry)
    if request.method == "POST" and form.is_valid() and not withheld:
        try:
            if restoring:
                changeset = reverting.restore(
                    request.user, rt.name, entry.record_key, form.cleaned_data["reason"]
                )
            else:
                changeset = reverting.revert_entry(request.user, entry, form.cleaned_data["reason"])
        except Invalid as exc:
            for error in exc.errors:
                form.add_error(
                    "reason" if error.get("field") == "reason" else None, error["message"]
                )
        except ContributionError as exc:
            _refused(exc)
            form.add_error(None, exc.message)
        else:
            done = (
                _("The record is restored (changeset %(id)s).")
                if restoring
                else _("The change is reverted (changeset %(id)s).")
            )
            return _proposed(request, changeset, done)
    return render(
        request,
        "contributions/revert_confirm.html",
        {
            "section": "contribute",
            "entry": entry,
            "restoring": restoring,
            "deletes": reverting.verb(entry) == "create",
            "verb": VERB_LABELS.get(reverting.verb(entry), ""),
            "record_type": rt.name,
            "record_name": record_type_label(rt.name),
            "rows": rows,
            "withheld": withheld,
            "form": form,
            "is_steward": is_steward(request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def revert(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Confirm the revert of one create or update: what changes, and why (required)."""
    entry = get_object_or_404(HistoryEntry, pk=entry_id)
    if not reverting.record_seen_by(request.user, entry):
        raise Http404(_("No such history entry."))
    if reverting.verb(entry) not in ("create", "update"):
        messages.error(request, _("Only creations and updates are reverted; restore a deletion."))
        return redirect(
            "contributions:history", record_type=entry.record_type, key=entry.record_key
        )
    return _confirm(request, entry, restoring=False)


@login_required
def restore(request: HttpRequest, record_type: str, key: str) -> HttpResponse:
    """Confirm the restore of a deleted record as it was when deleted."""
    rt = RECORD_TYPES.get(record_type)
    deletion = reverting.deletion_seen_by(request.user, rt, key) if rt is not None else None
    if deletion is None:
        raise Http404(_("No deleted record to restore."))
    return _confirm(request, deletion, restoring=True)


# --- recent changes ------------------------------------------------------------------------------


class RecentChangesForm(forms.Form):
    """The filters of the recent changes page (each optional)."""

    record_type = forms.ChoiceField(
        label=gettext_lazy("Record type"),
        required=False,
        choices=lambda: [("", _("any"))] + [(n, record_type_label(n)) for n in RECORD_TYPES],
    )
    action = forms.ChoiceField(
        label=gettext_lazy("Change"),
        required=False,
        choices=lambda: [("", _("any"))] + [(k, str(v)) for k, v in VERB_LABELS.items()],
    )
    institution = forms.SlugField(label=gettext_lazy("Institution (key)"), required=False)
    actor = forms.CharField(
        label=gettext_lazy("Person (user name)"), required=False, max_length=150
    )
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", _("The end comes before the start."))
        return data


def change_rows(user: Any, entries: list[HistoryEntry]) -> list[dict]:
    """What a page shows of each entry: its values through ``redaction`` (loaded for the whole
    page at once), its credit, and a title when the viewer may see the version that names it."""
    from nscap.contributions.views import shown_rows

    shown = redact_pairs(Redaction(user), [(e.record_type, e.before, e.after) for e in entries])
    rows = []
    for entry, (before, after) in zip(entries, shown, strict=True):
        rt = RECORD_TYPES.get(entry.record_type)
        verb = reverting.verb(entry)
        diff, withheld = shown_rows(verb, before, after, rt.model if rt else None)
        visible = after or before or {}
        rows.append(
            {
                "entry": entry,
                "verb": verb,
                "verb_label": VERB_LABELS.get(verb, verb),
                "record_name": record_type_label(entry.record_type),
                "title": (visible.get(rt.title_field) if rt else "") or entry.record_key,
                "rows": diff,
                "withheld": withheld,
                "message": "" if withheld else entry.message,
                "credit": recent.credit(entry),
            }
        )
    return rows


def recent_changes(request: HttpRequest) -> HttpResponse:
    """Every change the viewer may see, newest first, filtered and a page at a time."""
    form = RecentChangesForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    given = recent.ChangeFilter(
        **{k: v for k, v in (form.cleaned_data if form.is_bound and valid else {}).items() if v}
    )
    # A bad filter lists nothing rather than everything (the form says which field is wrong).
    entries = recent.recent_changes(request.user, given) if valid else HistoryEntry.objects.none()
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "contributions/recent.html",
        {
            "section": "changes",
            "form": form,
            "page": page,
            "rows": change_rows(request.user, list(page.object_list)),
            "query": query.urlencode(),
        },
    )
