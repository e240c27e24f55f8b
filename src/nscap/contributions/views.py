"""Contribution pages: forms that propose changes, the author's changesets, the stewards'
review queue, each record's history with revert, and confirmation of collaboration claims.

Views stay thin: writes go through ``services`` / ``confirmation``, reads through
``visible_to``; a refusal of the write path is shown next to the field or as a message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nscap.accounts.audit import record_event
from nscap.accounts.selectors import can_contribute, institution_ids_of
from nscap.collaboration.choices import Confirmation
from nscap.contributions import confirmation, reverting, services
from nscap.contributions.choices import ChangeAction, ChangesetStatus
from nscap.contributions.citing import planned
from nscap.contributions.errors import ContributionError, Invalid, Stale
from nscap.contributions.event_form import EventExtras, unchanged
from nscap.contributions.forms import FORMS, ConfirmationForm, ReviewForm
from nscap.contributions.models import Changeset, HistoryEntry
from nscap.contributions.recent import VERB_LABELS, credit
from nscap.contributions.record_types import RECORD_TYPES, new_key, snapshot
from nscap.contributions.redaction import Redaction, redact_changes, redact_pairs
from nscap.core.labels import field_label, record_type_label, value_label
from nscap.core.visibility import is_steward

OPEN = (ChangesetStatus.PENDING, ChangesetStatus.NEEDS_MORE)
RECORD_PAGES = {
    "institution": "institutions:detail",
    "course": "activities:course",
    "training_event": "activities:event",
}


# --- presentation helpers ------------------------------------------------------------------------


def _shown(value: Any) -> str:
    """A field value as a reader wants it: lists joined, empty as a dash."""
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return "; ".join(
            ", ".join(f"{k}: {v}" for k, v in item.items()) if isinstance(item, dict) else str(item)
            for item in value
        )
    return str(value)


def diff_rows(
    action: str, before: dict, after: dict, model: Any = None
) -> list[tuple[str, str, str]]:
    """(field, before, after) for every field the change touches; with the record's ``model``,
    fields by their names and values by their labels (issue 15: no raw codes to readers)."""
    before, after = before or {}, after or {}
    if action == ChangeAction.DELETE:
        after = {}
    rows = []
    for name in dict.fromkeys([*after, *before]):
        old, new = before.get(name), after.get(name)
        if old == new or (action == ChangeAction.CREATE and new in (None, "", [], {})):
            continue
        if action == ChangeAction.DELETE and old in (None, "", [], {}):  # nothing went
            continue
        rows.append(
            (
                field_label(model, name) if model else name.replace("_", " "),
                _shown(value_label(model, name, old)),
                _shown(value_label(model, name, new)),
            )
        )
    return rows


def shown_rows(
    action: str, before: dict | None, after: dict | None, model: Any = None
) -> tuple[list[tuple[str, str, str]], bool]:
    """(diff rows, withheld) of redacted values (``redaction.redact_pairs``): a side that is
    None is a version the viewer may not see; then every field the other side shows is listed
    and the withheld side reads "not visible to you", so not even which fields changed shows."""
    if before is not None and after is not None:
        return diff_rows(action, before, after, model), False
    hidden = _("not visible to you")
    rows = diff_rows(ChangeAction.CREATE, {}, after or before or {}, model)
    if after is None:
        return [(name, new, hidden) for name, _old, new in rows], True
    return [(name, hidden, new) for name, _old, new in rows], True


def _conflict(change) -> str:
    """Why this change can no longer be applied as it stands, or ''."""
    rt = RECORD_TYPES.get(change.record_type)
    if rt is None:
        return ""
    current = rt.model.objects.filter(key=change.record_key).values_list("version", flat=True)
    version = current.first()
    if change.action == ChangeAction.CREATE:
        return (
            _("a record with key %(key)s exists already") % {"key": change.record_key}
            if version is not None
            else ""
        )
    if version is None:
        return _("%(key)s no longer exists") % {"key": change.record_key}
    if version != change.base_version:
        return _(
            "%(key)s changed since this changeset was made (based on version %(base)s, now "
            "%(now)s); approving it is refused — ask the author to redo it"
        ) % {"key": change.record_key, "base": change.base_version, "now": version}
    return ""


def _changeset_view(changeset: Changeset, user: Any, with_conflicts: bool = False) -> dict:
    from nscap.sources.models import Source

    changes = []
    stored = list(changeset.changes.all())
    shown = redact_changes(Redaction(user), stored, changeset.author_id)
    for change, (before, data) in zip(stored, shown, strict=True):
        record_type = RECORD_TYPES.get(change.record_type)
        model = record_type.model if record_type else None
        rows, withheld = shown_rows(change.action, before, data, model)
        changes.append(
            {
                "change": change,
                "rows": rows,
                "withheld": withheld,
                "conflict": _conflict(change) if with_conflicts else "",
            }
        )
    return {
        "changeset": changeset,
        "changes": changes,
        "sources": Source.objects.visible_to(user).filter(changesets=changeset),
        "stale": any(c["conflict"] for c in changes),
    }


def _require_contributor(request: HttpRequest) -> None:
    if not can_contribute(request.user):
        raise PermissionDenied(_("Only members of an institution and stewards contribute."))


def _require_steward(request: HttpRequest) -> None:
    if not is_steward(request.user):
        raise PermissionDenied(_("Only stewards review changesets."))


# --- contributing --------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _require_contributor(request)
    mine = Changeset.objects.filter(author=request.user)
    return render(
        request,
        "contributions/index.html",
        {
            "section": "contribute",
            "open_count": mine.filter(status__in=OPEN).count(),
            "needs_more_count": mine.filter(status=ChangesetStatus.NEEDS_MORE).count(),
            "claims_count": confirmation.claims_waiting_for_answer(request.user).count(),
            "queue_count": Changeset.objects.filter(status=ChangesetStatus.PENDING).count()
            if is_steward(request.user)
            else None,
        },
    )


def _create_initial(user: Any, record_type: str) -> dict:
    from nscap.institutions.models import Institution, TransparencyPolicy

    own = sorted(institution_ids_of(user))
    if not own:
        return {"sensitivity": "public"}
    policy = TransparencyPolicy.objects.filter(institution_id=own[0]).first()
    key = Institution.objects.filter(pk=own[0]).values_list("key", flat=True).first()
    owner_field = RECORD_TYPES[record_type].owner
    initial = {"sensitivity": policy.default_sensitivity if policy else "public"}
    if owner_field:
        initial[owner_field] = key
    return initial


def _edit_initial(record_type: str, instance, user: Any) -> dict:
    """The form's initial values: the record as ``user`` may see it (a hidden link empty, a
    hidden key in a list absent; the write side keeps hidden links the form does not send)."""
    rt = RECORD_TYPES[record_type]
    values = Redaction(user).links(rt, snapshot(rt, instance))
    initial = {k: ("" if v is None else v) for k, v in values.items()}
    initial["base_version"] = instance.version
    return initial


@login_required
def record_form(request: HttpRequest, record_type: str, key: str | None = None) -> HttpResponse:
    """Add or edit a record (event, course, collaboration claim): one changeset per submit."""
    _require_contributor(request)
    form_class = FORMS.get(record_type)
    if form_class is None:
        raise Http404(_("No form for this record type."))
    rt = RECORD_TYPES[record_type]
    if rt.refusal(request.user):  # the vocabularies: stewards only, said plainly (issue 14)
        record_event("access.refused", request, reason=rt.refusal(request.user)[:300])
        return render(
            request, "contributions/refused.html", {"reason": rt.refusal(request.user)}, status=403
        )
    instance = None
    if key is not None:
        instance = get_object_or_404(rt.visible(request.user), key=key)
    initial = (
        _edit_initial(record_type, instance, request.user)
        if instance is not None
        else _create_initial(request.user, record_type)
    )
    data = request.POST or None
    extras = None
    if record_type == "training_event":  # rows, partners and a new source (issue 14)
        added = EventExtras.added_row(request.POST) if data else None
        if added is not None:  # "add a row": the form again, one more blank row, nothing sent
            bound = form_class(added, user=request.user, initial=initial)
            initial = {name: bound[name].value() for name in bound.fields}
            data = None
        extras = EventExtras(added or data, request.user, initial)
    form = form_class(data, user=request.user, initial=initial)
    if data is not None:
        # Every part is checked, and the schema too when a part failed, so that one submit
        # reports all its problems next to their fields, not a batch at a time (issue 16).
        valid = [form.is_valid(), extras is None or extras.is_valid()]
        response = _propose_from_form(
            request, form, extras, record_type, instance, key, check_only=not all(valid)
        )
        if response is not None:
            return response
    return render(
        request,
        "contributions/form.html",
        {
            "section": "contribute",
            "form": form,
            "extras": extras,
            "record_type": record_type,
            "record_name": record_type_label(rt.name),
            "instance": instance,
            "problems": _problems(form, extras) if form.is_bound else [],
        },
    )


def _problems(form, extras: EventExtras | None) -> list[dict[str, str]]:
    """Every field error of one submit, for the summary above the form: (label, the input's
    id to link to, message); each is also shown next to its field."""
    forms_shown = [(form, "")]
    if extras is not None:
        for formset, legend, _button, _label in extras.sets:
            forms_shown += [
                (row, _("%(part)s, row %(n)s") % {"part": legend, "n": number})
                for number, row in enumerate(formset.forms, start=1)
            ]
        forms_shown.append((extras.new_source, ""))
    problems = []
    for shown, part in forms_shown:
        for name, errors in shown.errors.items():
            if name == "__all__" or name not in shown.fields:
                continue
            label = str(shown[name].label)
            for message in errors:
                problems.append(
                    {
                        "label": f"{part}: {label}" if part else label,
                        "target": shown[name].auto_id,
                        "message": message,
                    }
                )
    return problems


def _propose_from_form(
    request: HttpRequest,
    form,
    extras: EventExtras | None,
    record_type: str,
    instance,
    key,
    propose=None,
    check_only: bool = False,
) -> HttpResponse | None:
    """One changeset from a valid form; None when refused (the errors are on the form).
    ``propose``: what records it, ``services.propose`` unless an answer amends a changeset.
    ``check_only``: the form has errors of its own; the fields that did clean are checked by
    the write path too (``services.validate``) and its errors join the form's; nothing is
    written."""
    values = form.values()
    sources = _visible_sources(request.user, form.cleaned_data.get("sources") or [])
    comment = form.cleaned_data.get("changeset_comment") or ""
    changes: list[services.ProposedChange] = []
    citations: list[dict[str, str]] = []
    source_index = None
    deleting = instance is not None and bool(request.POST.get("delete"))
    if extras is not None:
        values.update(extras.values())
        # The event itself cites its sources, the new one at its locator (issue 14): its key
        # is chosen here so that the citation can name it before the changeset is applied.
        record_key = key or values.get("key") or new_key(RECORD_TYPES[record_type], values)
        if instance is None:
            values["key"] = record_key
        citations = [planned(record_type, record_key, source.key) for source in sources]
        if not deleting and (new_source := extras.source_change()) is not None:
            # First, so that undoing the changeset deletes the event (and its citation)
            # before the source it cites.
            source_index = 0
            changes.append(new_source)
            citations.append(planned(record_type, record_key, extras.source_key, extras.locator()))
            comment = "\n".join(filter(None, [comment, extras.locator_note()]))
        if deleting:
            citations = []
    if instance is None:
        change = services.ProposedChange("create", record_type, values=values)
    elif deleting:
        change = services.ProposedChange(
            "delete", record_type, key=key, base_version=form.cleaned_data.get("base_version")
        )
    else:
        shown = Redaction(request.user).links(
            RECORD_TYPES[record_type], snapshot(RECORD_TYPES[record_type], instance)
        )
        if not check_only and not changes and not sources and unchanged(record_type, shown, values):
            messages.info(request, _("Nothing changed: no changeset was proposed."))
            return redirect("contributions:history", record_type=record_type, key=key)
        change = services.ProposedChange(
            "update",
            record_type,
            key=key,
            values=values,
            base_version=form.cleaned_data.get("base_version"),
        )
    changes.append(change)
    try:
        if check_only:
            services.validate(request.user, changes)
            return None
        changeset = (propose or services.propose)(
            request.user,
            changes,
            comment=comment,
            sources=sources,
            origin="web",
            citations=citations,
        )
    except Invalid as exc:
        if extras is not None:
            extras.add_invalid(form, exc.errors, source_index)
        else:
            form.add_invalid(exc.errors)
        return None
    except Stale as exc:
        form.add_error(None, exc.message)
        return None
    except ContributionError as exc:
        if exc.status == 403:
            raise PermissionDenied(exc.message) from exc
        form.add_error(None, exc.message)
        return None
    if changeset.status == ChangesetStatus.APPLIED:
        messages.success(request, _("Your change is published."))
    else:
        messages.success(request, _("Your change is waiting for a steward's review."))
    if changeset.unsourced:
        messages.warning(
            request,
            _("No source is cited: the changeset is flagged as unsourced for the stewards."),
        )
    return redirect("contributions:changeset", changeset_id=changeset.pk)


def _visible_sources(user: Any, keys: list[str]):
    from nscap.sources.models import Source

    return list(Source.objects.visible_to(user).filter(key__in=keys))


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The author's changesets with their status and the steward's comment."""
    changesets = (
        Changeset.objects.filter(author=request.user)
        .select_related("reviewed_by", "institution")
        .prefetch_related("changes")
    )
    return render(
        request,
        "contributions/mine.html",
        {"section": "contribute", "changesets": changesets, "open": OPEN},
    )


