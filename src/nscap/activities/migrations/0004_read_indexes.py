"""Indexes for the read API at scale (measured with bench/read_api.py at 1M events).

- ``event_country_start_covering`` replaces the (country, start) index and carries sensitivity
  and host, so counting the events of a country and year reads the index alone (PostgreSQL and
  SQLite alike).
- ``event_latest_first``: the API's event order (latest first, undated last, then key), so an
  unfiltered page reads 50 index entries instead of sorting every event. SQLite refuses NULLS
  LAST in an index but sorts NULL first, so its descending index gives the same order; hence
  SQL per database rather than a ``Meta.indexes`` entry.
"""

from django.db import migrations, models

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

    operations = [
        migrations.RemoveIndex(model_name="trainingevent", name="activities__country_96a326_idx"),
        migrations.AddIndex(
            model_name="trainingevent",
            index=models.Index(
                fields=["country", "start", "sensitivity", "host"],
                name="event_country_start_covering",
            ),
        ),
        migrations.RunPython(create, drop),
    ]
