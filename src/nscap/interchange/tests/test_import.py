"""Import: every error kind placed by sheet/row/column, nothing written on any error, one
changeset for a valid file, re-import a no-op, dry run, label resolution, permissions."""

from __future__ import annotations

import pytest

from nscap.activities.models import TrainingEvent
from nscap.contributions.errors import NotAllowed
from nscap.contributions.models import Change, Changeset, HistoryEntry
from nscap.institutions.models import Institution
from nscap.interchange.importer import errors_csv, run_import

from .conftest import EVENT_HEADER, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


def _snapshot_db() -> tuple:
    return (
        Changeset.objects.count(),
        Change.objects.count(),
        HistoryEntry.objects.count(),
        TrainingEvent.objects.count(),
        Institution.objects.count(),
    )


def _events(*rows):
    return csv_bytes([EVENT_HEADER, *rows])


GOOD = [
    "ev-1",
    "INSA",
    "Physical protection course",
    "2024-05",
    "2024-05",
    "20",
    "physical-protection",
    "ISCN (co_organiser)",
]


def test_valid_csv_is_one_changeset_applied_for_a_steward(world):
    data = _events(GOOD, ["ev-2", "insa", "Insider threat", "2024", "", "", "", ""])
    result = run_import(world.steward, "training_event.csv", data)
    assert result.plan.ok, result.plan.errors
    changeset = result.changeset
    assert changeset.origin == "import"
    assert changeset.status == "applied"
    assert Changeset.objects.count() == 1
    assert changeset.changes.count() == 2
    event = TrainingEvent.objects.get(key="ev-1")
    assert event.host == world.insa
    assert [p.institution.key for p in event.partners.all()] == ["iscn"]
    assert HistoryEntry.objects.filter(changeset=changeset, record_key="ev-1").exists()


def test_contributor_import_waits_for_review_and_writes_no_record(world):
    result = run_import(world.contributor, "training_event.csv", _events(GOOD))
    assert result.changeset.status == "pending"
    assert not TrainingEvent.objects.filter(key="ev-1").exists()


def test_reimport_of_same_file_changes_nothing(world):
    data = _events(GOOD)
    run_import(world.steward, "training_event.csv", data)
    before = _snapshot_db()
    again = run_import(world.steward, "training_event.csv", data)
    assert again.plan.ok
    assert again.changeset is None
    assert again.plan.count("unchanged") == 1
    assert _snapshot_db() == before


def test_reimport_while_the_first_import_waits_proposes_nothing_twice(world):
    first = run_import(world.contributor, "training_event.csv", _events(GOOD))
    assert first.changeset.status == "pending"
    again = run_import(world.contributor, "training_event.csv", _events(GOOD))
    assert again.changeset is None and [r.action for r in again.plan.rows] == ["pending"]
    changed = list(GOOD)
    changed[2] = "Another title"
    third = run_import(world.contributor, "training_event.csv", _events(changed))
    assert third.changeset is not None and Changeset.objects.count() == 2


def test_update_only_what_differs(world):
    run_import(world.steward, "training_event.csv", _events(GOOD))
    changed = list(GOOD)
    changed[5] = "25"
    result = run_import(world.steward, "training_event.csv", _events(changed))
    [row] = result.plan.rows
    assert row.action == "update"
    assert set(row.changed) == {"participants"}
    change = result.changeset.changes.get()
    assert (change.before["participants"], change.data["participants"]) == (20, 25)
    assert TrainingEvent.objects.get(key="ev-1").participants == 25


def test_dry_run_reports_and_writes_nothing(world):
    before = _snapshot_db()
    result = run_import(world.steward, "training_event.csv", _events(GOOD), dry_run=True)
    assert result.plan.ok and result.changeset is None
    assert [r.action for r in result.plan.rows] == ["create"]
    assert _snapshot_db() == before


