"""Required institutions reconcile too (issue 14): a course's provider, an aggregate claim's
claimant, a milestone's institution, a source's submitter and an institution's parent, when
the name is unknown, ambiguous or misspelt, are held as written and queued, never refused."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client

from nscap.activities.models import AggregateClaim, Course
from nscap.contributions.models import HistoryEntry
from nscap.institutions.models import Institution, Label, Milestone
from nscap.interchange.importer import run_import
from nscap.reconciliation import selectors, services
from nscap.reconciliation.models import NameMention
from nscap.reconciliation.selectors import GroupKey
from nscap.sources.models import Source

AMBIGUOUS, MISSPELT, UNKNOWN = (
    "NSSC",
    "Internatinal Nuclear Nonproliferation and Security Acadmy",
    "Ministry of Somewhere",
)
NAMES = {"nssc": AMBIGUOUS, "typo": MISSPELT, "unknown": UNKNOWN, "ok": "INSA"}
# Record type -> (model, the reference, its text twin, the row's other columns).
REQUIRED: dict[str, tuple[Any, str, str, dict[str, Any]]] = {
    "course": (Course, "provider", "provider_text", {"title": "Course"}),
    "aggregate_claim": (
        AggregateClaim,
        "claimant",
        "claimant_text",
        {"description": "20 courses", "country": "MY", "people": 30, "period_start": "2019"},
    ),
    "milestone": (Milestone, "institution", "institution_text", {"kind": "inaugurated"}),
    "source": (Source, "owner", "owner_text", {"title": "Report", "kind": "report"}),
    "institution": (
        Institution,
        "parent",
        "parent_text",
        {"name": "Child", "kind": "nssc", "country": "MY", "parent_role": "regulator"},
    ),
}


def _sheets(reporter: str, prefix: str = "r") -> dict[str, list[list[Any]]]:
    sheets = {}
    for record_type, (_model, field, _twin, other) in REQUIRED.items():
        header = ["key", field, *other, "sensitivity"]
        if record_type != "institution":
            header.append("reported_by")
        rows = [header]
        for case, text in NAMES.items():
            values = {**other}
            if record_type == "institution":
                values["name"] = f"Child {prefix} {case}"
            row = [f"{prefix}-{record_type.replace('_', '-')}-{case}", text, *values.values()]
            row.append("public")
            if record_type != "institution":
                row.append(reporter)
            rows.append(row)
        sheets[record_type] = rows
    return sheets


def _xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _key(record_type: str, case: str, prefix: str = "r") -> str:
    return f"{prefix}-{record_type.replace('_', '-')}-{case}"


def test_a_file_with_messy_names_in_every_required_column_imports_whole(world):
    result = run_import(world.steward, "messy.xlsx", _xlsx(_sheets("reporter-x")))
    assert result.plan.ok, result.plan.errors
    assert result.changeset is not None and result.changeset.status == "applied"
    for record_type, (model, field, twin, _other) in REQUIRED.items():
        for case, text in NAMES.items():
            record = model.objects.get(key=_key(record_type, case))
            if case == "ok":
                assert getattr(record, field) == world.insa, record_type
                assert getattr(record, twin) == "", record_type
            else:
                assert getattr(record, f"{field}_id") is None, (record_type, case)
                assert getattr(record, twin) == text, (record_type, case)
        held = NameMention.objects.filter(record_type=record_type, field=field)
        assert held.count() == 3, record_type
    ambiguous = NameMention.objects.get(record_key=_key("course", "nssc"))
    assert {c["key"] for c in ambiguous.candidates} == {"nssc-my", "nssc-id", "nssc-secret"}
    typo = NameMention.objects.get(record_key=_key("milestone", "typo"))
    assert typo.candidates[0]["key"] == "insa"
    # The dry run groups by name and context: a course has no country, a claim has one.
    groups = result.plan.unreconciled()
    assert {"text": "NSSC", "country": "MY", "reported_by": "reporter-x", "rows": 1} in groups
    assert {"text": "NSSC", "country": "", "reported_by": "reporter-x", "rows": 3} in groups


def test_resolving_a_group_fills_the_reference_on_every_row_and_is_undone(world):
    run_import(world.steward, "messy.xlsx", _xlsx(_sheets("reporter-x")))
    group = GroupKey("nssc", "", "reporter-x")  # course, milestone and source rows
    assert selectors.group_mentions(world.steward, group).count() == 3
    result = services.decide(world.steward, group, "pick", institution="nssc-my")
    assert result.rows == 3 and result.applied
    for record_type in ("course", "milestone", "source"):
        model, field, twin, _other = REQUIRED[record_type]
        record = model.objects.get(key=_key(record_type, "nssc"))
        assert getattr(record, field) == world.nssc_my and getattr(record, twin) == ""
    assert HistoryEntry.objects.filter(changeset=result.changeset).count() == 4  # 3 + alias
    learned = Label.objects.get(kind="learned")
    assert (learned.context_country, learned.context_reporter) == ("", "reporter-x")

    services.undo(world.steward, group)
    for record_type in ("course", "milestone", "source"):
        model, field, twin, _other = REQUIRED[record_type]
        record = model.objects.get(key=_key(record_type, "nssc"))
        assert getattr(record, f"{field}_id") is None and getattr(record, twin) == "NSSC"
    assert not Label.objects.filter(kind="learned").exists()
    assert selectors.group_mentions(world.steward, group).count() == 3


def test_a_parent_and_a_claimant_reconcile_in_their_country(world):
    run_import(world.steward, "messy.xlsx", _xlsx(_sheets("reporter-x")))
    parent_group = GroupKey("nssc", "MY", "")
    result = services.decide(world.steward, parent_group, "pick", institution="nssc-my")
    assert result.rows == 1
    child = Institution.objects.get(key=_key("institution", "nssc"))
    assert child.parent == world.nssc_my and child.parent_text == ""
    assert child.parent_role == "regulator"
    claim_group = GroupKey("nssc", "MY", "reporter-x")
    services.decide(world.steward, claim_group, "pick", institution="nssc-my")
    claim = AggregateClaim.objects.get(key=_key("aggregate_claim", "nssc"))
    assert claim.claimant == world.nssc_my and claim.claimant_text == ""


def test_a_learned_alias_resolves_the_next_import(world):
    run_import(world.steward, "messy.xlsx", _xlsx(_sheets("reporter-x")))
    services.decide(
        world.steward, GroupKey("nssc", "", "reporter-x"), "pick", institution="nssc-id"
    )
    result = run_import(world.steward, "again.xlsx", _xlsx(_sheets("reporter-x", prefix="s")))
    assert result.plan.ok, result.plan.errors
    for record_type in ("course", "milestone", "source"):
        model, field, _twin, _other = REQUIRED[record_type]
        record = model.objects.get(key=_key(record_type, "nssc", "s"))
        assert getattr(record, field) == world.nssc_id, record_type
    assert not NameMention.objects.filter(record_key=_key("course", "nssc", "s")).exists()


def test_an_unresolved_required_name_is_still_refused_where_nothing_holds_it(world):
    """Blank name and blank text: the schema's own error names the column, nothing written."""
    sheets = {"course": [["key", "provider", "title"], ["c-blank", "", "No provider"]]}
    result = run_import(world.steward, "blank.xlsx", _xlsx(sheets))
    assert not result.plan.ok
    assert [e.column for e in result.plan.errors] == ["provider"]
    assert not Course.objects.filter(key="c-blank").exists()


