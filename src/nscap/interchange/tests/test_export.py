"""Export: every format, only what the viewer may see (records, references and nested rows),
formula cells escaped, and export-then-import of the same file changes nothing."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.contrib.auth.models import AnonymousUser

from nscap.activities.models import EventPartner
from nscap.contributions import services
from nscap.contributions.models import Changeset, HistoryEntry
from nscap.interchange.exporter import ExportError, export
from nscap.interchange.importer import run_import
from nscap.testing.factories import make_course, make_event, make_institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world):
    hidden = make_institution(key="hidden-centre", name="Hidden Centre", sensitivity="restricted")
    course = make_course(key="pp-course", provider=world.insa, title="=cmd|' /C calc'!A0")
    course.topics.add(world.topic)
    public = make_event(
        key="ev-public",
        host=world.insa,
        course=course,
        title="+Physical protection",
        participants=20,
        note="-minus note",
        city="@Daejeon",
    )
    public.topics.add(world.topic)
    EventPartner.objects.create(event=public, institution=world.iscn, role="funder")
    EventPartner.objects.create(event=public, institution=hidden, role="co_organiser")
    make_event(
        key="ev-insa-restricted", host=world.insa, title="zq canary insa", sensitivity="restricted"
    )
    make_event(
        key="ev-iscn-restricted", host=world.iscn, title="zq canary iscn", sensitivity="restricted"
    )
    return hidden


def _csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_export_escapes_formulas_and_shows_only_visible(world, records):
    content, content_type, name = export(AnonymousUser(), "csv", "training_event")
    assert content_type.startswith("text/csv") and name == "nscap-training_event.csv"
    rows = {row["key"]: row for row in _csv_rows(content)}
    assert set(rows) == {"ev-public"}
    row = rows["ev-public"]
    assert row["title"] == "'+Physical protection"
    assert row["note"] == "'-minus note" and row["city"] == "'@Daejeon"
    assert row["partners"] == "iscn (funder)"  # the hidden partner is not named
    assert b"hidden-centre" not in content and b"canary" not in content
    courses = _csv_rows(export(AnonymousUser(), "csv", "course")[0])
    assert courses[0]["title"].startswith("'=")


def test_xlsx_export_has_no_formulas(world, records):
    from openpyxl import load_workbook

    content, _type, _name = export(world.steward, "xlsx")
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames[:3] == ["institution", "milestone", "course"]
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    rows = list(book["course"].iter_rows(values_only=True))
    titles = [row[rows[0].index("title")] for row in rows]
    assert "'=cmd|' /C calc'!A0" in titles


def test_contributor_sees_own_restricted_records_not_others(world, records):
    lines = export(world.contributor, "jsonl", "training_event")[0].decode().splitlines()
    keys = {json.loads(line)["key"] for line in lines}
    assert keys == {"ev-public", "ev-insa-restricted"}
    steward_keys = {
        json.loads(line)["key"]
        for line in export(world.steward, "jsonl", "training_event")[0].decode().splitlines()
    }
    assert "ev-iscn-restricted" in steward_keys


def test_jsonld_uses_schema_org(world, records):
    document = json.loads(export(AnonymousUser(), "jsonld")[0])
    assert document["@context"]["@vocab"] == "https://schema.org/"
    types = {node["@type"] for node in document["@graph"]}
    assert {"Organization", "Course", "CourseInstance"} <= types
    event = next(n for n in document["@graph"] if n["@type"] == "CourseInstance")
    assert event["organizer"]["@id"].endswith("/id/institution/insa")
    assert event["isPartOf"]["@id"].endswith("/id/course/pp-course")
    assert "hidden-centre" not in json.dumps(document)


def test_all_types_csv_is_a_zip(world, records):
    content, content_type, name = export(AnonymousUser(), "csv")
    assert content_type == "application/zip" and name.endswith(".zip")
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert "training_event.csv" in names and "institution.csv" in names


def test_unknown_format_or_type():
    with pytest.raises(ExportError):
        export(AnonymousUser(), "pdf")
    with pytest.raises(ExportError):
        export(AnonymousUser(), "csv", "planet")


@pytest.mark.parametrize(("fmt", "filename"), [("xlsx", "all.xlsx"), ("csv", "all.zip")])
@pytest.mark.parametrize("who", ["steward", "contributor"])
def test_export_then_import_is_a_no_op(world, records, fmt, filename, who):
    user = getattr(world, who)
    content = export(user, fmt)[0]
    changesets, history = Changeset.objects.count(), HistoryEntry.objects.count()
    result = run_import(user, filename, content)
    assert result.plan.ok, result.plan.errors[:5]
    assert result.changeset is None, [
        (r.record_type, r.key, r.changed) for r in result.plan.rows if r.action != "unchanged"
    ]
    assert result.plan.count("unchanged") > 5
    assert (Changeset.objects.count(), HistoryEntry.objects.count()) == (changesets, history)


def test_exported_file_edited_then_imported_keeps_hidden_partners(world, records):
    content = export(world.contributor, "csv", "training_event")[0].decode("utf-8-sig")
    edited = content.replace("iscn (funder)", "iscn (funder); nssc-one (supporter)")
    result = run_import(world.contributor, "training_event.csv", edited.encode())
    assert result.plan.ok, result.plan.errors
    assert result.changeset.status == "pending"
    services.approve(world.steward, result.changeset.pk)
    partners = set(
        EventPartner.objects.filter(event__key="ev-public").values_list(
            "institution__key", flat=True
        )
    )
    # the contributor's file never named the hidden partner; importing it must not drop it
    assert partners == {"iscn", "nssc-one", "hidden-centre"}
