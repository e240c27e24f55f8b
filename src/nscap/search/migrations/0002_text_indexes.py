"""The text index of the search entries, per database (``search.matching`` reads it).

SQLite 3.34+: an FTS5 table with the trigram tokenizer, kept in step with
``search_searchentry`` by triggers. PostgreSQL: the ``pg_trgm`` extension and a GIN trigram
index on ``text``. Elsewhere (an older SQLite) nothing: search then scans the entries.
"""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE search_entry_fts USING fts5("
    "text, content='search_searchentry', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER search_entry_fts_insert AFTER INSERT ON search_searchentry BEGIN "
    "INSERT INTO search_entry_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER search_entry_fts_delete AFTER DELETE ON search_searchentry BEGIN "
    "INSERT INTO search_entry_fts(search_entry_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER search_entry_fts_update AFTER UPDATE ON search_searchentry BEGIN "
    "INSERT INTO search_entry_fts(search_entry_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); "
    "INSERT INTO search_entry_fts(rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO search_entry_fts(search_entry_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS search_entry_fts_insert",
    "DROP TRIGGER IF EXISTS search_entry_fts_delete",
    "DROP TRIGGER IF EXISTS search_entry_fts_update",
    "DROP TABLE IF EXISTS search_entry_fts",
]
POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX search_entry_text_trgm ON search_searchentry USING gin (text gin_trgm_ops)",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS search_entry_text_trgm"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        import sqlite3

        vendor = schema_editor.connection.vendor
        if vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 34, 0):
            return  # no trigram tokenizer: search scans the entries (search.matching)
        for statement in statements_by_vendor.get(vendor, ()):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_entries")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