def _own_or_reviewable(request: HttpRequest, changeset_id: int) -> Changeset:
    changeset = get_object_or_404(
        Changeset.objects.select_related("author", "reviewed_by", "institution"), pk=changeset_id
    )
    if changeset.author_id != request.user.pk and not is_steward(request.user):
        raise Http404(_("No such changeset."))
    return changeset


@login_required
def changeset_detail(request: HttpRequest, changeset_id: int) -> HttpResponse:
    changeset = _own_or_reviewable(request, changeset_id)
    steward = is_steward(request.user)
    context = _changeset_view(changeset, request.user, with_conflicts=changeset.status in OPEN)
    context.update(
        {
            "section": "contribute",
            "is_author": changeset.author_id == request.user.pk,
            "may_review": steward
            and changeset.author_id != request.user.pk
            and changeset.status in OPEN,
            "open": changeset.status in OPEN,
            "review_form": ReviewForm(),
        }
    )
    return render(request, "contributions/changeset.html", context)


@login_required
@require_POST
def withdraw(request: HttpRequest, changeset_id: int) -> HttpResponse:
    try:
        services.withdraw(request.user, changeset_id)
    except ContributionError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The changeset is withdrawn."))
    return redirect("contributions:mine")


# --- review --------------------------------------------------------------------------------------


