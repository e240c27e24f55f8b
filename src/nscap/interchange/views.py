"""Import and export pages: templates, export, and the upload page (check first, then submit).

Views stay thin: reading and checking is ``importer``, writing is ``contributions.services``
(through ``importer.submit``), reading records is ``exporter`` (through ``visible_to``).
An uploaded file is kept on disk between the check and the submit only while a checked import
waits, and never past its expiry (``uploads`` states the rule and who may use it).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nscap.accounts.selectors import can_contribute
from nscap.contributions.errors import NotAllowed
from nscap.contributions.record_types import RECORD_TYPES
from nscap.interchange import exporter, importer, uploads
from nscap.interchange.encodings import LEGACY_ENCODINGS
from nscap.interchange.limits import limit
from nscap.interchange.readers import ReadError
from nscap.interchange.template_files import TEMPLATES

SHOWN_ERRORS = 500
ENCODINGS = ("utf-8", "utf-16", *LEGACY_ENCODINGS)


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def index(request: HttpRequest) -> HttpResponse:
    """Templates, export and (for contributors) import, on one page."""
    return render(
        request,
        "interchange/index.html",
        {
            "record_types": list(RECORD_TYPES),
            "export_types": exporter.table_names(),
            "formats": list(exporter.FORMATS),
            "may_import": can_contribute(request.user),
        },
    )


def template(request: HttpRequest, template_format: str) -> HttpResponse:
    """A blank template: XLSX workbook or zip of CSV files."""
    if template_format not in TEMPLATES:
        raise Http404(_("No such template."))
    filename, build, content_type = TEMPLATES[template_format]
    return _attachment(build(request.user), content_type, filename)


def export(request: HttpRequest) -> HttpResponse:
    """Everything the viewer may see, in the format asked for (a form when none is)."""
    export_format = request.GET.get("format")
    if not export_format:
        return redirect("interchange:index")
    try:
        content, content_type, filename = exporter.export(
            request.user, export_format, request.GET.get("type") or None
        )
    except exporter.ExportError as exc:
        return render(
            request,
            "interchange/index.html",
            {"error": str(exc), **_index_context(request)},
            status=400,
        )
    return _attachment(content, content_type, filename)


def _index_context(request: HttpRequest) -> dict[str, Any]:
    return {
        "record_types": list(RECORD_TYPES),
        "export_types": exporter.table_names(),
        "formats": list(exporter.FORMATS),
        "may_import": can_contribute(request.user),
    }


def _refuse(request: HttpRequest) -> HttpResponse:
    message = _("Only stewards and members of an institution may import data.")
    if request.accepts("application/json") and not request.accepts("text/html"):
        return JsonResponse({"detail": message}, status=403)
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied(message)


def _plan(
    request: HttpRequest,
    upload: uploads.PendingUpload,
    dry_run: bool = True,
    comment: str = "",
) -> importer.ImportResult:
    return importer.run_import(
        request.user,
        upload.name,
        upload.path.read_bytes(),
        record_type=upload.record_type or None,
        encoding=upload.encoding or None,
        dry_run=dry_run,
        comment=comment,
    )


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST: keep the file and show the dry run (every error, or what
    would be created, changed and left alone)."""
    if not can_contribute(request.user):
        return _refuse(request)
    context: dict[str, Any] = {
        "record_types": list(RECORD_TYPES),
        "encodings": ENCODINGS,
        "max_mb": limit("NSCAP_IMPORT_MAX_BYTES") // 2**20,
    }
    if request.method != "POST":
        return render(request, "interchange/upload.html", context)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        context["read_error"] = _("Choose a file to upload.")
        return render(request, "interchange/upload.html", context, status=400)
    if uploaded.size > limit("NSCAP_IMPORT_MAX_BYTES"):
        context["read_error"] = _(
            "The file is %(size).1f MB, more than the limit of %(limit)d MB."
        ) % {
            "size": uploaded.size / 2**20,
            "limit": limit("NSCAP_IMPORT_MAX_BYTES") // 2**20,
        }
        return render(request, "interchange/upload.html", context, status=400)
    encoding = request.POST.get("encoding") or ""
    if encoding not in ENCODINGS:
        encoding = ""
    upload = uploads.save(request, uploaded, request.POST.get("record_type") or "", encoding)
    try:
        result = _checked(request, upload)
    except ReadError as exc:
        context["read_error"] = str(exc)
        return render(request, "interchange/upload.html", context, status=400)
    except NotAllowed:
        return _refuse(request)
    return _report(request, upload, result.plan, context)


def _waits(plan: importer.ImportPlan) -> bool:
    return plan.ok and bool(plan.changes)


def _checked(
    request: HttpRequest, upload: uploads.PendingUpload, dry_run: bool = True, comment: str = ""
) -> importer.ImportResult:
    """Run the import on a kept upload. Unless it is a dry run that now waits for its submit,
    the file is deleted whatever happened: submitted, refused (its error report is kept),
    nothing to import, or an exception."""
    result = None
    try:
        result = _plan(request, upload, dry_run, comment)
        return result
    finally:
        if not (dry_run and result is not None and _waits(result.plan)):
            errors = result.plan.errors if result is not None else []
            uploads.discard(request, upload, importer.errors_csv(errors) if errors else None)


def _report(
    request: HttpRequest,
    upload: uploads.PendingUpload,
    plan: importer.ImportPlan,
    context: dict,
) -> HttpResponse:
    context.update(
        {
            "token": upload.token,
            "name": upload.name,
            "plan": plan,
            "may_submit": _waits(plan),
            "errors": plan.errors[:SHOWN_ERRORS],
            "more_errors": max(0, len(plan.errors) - SHOWN_ERRORS),
            "counts": plan.counts_by_type(),
            "changed_rows": [row for row in plan.rows if row.action != "unchanged"][:SHOWN_ERRORS],
        }
    )
    return render(request, "interchange/report.html", context, status=200 if plan.ok else 422)


@login_required
@require_POST
def submit(request: HttpRequest, token: str) -> HttpResponse:
    """Submit a checked upload as one changeset (checked again: the registry may have moved)."""
    if not can_contribute(request.user):
        return _refuse(request)
    upload = uploads.pending(request, token)
    try:
        result = _checked(request, upload, dry_run=False, comment=request.POST.get("comment", ""))
    except ReadError as exc:
        messages.error(request, str(exc))
        return redirect("interchange:upload")
    except NotAllowed:
        return _refuse(request)
    if not result.plan.ok:
        return _report(request, upload, result.plan, {"record_types": list(RECORD_TYPES)})
    if result.changeset is None:
        messages.info(request, _("Nothing to import: every row matches the registry already."))
        return redirect("interchange:upload")
    messages.success(
        request,
        _("Submitted as changeset %(id)d (%(status)s).")
        % {"id": result.changeset.pk, "status": result.changeset.get_status_display()},
    )
    return redirect("contributions:changeset", changeset_id=result.changeset.pk)


@login_required
@require_POST
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    """Drop a checked upload instead of submitting it: the file is deleted at once."""
    uploads.discard(request, uploads.pending(request, token))
    messages.info(request, _("The upload was cancelled and its file deleted."))
    return redirect("interchange:upload")


@login_required
def error_report(request: HttpRequest, token: str) -> HttpResponse:
    """The errors of a refused upload as a CSV file (kept in the session; the file is gone)."""
    if not can_contribute(request.user):
        return _refuse(request)
    return _attachment(
        uploads.error_report(request, token), "text/csv; charset=utf-8", "nscap-import-errors.csv"
    )
