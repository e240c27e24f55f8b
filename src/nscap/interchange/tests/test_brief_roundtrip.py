"""The brief's whole data set (every record type, labels in several scripts, parents, partial
dates, partner countries) exported and imported again by a steward changes nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from nscap.contributions.models import Changeset
from nscap.contributions.record_types import RECORD_TYPES
from nscap.interchange.exporter import export
from nscap.interchange.importer import run_import
from nscap.testing.roles import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("fmt", "name"), [("xlsx", "brief.xlsx"), ("csv", "brief.zip")])
def test_brief_export_then_import_is_a_no_op(fmt, name):
    call_command("load_brief", verbosity=0)
    steward = make_user("brief-steward", steward=True)
    content = export(steward, fmt)[0]
    result = run_import(steward, name, content)
    assert result.plan.ok, result.plan.errors[:5]
    changed = [
        (r.record_type, r.key, r.changed) for r in result.plan.rows if r.action != "unchanged"
    ]
    assert changed == []
    records = sum(rt.records().count() for rt in RECORD_TYPES.values())
    assert result.plan.count("unchanged") == records > 50
    assert Changeset.objects.count() == 0