def test_every_error_kind_is_reported_at_once_with_place(world):
    data = xlsx_bytes(
        {
            "training_event": [
                EVENT_HEADER + ["colour"],  # unknown column
            ],
            "course": [
                # An unresolved provider waits for reconciliation (issue 14); its reporter
                # cannot, and is refused with the candidates.
                [
                    "key",
                    "provider",
                    "title",
                    "kind",
                    "iaea_endorsed",
                    "first_offered",
                    "reported_by",
                ],
                ["c-1", "insa", "A course", "lecture", "maybe", "2014-13", "NSSC"],
                ["c-1", "insa", "", "training", "", "", "Nowhere Institute"],
                ["", "insa", "No key", "training", "", "", ""],
            ],
            "networks": [["key"], ["x"]],
        }
    )
    before = _snapshot_db()
    result = run_import(world.steward, "book.xlsx", data)
    assert result.changeset is None
    assert _snapshot_db() == before
    found = {(e.sheet, e.row, e.column) for e in result.plan.errors}
    messages = {(e.sheet, e.row, e.column): e for e in result.plan.errors}
    assert ("training_event", 1, "colour") in found
    assert messages[("training_event", 1, "colour")].cell == "I1"
    assert ("networks", None, "") in found
    ambiguous = messages[("course", 2, "reported_by")]
    assert "ambiguous" in ambiguous.message and "nssc-one" in ambiguous.message
    assert "nssc-two" in ambiguous.message and ambiguous.value == "NSSC"
    assert ambiguous.cell == "G2"
    assert ("course", 2, "kind") in found  # not an allowed value
    assert "true or false" in messages[("course", 2, "iaea_endorsed")].message
    assert ("course", 2, "first_offered") in found  # month 13
    assert "twice" in messages[("course", 3, "key")].message
    assert "No institution" in messages[("course", 3, "reported_by")].message
    assert ("course", 3, "title") in found  # required, blank
    assert "needs a key" in messages[("course", 4, "key")].message
    report = errors_csv(result.plan.errors).decode("utf-8-sig")
    assert report.splitlines()[0] == "sheet,row,column,cell,value,message"
    assert "course,2,reported_by,G2,NSSC," in report


def test_missing_required_column_is_an_error_on_rows_that_create(world):
    data = csv_bytes([["key", "title"], ["e", "T"]])
    result = run_import(world.steward, "training_event.csv", data)
    assert [(e.row, e.column) for e in result.plan.errors] == [(2, "host")]
    result = run_import(world.steward, "training_event.csv", csv_bytes([["title"], ["T"]]))
    assert [(e.row, e.column) for e in result.plan.errors] == [(1, "key")]


def test_one_bad_row_means_nothing_is_written(world):
    bad = list(GOOD)
    bad[0], bad[3] = "ev-bad", "last spring"
    before = _snapshot_db()
    result = run_import(world.steward, "training_event.csv", _events(GOOD, bad))
    assert [(e.row, e.column) for e in result.plan.errors] == [(3, "start")]
    assert _snapshot_db() == before


def test_institutions_named_by_any_label_and_created_in_the_same_file(world):
    data = xlsx_bytes(
        {
            "institution": [
                ["key", "name", "kind", "country", "labels"],
                ["new-centre", "New Centre", "university", "VN", "NC (en, Latn, acronym)"],
            ],
            "training_event": [
                ["key", "host", "title", "partners"],
                ["ev-ko", "국제핵비확산안보아카데미", "Korean-named host", "New Centre (funder)"],
                ["ev-new", "new-centre", "Hosted by a new centre", ""],
            ],
        }
    )
    result = run_import(world.steward, "book.xlsx", data)
    assert result.plan.ok, result.plan.errors
    assert TrainingEvent.objects.get(key="ev-ko").host == world.insa
    assert TrainingEvent.objects.get(key="ev-new").host.key == "new-centre"
    assert TrainingEvent.objects.get(key="ev-ko").partners.get().institution.key == "new-centre"
    again = run_import(world.steward, "book.xlsx", data)
    assert again.changeset is None and again.plan.count("unchanged") == 3


