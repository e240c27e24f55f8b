"""Issue 14, items 2-5 through the import: needs assessments and their figures, aggregate
claims' figures, partners without a role and vocabulary sheets, each through one changeset with
history; refusals placed on sheet, row and column with nothing written."""

from __future__ import annotations

import pytest
from django.test import Client

from nscap.activities.models import AggregateClaim, TrainingEvent
from nscap.analytics.gaps import gap_analysis
from nscap.contributions.models import Changeset, HistoryEntry
from nscap.interchange.exporter import export
from nscap.interchange.importer import run_import
from nscap.interchange.template_files import explanation_rows
from nscap.needs.models import NeedsAssessment
from nscap.quantities.models import Quantity
from nscap.sources.models import Citation
from nscap.testing.factories import make_source
from nscap.testing.roles import make_user
from nscap.vocabularies.models import Topic

from .conftest import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

ASSESSMENT_HEADER = ["key", "title", "assessor", "region", "method", "sources"]
FIGURE_HEADER = [
    "key",
    "needs_assessment",
    "country",
    "target_group",
    "topic",
    "year",
    "people",
    "qualifier",
]


def _needs_file(*figures: list) -> bytes:
    return xlsx_bytes(
        {
            "needs_assessment": [
                ASSESSMENT_HEADER,
                ["survey-2024", "Regional survey 2024", "INSA", "Southeast Asia", "Survey", "wins"],
            ],
            "needs_figure": [FIGURE_HEADER, *figures],
        }
    )


GOOD_FIGURES = [
    ["my-reg-pp", "survey-2024", "MY", "regulators", "physical-protection", 2024, 500, "at_least"],
    ["my-any-2024", "survey-2024", "MY", "", "", 2024, 1200, "approximately"],
]


def _counts() -> tuple:
    return (
        Changeset.objects.count(),
        HistoryEntry.objects.count(),
        NeedsAssessment.objects.count(),
        Quantity.objects.count(),
        Citation.objects.count(),
    )


def test_needs_sheets_import_through_one_changeset_and_the_gap_table_shows_the_demand(world):
    make_source(key="wins", title="WINS survey")
    result = run_import(world.steward, "needs.xlsx", _needs_file(*GOOD_FIGURES))
    assert result.plan.ok, result.plan.errors
    changeset = result.changeset
    assert changeset.status == "applied" and changeset.origin == "import"
    assessment = NeedsAssessment.objects.get(key="survey-2024")
    assert assessment.assessor == world.insa and assessment.region == "Southeast Asia"
    figure = Quantity.objects.get(key="my-reg-pp")
    assert figure.needs_assessment == assessment
    assert (figure.value, figure.qualifier, figure.measure) == (
        500,
        "at_least",
        "people_needing_training",
    )
    assert figure.topic == world.topic and figure.target_group == world.group
    assert figure.period_start.year == 2024 and figure.period_start_precision == "year"
    actions = set(HistoryEntry.objects.filter(changeset=changeset).values_list("action", flat=True))
    assert actions == {"needs.assessment.create", "needs.figure.create"}
    assert [c.source.key for c in Citation.objects.filter(object_id=assessment.pk)] == ["wins"]
    rows = {row["quantity"]: row for row in gap_analysis(world.steward)["rows"]}
    assert rows["my-reg-pp"]["demand"]["value"] == 500
    assert rows["my-reg-pp"]["demand"]["low"] == 500  # "at least"
    assert (rows["my-reg-pp"]["topic"], rows["my-reg-pp"]["target_group"]) == (
        "physical-protection",
        "regulators",
    )
    assert rows["my-reg-pp"]["scope_key"] == "MY"
    assert rows["my-any-2024"]["demand"]["value"] == 1200
    assert rows["my-any-2024"]["topic"] == ""  # two cells of one study are two rows
    # the gap page and its drill-down show the imported demand to anyone (public records)
    client = Client()
    page = client.get("/analytics/gaps/?year=2024").content.decode()
    assert rows["my-reg-pp"]["cell"] in page  # the heatmap links the cell
    detail = client.get(f"/analytics/gaps/{rows['my-reg-pp']['cell']}/").content.decode()
    assert "Regional survey 2024" in detail and "500" in detail


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("qualifier", "roughly", "at_least"),
        ("topic", "alchemy", "alchemy"),
        ("people", -5, "greater than or equal to 0"),
        ("people", 10**11, "less than or equal to"),
        ("year", 1800, "greater than or equal to 1900"),
        ("country", "XX", "XX"),
    ],
)
def test_bad_needs_figures_are_refused_by_row_and_column_and_nothing_is_written(
    world, column, value, words
):
    make_source(key="wins", title="WINS survey")
    bad = list(GOOD_FIGURES[0])
    bad[FIGURE_HEADER.index(column)] = value
    before = _counts()
    result = run_import(world.steward, "needs.xlsx", _needs_file(GOOD_FIGURES[1], bad))
    assert not result.plan.ok
    [error] = result.plan.errors
    assert (error.sheet, error.row, error.column) == ("needs_figure", 3, column)
    assert words in error.message
    assert _counts() == before


