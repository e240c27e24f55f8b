"""Issue 15, found 6: one region vocabulary. "Southeast Asia" is the registry's spelling; the
other spellings sources use are read as it, by the brief loader and the analytics alike."""

import pytest

from nscap.analytics.regions import REGIONS, canonical_region, countries_of


@pytest.mark.parametrize(
    "written", ["South-East Asia", "south east asia", "  South-eastern  Asia ", "Southeast Asia"]
)
def test_spellings_of_southeast_asia_are_one_region(written):
    assert canonical_region(written) == "Southeast Asia"
    assert countries_of(written) == REGIONS["Southeast Asia"]


def test_one_name_per_region():
    assert "South-East Asia" not in REGIONS
    assert canonical_region("Asia Pacific") == "Asia Pacific"
    assert canonical_region("Atlantis") == "Atlantis" and countries_of("Atlantis") is None


@pytest.mark.django_db
def test_the_migration_rewrites_stored_aliases():
    import importlib

    from django.apps import apps

    from nscap.needs.models import NeedsAssessment
    from nscap.quantities.models import Quantity
    from nscap.testing.factories import make_needs, make_quantity

    migration = importlib.import_module("nscap.quantities.migrations.0003_one_region_vocabulary")
    needs = make_needs(region="South-East Asia")
    quantity = make_quantity(region="south east asia")
    other = make_quantity(region="Asia Pacific")
    migration.normalise(apps, None)
    assert NeedsAssessment.objects.get(pk=needs.pk).region == "Southeast Asia"
    assert Quantity.objects.get(pk=quantity.pk).region == "Southeast Asia"
    assert Quantity.objects.get(pk=other.pk).region == "Asia Pacific"