@login_required
@require_POST
def review(request: HttpRequest, changeset_id: int) -> HttpResponse:
    _require_steward(request)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve, reject or ask for more."))
        return redirect("contributions:queue")
    decision, comment = form.cleaned_data["decision"], form.cleaned_data["comment"]
    action = {
        "approve": services.approve,
        "reject": services.reject,
        "ask": services.ask_for_more,
    }[decision]
    try:
        action(request.user, changeset_id, comment)
    except Invalid as exc:
        messages.error(request, exc.message)
    except ContributionError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    else:
        done = {
            "approve": _("Changeset %(id)s is approved and published."),
            "reject": _("Changeset %(id)s is rejected."),
            "ask": _("Changeset %(id)s is sent back to its author."),
        }[decision]
        messages.success(request, done % {"id": changeset_id})
    return redirect("contributions:queue")


# --- history -------------------------------------------------------------------------------------


def _sources_of(user: Any, changeset_ids: set[int]) -> dict[int, list]:
    """The visible sources each changeset cites, in one query for a whole history page."""
    from nscap.sources.models import Source

    cited: dict[int, list] = {}
    for source in (
        Source.objects.visible_to(user)
        .filter(changesets__in=changeset_ids)
        .annotate(cited_by=F("changesets"))
    ):
        cited.setdefault(source.cited_by, []).append(source)
    return cited