def test_a_figure_of_an_unknown_assessment_is_refused(world):
    data = xlsx_bytes({"needs_figure": [FIGURE_HEADER, ["f-1", "nope", "MY", "", "", 2024, 5, ""]]})
    result = run_import(world.steward, "needs.xlsx", data)
    [error] = result.plan.errors
    assert error.column == "needs_assessment" and "nope" in error.message


def test_needs_export_then_import_changes_nothing(world):
    make_source(key="wins", title="WINS survey")
    assert run_import(world.steward, "needs.xlsx", _needs_file(*GOOD_FIGURES)).changeset
    for fmt, name in (("xlsx", "all.xlsx"), ("csv", "all.zip")):
        content = export(world.steward, fmt)[0]
        again = run_import(world.steward, name, content)
        assert again.plan.ok, again.plan.errors
        assert {r.action for r in again.plan.rows} == {"unchanged"}
        kinds = {r.record_type for r in again.plan.rows}
        assert {"needs_assessment", "needs_figure", "topic", "target_group"} <= kinds
    lines = export(world.steward, "jsonl")[0].decode().splitlines()
    assert any('"needs_figure"' in line and "my-reg-pp" in line for line in lines)
    graph = export(world.steward, "jsonld")[0].decode()
    assert "nscap:NeedsFigure" in graph and "my-reg-pp" in graph


def test_contributor_needs_import_waits_for_a_steward(world):
    make_source(key="wins", title="WINS survey")
    result = run_import(world.contributor, "needs.xlsx", _needs_file(*GOOD_FIGURES))
    assert result.plan.ok, result.plan.errors
    assert result.changeset.status == "pending"
    assert not NeedsAssessment.objects.exists() and not Quantity.objects.exists()


# --- aggregate claims ------------------------------------------------------------------------

CLAIM_HEADER = [
    "key",
    "claimant",
    "description",
    "period_start",
    "period_end",
    "courses",
    "courses_qualifier",
    "people",
    "people_qualifier",
    "country",
]


