"""A system check that says so when search has no text index (``nscap check``, ``serve``)."""

from __future__ import annotations

import sqlite3

from django.core.checks import Warning as CheckWarning
from django.db import connections

from nscap.search.matching import FTS_MIN_SQLITE


def sqlite_without_trigram(app_configs=None, **kwargs) -> list[CheckWarning]:
    """On an SQLite older than 3.34 (no FTS5 trigram tokenizer) search scans every entry."""
    if connections["default"].vendor != "sqlite" or sqlite3.sqlite_version_info >= FTS_MIN_SQLITE:
        return []
    return [
        CheckWarning(
            f"SQLite {sqlite3.sqlite_version} has no FTS5 trigram tokenizer (3.34 or later): "
            "search works but reads every index entry, which is slow on a large registry.",
            hint="Use a Python built with SQLite 3.34 or later, or PostgreSQL, then run "
            "`nscap migrate` (the index is created by search's migration 0002).",
            id="search.W001",
        )
    ]
