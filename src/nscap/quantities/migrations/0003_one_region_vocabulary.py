"""One spelling per region (issue 15, found 6): stored aliases such as "South-East Asia" become
the registry's "Southeast Asia" (analytics.regions.REGION_ALIASES, copied here so the
migration does not change when the code does)."""

from django.db import migrations

ALIASES = {
    "south-east asia": "Southeast Asia",
    "south east asia": "Southeast Asia",
    "south-eastern asia": "Southeast Asia",
    "southeastern asia": "Southeast Asia",
}


def normalise(apps, schema_editor):
    """Figures and needs assessments both name regions; both are rewritten here."""
    for app, name in (("quantities", "Quantity"), ("needs", "NeedsAssessment")):
        model = apps.get_model(app, name)
        for row in model.objects.exclude(region="").only("pk", "region"):
            canonical = ALIASES.get(" ".join(row.region.split()).lower())
            if canonical and canonical != row.region:
                model.objects.filter(pk=row.pk).update(region=canonical)


class Migration(migrations.Migration):
    dependencies = [
        ("quantities", "0002_countries_and_validation"),
        ("needs", "0002_countries_and_validation"),
    ]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