def test_aggregate_claim_figures_import_and_count_in_the_analysis(world):
    data = csv_bytes(
        [
            CLAIM_HEADER,
            [
                "c-1",
                "INSA",
                "20 courses for over 500 staff",
                "2010",
                "2012",
                20,
                "",
                500,
                "more_than",
                "KR",
            ],
        ]
    )
    result = run_import(world.steward, "aggregate_claim.csv", data)
    assert result.plan.ok, result.plan.errors
    claim = AggregateClaim.objects.get(key="c-1")
    assert (claim.courses, claim.courses_qualifier) == (20, "exact")
    assert (claim.people, claim.people_qualifier, claim.country) == (500, "more_than", "KR")
    assert HistoryEntry.objects.filter(action="activities.aggregate_claim.create").exists()
    [reconciled] = gap_analysis(world.steward)["claims"]
    assert reconciled["claim"] == "c-1"
    assert reconciled["claimed"]["value"] == 500 and reconciled["claimed_qualifier"] == "more_than"
    assert reconciled["extra"]["value"] == 500  # no events logged: all of it is extra
    assert reconciled["years"] == [2010, 2011, 2012]
    assert (reconciled["courses"], reconciled["country"]) == (20, "KR")
    # the extra is supply in the claim's country (not "unattributed")
    by_year = {y["year"]: y for y in gap_analysis(world.steward)["supply_by_year"]}
    assert by_year[2011]["people"] == pytest.approx(500 / 3, abs=0.01)
    assert by_year[2011]["unattributed"] == 0
    # achievements set the claim beside the claimant's years
    from nscap.analytics.achievements import achievements

    claimed = {
        r["year"]: r["claimed_people"]
        for r in achievements(world.steward)["rows"]
        if r["institution"] == "insa"
    }
    assert claimed[2010] == pytest.approx(500 / 3, abs=0.01)


@pytest.mark.parametrize(
    ("column", "value"),
    [("people_qualifier", "lots"), ("courses", "-3"), ("people", "many")],
)
def test_bad_aggregate_figures_are_refused_by_column(world, column, value):
    row = ["c-1", "INSA", "A claim", "2010", "2012", "", "", "", "", ""]
    row[CLAIM_HEADER.index(column)] = value
    result = run_import(world.steward, "aggregate_claim.csv", csv_bytes([CLAIM_HEADER, row]))
    [error] = result.plan.errors
    assert (error.row, error.column) == (2, column)
    assert not AggregateClaim.objects.exists()


# --- partners without a role ------------------------------------------------------------------


def test_a_partner_named_without_a_role_is_kept_as_unspecified(world):
    header = ["key", "host", "title", "partners"]
    data = csv_bytes([header, ["ev-1", "INSA", "Course", "ISCN; nssc-one (funder)"]])
    result = run_import(world.steward, "training_event.csv", data)
    assert result.plan.ok, result.plan.errors
    partners = TrainingEvent.objects.get(key="ev-1").partners.order_by("institution__key")
    assert [(p.institution.key, p.role) for p in partners] == [
        ("iscn", "unspecified"),
        ("nssc-one", "funder"),
    ]
    again = run_import(world.steward, "all.xlsx", export(world.steward, "xlsx")[0])
    assert {r.action for r in again.plan.rows} == {"unchanged"}


# --- vocabularies -----------------------------------------------------------------------------

TOPIC_HEADER = ["key", "name", "name_zh", "nss_references", "aliases"]
NEW_TOPIC = [
    "transport-security",
    "Transport security",
    "运输安保",
    "NSS 9-G; NSS 26-G",
    "transport; 運送",
]


def test_a_steward_extends_the_vocabulary_and_uses_the_new_term_in_the_same_file(world):
    data = xlsx_bytes(
        {
            "course": [
                ["key", "provider", "title", "topics"],
                ["c-1", "INSA", "Transport", "transport-security"],
            ],
            "topic": [TOPIC_HEADER, NEW_TOPIC],
        }
    )
    result = run_import(world.steward, "vocab.xlsx", data)
    assert result.plan.ok, result.plan.errors
    topic = Topic.objects.get(key="transport-security")
    assert topic.nss_references == ["NSS 9-G", "NSS 26-G"]
    assert topic.aliases == ["transport", "運送"] and topic.name_zh == "运输安保"
    assert HistoryEntry.objects.filter(
        action="vocabularies.topic.create", record_key="transport-security"
    ).exists()
    assert HistoryEntry.objects.filter(action="activities.course.create").exists()


def test_a_contributor_may_not_extend_the_vocabulary(world):
    before = (Topic.objects.count(), Changeset.objects.count())
    data = xlsx_bytes({"topic": [TOPIC_HEADER, NEW_TOPIC]})
    result = run_import(world.contributor, "vocab.xlsx", data)
    [error] = result.plan.errors
    assert (error.sheet, error.row) == ("topic", 2)
    assert "Only stewards extend the vocabularies" in error.message
    assert (Topic.objects.count(), Changeset.objects.count()) == before