def _deleted_title(rt, deletion: HistoryEntry, user: Any) -> str:
    """The title a deleted record had, as ``user`` may see it."""
    shown = Redaction(user).redact(rt, deletion.before) or {}
    return str(shown.get(rt.title_field) or "")


def history(request: HttpRequest, record_type: str, key: str) -> HttpResponse:
    """A record's history: who, when, what, which sources. 404 when the record is hidden.

    Every entry's values go through ``redaction`` (hidden links blank, versions the viewer may
    not see withheld), loaded for the whole page at once."""
    rt = RECORD_TYPES.get(record_type)
    if rt is None:
        raise Http404(_("Unknown record type."))
    record = rt.model.objects.visible_to(request.user).filter(key=key).first()
    # A deleted record's history stays readable to whoever could see it then (issue 16).
    deletion = reverting.deletion_seen_by(request.user, rt, key) if record is None else None
    if record is None and deletion is None:
        raise Http404(_("No such record."))
    entries = (
        HistoryEntry.objects.filter(record_type=rt.name, record_key=key)
        .select_related(
            "actor",
            "changeset",
            "changeset__institution",
            "changeset__author",
            "changeset__reviewed_by",
        )
        .order_by("-at", "-id")
    )
    may_revert = can_contribute(request.user)
    entries = list(entries)
    shown = redact_pairs(Redaction(request.user), [(rt.name, e.before, e.after) for e in entries])
    sources = _sources_of(request.user, {e.changeset_id for e in entries} - {None})
    rows = []
    for entry, (before, after) in zip(entries, shown, strict=True):
        verb = entry.action.rsplit(".", 1)[-1]
        diff, withheld = shown_rows(verb, before, after, rt.model)
        rows.append(
            {
                "entry": entry,
                "verb": verb,
                "verb_label": VERB_LABELS.get(verb, verb),
                "rows": diff,
                "withheld": withheld,
                "message": "" if withheld else entry.message,
                "sources": sources.get(entry.changeset_id, []),
                "revertable": may_revert
                and record is not None
                and verb in ("create", "update")
                and not withheld,
                "credit": credit(entry),
            }
        )
    page = RECORD_PAGES.get(rt.name) if record is not None else None
    title = (
        getattr(record, rt.title_field, "")
        if record is not None
        else _deleted_title(rt, deletion, request.user)
    )
    return render(
        request,
        "contributions/history.html",
        {
            "record": record,
            "record_key": key,
            "deletion": deletion,
            "may_restore": may_revert and deletion is not None,
            "record_type": rt.name,
            "record_name": record_type_label(rt.name),
            "title": title or key,
            "page_url_name": page,
            "rows": rows,
            "editable": record is not None and rt.name in FORMS and can_contribute(request.user),
        },
    )


