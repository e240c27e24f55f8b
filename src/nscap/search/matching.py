"""How the folded words of a query find index entries, per database.

* SQLite 3.34 or later: the FTS5 table ``search_entry_fts`` with the ``trigram`` tokenizer
  (migration 0002). A trigram index finds any substring of three characters or more, so it
  finds words, prefixes and the middle of Chinese, Japanese and Korean names that have no
  spaces (原子力 in 日本原子力研究開発機構) alike.
* PostgreSQL: ``pg_trgm``'s GIN index on ``text`` (migration 0002) serves the same ``LIKE
  '%word%'`` conditions.
* Anything else (an SQLite older than 3.34): the same conditions as a scan of the entries,
  correct but slow on large registries; ``backend()`` says so and ``nscap search_index``
  prints it.

A word shorter than three characters (核, "EU") cannot use a trigram index; it is matched with
``LIKE`` on the entries the longer words left, or scanned when it is the whole query.
"""

from __future__ import annotations

import sqlite3
from functools import cache

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

FTS_TABLE = "search_entry_fts"
FTS_MIN_SQLITE = (3, 34, 0)
TRIGRAM = 3  # characters in a trigram: shorter words cannot use the index


def sqlite_has_trigram() -> bool:
    """Whether this SQLite library has FTS5's ``trigram`` tokenizer (3.34 and later)."""
    return sqlite3.sqlite_version_info >= FTS_MIN_SQLITE


@cache
def _fts_table_exists(alias: str) -> bool:
    with connection.cursor() as cursor:
        return FTS_TABLE in connection.introspection.table_names(cursor)


def backend() -> str:
    """``fts5-trigram``, ``pg_trgm`` or ``scan`` (no index: every entry is read)."""
    if connection.vendor == "postgresql":
        return "pg_trgm"
    if connection.vendor == "sqlite" and _fts_table_exists(connection.alias):
        return "fts5-trigram"
    return "scan"


def words_q(words: list[str]) -> Q:
    """Entries whose folded text contains every one of ``words`` (each already folded).

    The text index is read once here: when it finds at most ``FEW`` entries, the condition is
    their ids, so the counts, the groups and the facets of one search do not each run the text
    match again (35 ms a time for "nuclear security" at 100,000 events, five times a page).
    """
    condition = Q()
    if backend() == "fts5-trigram":
        indexed = [word for word in words if len(word) >= TRIGRAM]
        words = [word for word in words if len(word) < TRIGRAM]
        if indexed:
            expression = " AND ".join('"' + word.replace('"', '""') + '"' for word in indexed)
            # The query is a bound parameter; only the constant table name is formatted in.
            sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
            condition &= _few_or_all(sql, [expression])
    for word in words:
        condition &= Q(text__contains=word)
    return condition


FEW = 5_000  # matches up to which the condition is a list of ids


def _few_or_all(sql: str, params: list) -> Q:
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT {FEW + 1}", params)
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) <= FEW:
        return Q(pk__in=ids)
    return Q(pk__in=RawSQL(sql, params))  # noqa: S611 - bound parameters, constant SQL