def test_the_fields_sheet_lists_every_vocabulary_backed_fields_allowed_values(world):
    rows = explanation_rows(world.contributor)
    allowed = {(row[0], row[1]): row[4] for row in rows[1:]}
    for sheet, field in [
        ("course", "topics"),
        ("training_event", "target_groups"),
        ("needs_assessment", "topic"),
        ("needs_figure", "topic"),
        ("needs_figure", "target_group"),
    ]:
        assert allowed[(sheet, field)], (sheet, field)
    assert "physical-protection = Physical protection" in allowed[("needs_figure", "topic")]
    assert "regulators = Regulators" in allowed[("needs_figure", "target_group")]
    assert "unspecified" in allowed[("training_event", "partners")]
    assert "at_least" in allowed[("needs_figure", "qualifier")]
    chinese = {(row[0], row[1]): row[9] for row in rows[1:]}  # the meaning, in Chinese
    assert chinese[("needs_figure", "people")] == "需要培训的人数（整数）。"
    assert chinese[("topic", "nss_references")].startswith("国际原子能机构核安保丛书")


def test_thousands_of_demand_cells_import_in_one_changeset_with_history_for_each(world):
    make_source(key="wins", title="WINS survey")
    figures = [
        [f"cell-{n}", "survey-2024", country, "regulators", "physical-protection", year, n, ""]
        for n, (country, year) in enumerate(
            (c, y) for c in ("MY", "ID", "TH", "VN", "PH") for y in range(2000, 2400)
        )
        if year <= 2200
    ]
    result = run_import(world.steward, "needs.xlsx", _needs_file(*figures))
    assert result.plan.ok, result.plan.errors[:3]
    assert Quantity.objects.filter(needs_assessment__key="survey-2024").count() == len(figures)
    assert HistoryEntry.objects.filter(action="needs.figure.create").count() == len(figures)
    entry = HistoryEntry.objects.get(record_key="cell-7")
    assert entry.after["people"] == 7 and entry.after["year"] == 2007
    assert entry.after["topic"] == "physical-protection"


def test_an_export_does_not_name_a_cited_source_the_viewer_may_not_see(world):
    make_source(key="wins", title="WINS survey")
    make_source(key="secret-memo", title="Memo", sensitivity="restricted", owner=world.iscn)
    assessment = ["survey-2024", "Regional survey 2024", "INSA", "", "", "wins; secret-memo"]
    data = xlsx_bytes({"needs_assessment": [ASSESSMENT_HEADER, assessment]})
    assert run_import(world.steward, "needs.xlsx", data).changeset.status == "applied"
    steward_view = export(world.steward, "jsonl", "needs_assessment")[0].decode()
    assert "secret-memo" in steward_view
    contributor_view = export(world.contributor, "jsonl", "needs_assessment")[0].decode()
    assert "survey-2024" in contributor_view and "secret-memo" not in contributor_view
    # the contributor's export imported again changes nothing (the hidden citation is kept)
    again = run_import(world.contributor, "needs.xlsx", export(world.contributor, "xlsx")[0])
    assert again.plan.ok, again.plan.errors
    assert {r.action for r in again.plan.rows} == {"unchanged"}


def test_a_needs_import_is_undone_whole_citations_included(world):
    from nscap.contributions.services import revert_changeset

    make_source(key="wins", title="WINS survey")
    changeset = run_import(world.steward, "needs.xlsx", _needs_file(*GOOD_FIGURES)).changeset
    other = make_user("second-steward", steward=True)
    undo = revert_changeset(other, changeset.pk)
    assert undo.status == "applied"
    assert not NeedsAssessment.objects.exists() and not Quantity.objects.exists()
    assert not Citation.objects.exists()
    assert HistoryEntry.objects.filter(action="needs.assessment.delete").count() == 1
    assert HistoryEntry.objects.filter(action="needs.figure.delete").count() == 2