@pytest.fixture
def restricted(world):
    """Restricted rows reported by X (imported by a steward, as the regional body would)."""
    sheets = _sheets("reporter-x")
    for rows in sheets.values():
        at = rows[0].index("sensitivity")
        for row in rows[1:]:
            row[at] = "restricted"
    sheets.pop("institution")  # an institution is its own owner; not the reporter's
    result = run_import(world.steward, "theirs.xlsx", _xlsx(sheets))
    assert result.plan.ok, result.plan.errors
    return world


def test_queue_visibility_holds_for_required_names(restricted):
    world = restricted
    mine, _ = selectors.queue_groups(world.contributor)
    assert {g["text"] for g in mine} == {AMBIGUOUS, MISSPELT, UNKNOWN}
    for group in mine:  # candidates are only institutions the contributor may see
        assert "nssc-secret" not in {c["key"] for c in group["candidates"]}
    assert selectors.queue_groups(world.other_contributor)[0] == []
    # The rows themselves: seen by their reporter's members, not by another institution's.
    for model in (Course, AggregateClaim, Milestone, Source):
        assert model.objects.visible_to(world.contributor).filter(key__startswith="r-").count()
        assert not model.objects.visible_to(world.other_contributor).filter(key__startswith="r-")
        assert not model.objects.visible_to(None).filter(key__startswith="r-").exists()


