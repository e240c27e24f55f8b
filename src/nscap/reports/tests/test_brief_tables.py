"""The regional report on the brief's data for 2015 reproduces the brief's Tables 1–3, fact for
fact, as the transcription (``brief/data/*.toml``) records them."""

from __future__ import annotations

import pytest

from nscap.analytics.figures import figures
from nscap.brief.reader import read_brief
from nscap.brief.tests.conftest import brief, brief_loaded_once  # noqa: F401  (fixtures)
from nscap.collaboration.choices import Answer, CollaborationType, state_label
from nscap.collaboration.models import CollaborationClaim
from nscap.collaboration.selectors import table_three
from nscap.core.templatetags.nscap_ui import country_name
from nscap.institutions.choices import ParentRole
from nscap.reports.params import parse_params
from nscap.reports.selectors import regional_report

pytestmark = pytest.mark.usefixtures("brief")
CENTERS = ("snstc", "csca", "i-consep", "iscn", "nssc-malaysia", "insa", "nssc-vietnam")


@pytest.fixture(scope="module")
def transcription():
    data = read_brief()
    return {table: {r.key: r.row for r in data.rows(table) if r.key} for table in data.tables} | {
        "claims": [r.row for r in data.rows("claim")]
    }


@pytest.fixture
def report():
    return regional_report(None, parse_params("Asia", None, 2015))


def test_table_1_is_the_brief_center_by_center(report, transcription):
    institutions, profiles = transcription["institution"], transcription["profile"]
    milestones = transcription["milestone"]
    rows = {row["key"]: row for row in report["table_1"]}
    assert set(rows) == set(CENTERS)
    # The brief's row order: China, Indonesia (two), Japan, Malaysia, South Korea, Vietnam.
    assert [r["country"] for r in report["table_1"]] == ["CN", "ID", "ID", "JP", "MY", "KR", "VN"]
    for key in CENTERS:
        row, center = rows[key], institutions[key]
        profile = next(p for p in profiles.values() if p.institution == key)
        assert (row["name"], row["country"]) == (center.name, center.country)
        assert row["parent"]["name"] == institutions[center.parent].name
        assert row["parent"]["role"] == ParentRole(center.parent_role).label
        assert row["parent"]["relation"] == center.parent_relation
        assert row["geographic_focus_text"] == profile.geographic_focus_text
        assert row["topic_focus_text"] == profile.topic_focus_text
        assert row["activity_focus_text"] == profile.activity_focus_text
        expected = sorted(m.description for m in milestones.values() if m.institution == key)
        assert sorted(d["description"] for d in row["key_dates"]) == expected
        assert row["notes"], f"{key}: Table 1 row without a citation"
    # A few cells as the brief prints them.
    assert rows["csca"]["parent"]["relation"] == "BATAN (operator)"
    assert "Sept. 2014" in [d["date"] for d in rows["csca"]["key_dates"]]
    assert {"text": "国家核安保技术中心", "language": "zh-Hans"} in rows["snstc"]["other_names"]


def test_table_2_is_the_brief_center_by_center(report, transcription):
    courses = transcription["course"].values()
    rows = {row["key"]: row for row in report["table_2"]}
    providers = {c.provider for c in courses}
    assert set(rows) == providers
    for key, row in rows.items():
        offered = [c for c in courses if c.provider == key]
        assert sorted(c["title"] for c in row["courses"]) == sorted(c.title for c in offered)
        assert set(row["offered_text"]) == {c.source_text for c in offered}
        assert set(row["target_groups_text"]) == {c.target_groups_text for c in offered}
        assert all(c["notes"] for c in row["courses"]), f"{key}: a course without a citation"
    assert sum(len(r["courses"]) for r in report["table_2"]) == 30
    assert rows["snstc"]["target_groups_text"] == ["Largely domestic"]
    assert "police" in rows["iscn"]["target_groups_text"][0]


def _partner(claim, institutions) -> str:
    if claim.partner:
        return institutions[claim.partner].name
    if claim.partner_country:
        return country_name(claim.partner_country)
    return claim.partner_text


def test_table_3_is_the_brief_direction_by_direction(report, transcription):
    institutions, claims = transcription["institution"], transcription["claims"]
    rows = {row["key"]: row for row in report["table_3"]}
    assert set(rows) == set(CENTERS)  # Malaysia's row is there, empty, as in the brief
    assert rows["nssc-malaysia"]["claims"] == []
    for key, row in rows.items():
        expected = sorted(
            (_partner(c, institutions), str(CollaborationType(c.type).label))
            for c in claims
            if c.claimant == key
        )
        assert sorted((c["partner"], c["type"]) for c in row["claims"]) == expected
        assert all(c["notes"] for c in row["claims"]), f"{key}: a claim without a citation"
    # Each claim's state is the collaboration app's own reading, in its own words, and the
    # counts are the catalogue's figures (one definition of "confirmed", "disputed").
    stored = dict(CollaborationClaim.objects.values_list("key", "confirmation"))
    readings = {r.claim.key: r.answer for g in table_three(None) for r in g.readings}
    answers = []
    for claim in (c for r in report["table_3"] for c in r["claims"]):
        assert claim["state"] == state_label(stored[claim["key"]])
        assert (claim["answer"], claim["answer_code"]) == (
            state_label(readings[claim["key"]]),
            readings[claim["key"]],
        )
        answers.append(claim["answer_code"])
    assert len(answers) == 22
    catalogue = figures(None, ["claims_confirmed", "claims_disputed", "claims_total"])
    assert answers.count(Answer.CONFIRMED) == catalogue["claims_confirmed"].value
    assert answers.count(Answer.DISPUTED) == catalogue["claims_disputed"].value
    assert len(answers) == catalogue["claims_total"].value


def test_footnotes_carry_the_brief_note_numbers(report):
    numbers = {n["source_footnote"] for n in report["footnotes"]}
    # Table 1 (14–26), Table 2 (27–38), Table 3 (48–53) notes of the brief.
    assert {14, 16, 23, 26, 28, 33, 34, 36, 48, 49, 50, 52} <= numbers
    used = {n for row in report["table_1"] for n in row["notes"]}
    assert used <= {n["number"] for n in report["footnotes"]}


def test_figures_are_the_catalogue(report):
    assert [(f["id"], f["display"]) for f in report["figures"]] == [
        (f.id, f.display) for f in figures(None).values()
    ]


def test_period_and_region_narrow_the_tables():
    early = regional_report(None, parse_params("Asia", None, 2011))
    # Only centers with a step by 2011: SNSTC, ISCN and INSA (pledged 2010).
    assert {r["key"] for r in early["table_1"]} == {"snstc", "iscn", "insa"}
    assert all(
        d["year"] is None or d["year"] <= 2011 for r in early["table_1"] for d in r["key_dates"]
    )
    southeast = regional_report(None, parse_params("Southeast Asia", None, None))
    assert {r["country"] for r in southeast["table_1"]} == {"ID", "MY", "VN"}
    assert regional_report(None, parse_params("Europe", None, None))["table_1"] == []