# --- confirmation --------------------------------------------------------------------------------


@login_required
def confirmations(request: HttpRequest) -> HttpResponse:
    """Claims other institutions make about the user's institutions: confirm or dispute."""
    claims = list(confirmation.claims_about_my_institutions(request.user))
    waiting = [claim for claim in claims if claim.confirmation == Confirmation.CLAIMED]
    return render(
        request,
        "contributions/confirmations.html",
        {
            "section": "contribute",
            "waiting": waiting,
            "answered": [claim for claim in claims if claim.confirmation != Confirmation.CLAIMED],
            "form": ConfirmationForm(),
        },
    )


@login_required
@require_POST
def answer_claim(request: HttpRequest, key: str) -> HttpResponse:
    form = ConfirmationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose confirm or dispute."))
        return redirect("contributions:confirmations")
    try:
        claim = confirmation.answer_claim(
            request.user, key, form.cleaned_data["answer"], form.cleaned_data["comment"]
        )
    except ContributionError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        if exc.status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The claim of %(claimant)s is now %(state)s.")
            % {"claimant": claim.claimant.name, "state": claim.get_confirmation_display()},
        )
        # Back to the card just answered, which now stands among the answered claims.
        return redirect(f"{reverse('contributions:confirmations')}#claim-{claim.key}")
    return redirect("contributions:confirmations")