@pytest.mark.parametrize(
    "path",
    [
        "/courses/",
        "/courses/r-course-nssc/",
        "/api/courses/r-course-nssc",
        "/api/courses?limit=100",
        "/api/aggregate-claims?limit=100",
        "/api/milestones?limit=100",
        "/api/sources?limit=100",
        "/api/institutions/r-institution-nssc",
        "/institutions/r-institution-nssc/",
        "/api/aggregate-claims/r-aggregate-claim-nssc",
        "/api/milestones/r-milestone-nssc",
        "/api/sources/r-source-nssc",
        "/api/institutions?limit=100",
        "/api/analytics/achievements",
        "/analytics/gaps/",
        "/analytics/achievements/",
        "/sources/",
        "/courses/overlaps/",
        "/api/export?format=xlsx",
        "/api/export?format=jsonl",
        "/api/export?format=jsonld",
        "/api/export?format=csv",
        "/analytics/",
        "/api/analytics/gaps",
    ],
)
def test_pages_and_api_show_unreconciled_rows_without_error(world, path):
    run_import(world.steward, "messy.xlsx", _xlsx(_sheets("reporter-x")))
    for user in (None, world.contributor, world.steward):
        client = Client()
        if user is not None:
            client.force_login(user)
        response = client.get(path)
        assert response.status_code < 500, (path, user, response.status_code)


def test_claims_of_unknown_claimants_are_counted_whole_and_apart(world):
    """Two claims held as written are two claimants, not one: neither hides the other, no
    event is set against them, and the gap analysis counts them as unreconciled."""
    from nscap.analytics.gaps import gap_analysis

    rows = [
        ["key", "claimant", "description", "period_start", "period_end", "people", "country"],
        ["u1", "Unknown Body One", "One", "2019", "2020", 40, "MY"],
        ["u2", "Unknown Body Two", "Two", "2019", "2020", 60, "MY"],
    ]
    result = run_import(world.steward, "claims.xlsx", _xlsx({"aggregate_claim": rows}))
    assert result.plan.ok, result.plan.errors
    report = gap_analysis(world.steward)
    assert report["totals"]["unreconciled_claims"] == 2
    claims = {c["claim"]: c for c in report["claims"]}
    assert claims["u1"]["counted"] and claims["u2"]["counted"]
    assert claims["u1"]["claimant"] == "" and claims["u1"]["claimant_text"] == "Unknown Body One"
    assert claims["u2"]["overlaps"] == [] and claims["u2"]["logged"] == 0
    page = Client().get("/analytics/")
    assert "2 aggregate claims have a claimant not reconciled yet" in page.content.decode()


def test_courses_of_unreconciled_providers_are_a_row_of_their_own_in_the_home_chart(world):
    from nscap.activities.charts import provider_course_counts

    run_import(world.steward, "messy.xlsx", _xlsx(_sheets("reporter-x")))
    rows = {row["provider"]: row for row in provider_course_counts(world.steward)}
    assert rows["Provider not reconciled yet"]["courses"] == 3
    assert rows["International Nuclear Nonproliferation and Security Academy"]["courses"] == 1
    assert Client().get("/").status_code == 200


def test_the_unreconciled_provider_row_is_labelled_in_each_viewers_language(world):
    """The counts are cached for every viewer of a class; the label must not be the first
    viewer's language."""
    from django.utils import translation

    from nscap.activities.charts import provider_course_counts

    run_import(world.steward, "messy.xlsx", _xlsx(_sheets("reporter-x")))
    with translation.override("zh-hans"):
        chinese = {row["provider"] for row in provider_course_counts(world.steward)}
        label = translation.gettext("Provider not reconciled yet")
    assert label != "Provider not reconciled yet", "the Chinese catalogue lacks this label"
    assert label in chinese
    with translation.override("en"):
        english = {row["provider"] for row in provider_course_counts(world.steward)}
    assert "Provider not reconciled yet" in english and label not in english
