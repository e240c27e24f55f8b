"""Limits on what an import reads, each a setting with a default (see docs/contributing-data.md).

A file past a limit is refused before it is parsed, with a message that names the limit.
"""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    "NSCAP_IMPORT_MAX_BYTES": 20 * 1024 * 1024,  # the uploaded file itself
    "NSCAP_IMPORT_MAX_ROWS": 200_000,  # data rows over all sheets
    "NSCAP_IMPORT_MAX_UNCOMPRESSED_BYTES": 200 * 1024 * 1024,  # XLSX: sum of its parts, unzipped
    "NSCAP_IMPORT_MAX_ZIP_ENTRIES": 500,  # XLSX: parts in the zip
    "NSCAP_IMPORT_UPLOAD_TTL": 24 * 60 * 60,  # seconds a checked upload waits for its submit
}


def limit(name: str) -> int:
    """The configured value of limit ``name`` (a key of ``DEFAULTS``)."""
    return int(getattr(settings, name, DEFAULTS[name]))
