"""The API's event order as an index: latest first, undated last, then key.

An unfiltered page of a large registry then reads 50 index entries instead of sorting every
event. SQLite refuses NULLS LAST in an index, but sorts NULL first, so its descending index gives
the same order; hence SQL per database rather than a ``Meta.indexes`` entry.
"""

from django.db import migrations

INDEX = "event_latest_first"
COLUMNS = {
    "postgresql": '"start" DESC NULLS LAST, "key"',
    "sqlite": '"start" DESC, "key"',
}


def create(apps, schema_editor):
    columns = COLUMNS.get(schema_editor.connection.vendor)
    if columns:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "activities_trainingevent" ({columns})'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor in COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [("activities", "0003_duplicates_of_reports")]

    operations = [migrations.RunPython(create, drop)]
