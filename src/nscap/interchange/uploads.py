"""Uploaded files between the check and the submit: kept only while a checked import waits.

Rule (issue 12, finding 20): an uploaded file is written to disk only to be checked, and it
stays there only while a dry run that passed waits for its submit, and at most
``NSCAP_IMPORT_UPLOAD_TTL`` seconds (24 hours). It is deleted when the import is submitted,
refused (unreadable, with errors, nothing to import, not allowed, or failing), or cancelled, and
when it expires: every upload deletes the expired ones first, and ``nscap purge-uploads`` does
it from cron (a user who walks away leaves nothing behind for longer than the expiry).

Who may use a pending upload: only the user who uploaded it, in the session that uploaded it.
The session maps a random token to the upload's name, options and owner; the file's path is
derived from the token and a sanitised suffix, never from anything the client sends later.
The errors of a refused upload are kept for its "download the problems" link in the session,
compressed and capped, so that the file itself can go at once.
"""

from __future__ import annotations

import base64
import re
import secrets
import time
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from nscap.interchange.limits import limit

SESSION_KEY = "nscap_interchange_uploads"
MAX_PER_SESSION = 5  # pending uploads and error reports a session keeps; the oldest go first
ERROR_REPORT_MAX_BYTES = 256 * 1024  # compressed; a longer report is cut (the CLI gives all)
_SUFFIX = re.compile(r"\.[a-z0-9]{1,9}")


@dataclass
class PendingUpload:
    """A checked file waiting on disk for its submit (or its expiry)."""

    token: str
    name: str
    suffix: str
    record_type: str
    encoding: str
    owner: int

    @property
    def path(self) -> Path:
        return upload_dir() / f"{self.token}{self.suffix}"


def upload_dir() -> Path:
    """Where pending uploads live: ``imports/`` under the data directory."""
    directory = Path(settings.DATA_DIR) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _expired(path: Path, now: float) -> bool:
    return path.stat().st_mtime < now - limit("NSCAP_IMPORT_UPLOAD_TTL")


def purge_expired(now: float | None = None) -> int:
    """Delete every upload older than the expiry; the number deleted. Safe to run at any time
    and from any process: a file that another process deletes first is skipped."""
    now = time.time() if now is None else now
    deleted = 0
    for path in upload_dir().iterdir():
        try:
            if path.is_file() and _expired(path, now):
                path.unlink()
                deleted += 1
        except FileNotFoundError:
            continue
    return deleted


def _entries(request: HttpRequest) -> dict[str, dict[str, Any]]:
    return dict(request.session.get(SESSION_KEY, {}))


def _store(request: HttpRequest, entries: dict[str, dict[str, Any]]) -> None:
    while len(entries) > MAX_PER_SESSION:
        oldest = min(entries, key=lambda token: entries[token].get("at", 0))
        _delete_file(entries.pop(oldest))
    request.session[SESSION_KEY] = entries


def _delete_file(entry: dict[str, Any]) -> None:
    if entry.get("upload"):
        PendingUpload(**entry["upload"]).path.unlink(missing_ok=True)


def save(
    request: HttpRequest, uploaded: UploadedFile, record_type: str, encoding: str
) -> PendingUpload:
    """Write ``uploaded`` to disk for its check (expired uploads of anyone are deleted first)."""
    purge_expired()
    name = PurePath(uploaded.name or "upload").name[:200]
    suffix = PurePath(name).suffix.lower()
    upload = PendingUpload(
        token=secrets.token_urlsafe(16),
        name=name,
        suffix=suffix if _SUFFIX.fullmatch(suffix) else "",
        record_type=record_type,
        encoding=encoding,
        owner=request.user.pk,
    )
    with upload.path.open("wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    entries = _entries(request)
    entries[upload.token] = {"upload": asdict(upload), "at": time.time()}
    _store(request, entries)
    return upload


def _entry(request: HttpRequest, token: str) -> dict[str, Any]:
    entry = _entries(request).get(token)
    upload = (entry or {}).get("upload") or (entry or {}).get("errors_of") or {}
    if entry is None or upload.get("owner") != request.user.pk:
        raise Http404(_("This upload is no longer here; upload the file again."))
    return entry


def pending(request: HttpRequest, token: str) -> PendingUpload:
    """The caller's own upload behind ``token``, on disk and not expired; 404 otherwise (an
    expired one is deleted on the way)."""
    entry = _entry(request, token)
    if not entry.get("upload"):
        raise Http404(_("This upload is no longer here; upload the file again."))
    upload = PendingUpload(**entry["upload"])
    try:
        expired = _expired(upload.path, time.time())
    except FileNotFoundError:
        expired = True
    if expired:
        discard(request, upload)
        raise Http404(_("This upload has expired; upload the file again."))
    return upload


def discard(request: HttpRequest, upload: PendingUpload, errors: bytes | None = None) -> None:
    """Delete the file (submitted, refused or cancelled) and forget it; a refused upload's
    error report (CSV bytes), when given, is kept in its place for the download link.

    The report is compressed and cut to ``ERROR_REPORT_MAX_BYTES`` so that a session stays
    small; the page says how many problems there are and ``nscap import --errors`` gives all.
    """
    upload.path.unlink(missing_ok=True)
    entries = _entries(request)
    entries.pop(upload.token, None)
    if errors is not None:
        entries[upload.token] = {
            "errors_of": asdict(upload),
            "errors": base64.b64encode(_packed(errors)).decode("ascii"),
            "at": time.time(),
        }
    _store(request, entries)


def _packed(report: bytes) -> bytes:
    packed = zlib.compress(report, 6)
    if len(packed) <= ERROR_REPORT_MAX_BYTES:
        return packed
    cut = report[: len(report) * ERROR_REPORT_MAX_BYTES // len(packed) // 2]
    cut = cut[: cut.rfind(b"\n") + 1]
    return zlib.compress(cut + _("(cut: more problems than fit)").encode() + b"\n", 6)


def error_report(request: HttpRequest, token: str) -> bytes:
    """The kept error report of the caller's own refused upload; 404 otherwise."""
    entry = _entry(request, token)
    if not entry.get("errors"):
        raise Http404(_("This upload has no problems to report."))
    return zlib.decompress(base64.b64decode(entry["errors"]))