def test_users_who_may_not_propose_are_refused(world):
    with pytest.raises(NotAllowed):
        run_import(world.outsider, "training_event.csv", _events(GOOD))
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAllowed):
        run_import(AnonymousUser(), "training_event.csv", _events(GOOD))
    assert Changeset.objects.count() == 0


def test_a_key_taken_by_a_hidden_record_is_an_error(world):
    from nscap.testing.factories import make_event

    make_event(key="secret-ev", host=world.iscn, sensitivity="restricted")
    row = list(GOOD)
    row[0] = "secret-ev"
    result = run_import(world.contributor, "training_event.csv", _events(row))
    assert [(e.row, e.column) for e in result.plan.errors] == [(2, "key")]
    assert "secret" not in result.plan.errors[0].message.replace("secret-ev", "")


def test_csv_record_type_needed(world):
    result = run_import(world.steward, "events-2024.csv", _events(GOOD))
    assert result.plan.errors[0].row is None
    assert "record type" in result.plan.errors[0].message
    result = run_import(
        world.steward, "events-2024.csv", _events(GOOD), record_type="training_event"
    )
    assert result.plan.ok


def test_parent_created_by_the_same_file_comes_first(world):
    data = csv_bytes(
        [
            ["key", "name", "kind", "parent", "parent_role"],
            ["child-centre", "Child Centre", "center_of_excellence", "Parent Agency", "regulator"],
            ["parent-agency", "Parent Agency", "regulator", "", ""],
        ]
    )
    result = run_import(world.steward, "institution.csv", data)
    assert result.plan.ok, result.plan.errors
    assert Institution.objects.get(key="child-centre").parent.key == "parent-agency"


def test_columns_left_out_keep_their_values(world):
    run_import(world.steward, "training_event.csv", _events(GOOD))
    result = run_import(
        world.steward, "training_event.csv", csv_bytes([["key", "title"], ["ev-1", "Renamed"]])
    )
    assert result.plan.ok, result.plan.errors
    event = TrainingEvent.objects.get(key="ev-1")
    assert event.title == "Renamed" and event.participants == 20
    assert event.partners.count() == 1


def test_a_same_as_may_name_a_report_of_the_same_file_before_or_after_it(world):
    """A file of reports with their merges (an export of a linked registry, a steward's
    reconciled sheet) imports whole: the bulk path wrote the rows before it could resolve a
    ``same_as`` to one of them, and refused the file (issue 13)."""
    header = [*EVENT_HEADER, "reported_by", "same_as"]
    data = csv_bytes(
        [
            header,
            ["dup-1", "INSA", "PP course", "2024-05", "", "20", "", "", "iscn", "kept"],
            ["kept", *GOOD[1:], "", ""],
            ["dup-2", "INSA", "PP course", "2024-05", "", "22", "", "", "iscn", "kept"],
            ["alone", "INSA", "Insider threat", "2024", "", "", "", "", "", "no-such-key"],
        ]
    )
    refused = run_import(world.steward, "training_event.csv", data)
    assert not refused.plan.ok
    assert any("no-such-key" in e.message for e in refused.plan.errors), refused.plan.errors
    assert not TrainingEvent.objects.exists()

    ok = csv_bytes([row for row in _rows(data) if row[0] != "alone"])
    result = run_import(world.steward, "training_event.csv", ok)
    assert result.plan.ok, [e.as_dict() for e in result.plan.errors]
    kept = TrainingEvent.objects.get(key="kept")
    assert kept.same_as is None
    assert sorted(kept.duplicates.values_list("key", flat=True)) == ["dup-1", "dup-2"]
    assert kept.fused.data["reports"][0] == "kept"
    assert sorted(kept.fused.data["reports"]) == ["dup-1", "dup-2", "kept"]


def _rows(data: bytes) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(data.decode())))
