"""Faithfulness to Table 1 of the brief: centers, parents and roles, names, focus, key dates."""

from __future__ import annotations

import datetime as dt

import pytest

from nscap.brief.tests.citing import citations_of
from nscap.institutions.models import CenterProfile, Institution, Label, Milestone

pytestmark = pytest.mark.usefixtures("brief")


def institution(key: str) -> Institution:
    return Institution.objects.get(key=key)


def milestone(key: str) -> Milestone:
    return Milestone.objects.get(key=key)


def test_seven_centers_in_six_countries():
    centers = Institution.objects.filter(kind__in=["center_of_excellence", "nssc"])
    assert centers.count() == 7
    assert set(centers.values_list("country", flat=True)) == {"CN", "ID", "JP", "MY", "KR", "VN"}
    assert set(centers.filter(kind="nssc").values_list("key", flat=True)) == {
        "nssc-malaysia",
        "nssc-vietnam",
    }


def test_indonesia_has_two_centers_at_operator_and_regulator():
    csca, iconsep = institution("csca"), institution("i-consep")
    assert (csca.parent.key, csca.parent_role) == ("batan", "operator")
    assert (iconsep.parent.key, iconsep.parent_role) == ("bapeten", "regulator")
    assert csca.parent.kind == "operator" and iconsep.parent.kind == "regulator"


def test_snstc_parent_is_caea_with_unstated_role():
    snstc = institution("snstc")
    assert snstc.parent.name == "China Atomic Energy Authority"
    assert snstc.parent_role == "unstated"
    assert "without saying what role" in snstc.note


def test_iscn_parent_jaea_is_a_government_agency():
    iscn = institution("iscn")
    assert iscn.parent.key == "jaea"
    assert iscn.parent_role == "government_agency"
    citation = citations_of(iscn).get(field="parent_role")
    assert "relevant government agency" in citation.quote


def test_insa_kinac_korean_commission_chain():
    insa = institution("insa")
    assert (insa.parent.key, insa.parent_role) == ("kinac", "parent_organisation")
    assert "Part of the Korea Institute of Nuclear Nonproliferation and Control (KINAC)" in (
        insa.parent_relation
    )
    kinac = insa.parent
    assert (kinac.parent.key, kinac.parent_role) == ("nssc-korea", "regulator")
    assert kinac.parent.kind == "regulator"
    assert kinac.parent.parent is None


def test_malaysia_and_vietnam_nsscs_sit_under_regulators():
    malaysia, vietnam = institution("nssc-malaysia"), institution("nssc-vietnam")
    assert (malaysia.parent.key, malaysia.parent_role) == ("aelb", "regulator")
    assert malaysia.parent_relation == "Atomic Energy Licensing Board (regulator)"
    assert (vietnam.parent.key, vietnam.parent_role) == ("varans", "regulator")
    assert vietnam.parent_relation.startswith("Part of Vietnam Agency for Radiation")


def test_three_institutions_share_the_acronym_nssc():
    holders = Institution.objects.filter(labels__text="NSSC", labels__kind="acronym").distinct()
    assert set(holders.values_list("key", flat=True)) == {
        "nssc-malaysia",
        "nssc-vietnam",
        "nssc-korea",
    }
    assert set(holders.values_list("country", flat=True)) == {"MY", "VN", "KR"}
    assert institution("nssc-korea").name == "Nuclear Safety and Security Commission"


def test_native_script_names():
    expected = {
        "snstc": ("国家核安保技术中心", "zh-Hans", "Hans"),
        "insa": ("국제핵안보교육훈련센터", "ko", "Kore"),
        "iscn": ("核不拡散・核セキュリティ総合支援センター", "ja", "Jpan"),
    }
    for key, (text, language, script) in expected.items():
        label = Label.objects.get(institution__key=key, text=text)
        assert (label.language, label.script, label.kind) == (language, script, "name")


def test_uncertain_native_names_are_left_out_and_said_so():
    for key in ("csca", "i-consep", "nssc-malaysia", "nssc-vietnam"):
        assert set(
            Label.objects.filter(institution__key=key).values_list("language", flat=True)
        ) == {"en"}
        assert "not certain" in institution(key).note


def test_labels_are_normalized_for_resolution():
    label = Label.objects.get(institution__key="i-consep", kind="acronym")
    assert label.text == "I-CoNSEP"
    assert label.normalized == "i consep"


def test_snstc_geographic_focus_and_its_planned_evolution():
    profile = CenterProfile.objects.get(institution__key="snstc")
    assert profile.geographic_focus == ["national"]
    assert profile.geographic_focus_planned == ["regional"]
    assert "possibly at a later point the Asia-Pacific region" in profile.geographic_focus_text
    citation = citations_of(profile).get(field="geographic_focus")
    assert citation.footnote == 14


def test_iconsep_moves_from_national_to_regional_and_international():
    profile = CenterProfile.objects.get(institution__key="i-consep")
    assert profile.geographic_focus == ["national"]
    assert profile.geographic_focus_planned == ["regional", "global"]
    assert set(profile.topics.values_list("key", flat=True)) == {
        "nuclear-security",
        "nuclear-safety",
        "emergency-preparedness",
    }
    assert "resource_optimisation" in profile.activity_focus


def test_insa_and_iscn_have_the_broader_remit():
    insa = CenterProfile.objects.get(institution__key="insa")
    iscn = CenterProfile.objects.get(institution__key="iscn")
    assert set(insa.topics.values_list("key", flat=True)) == {
        "nuclear-security",
        "nonproliferation",
        "safeguards",
        "export-controls",
    }
    assert set(iscn.topics.values_list("key", flat=True)) == {
        "nuclear-security",
        "nonproliferation",
        "safeguards",
    }
    assert insa.geographic_focus == iscn.geographic_focus == ["national", "regional", "global"]
    assert iscn.geographic_focus_text == "Japan, Asia, and “other regions”"


def test_activity_focus_codes_and_verbatim_text():
    csca = CenterProfile.objects.get(institution__key="csca")
    assert csca.activity_focus == [
        "self_assessment",
        "planning",
        "awareness",
        "training",
        "international_collaboration",
    ]
    malaysia = CenterProfile.objects.get(institution__key="nssc-malaysia")
    assert malaysia.activity_focus_text == "Sharing best practices, information sharing"
    assert "no entries" in malaysia.note


def test_csca_inaugurated_september_2014_to_the_month():
    inaugurated = milestone("csca-inaugurated")
    assert inaugurated.date == dt.date(2014, 9, 1)
    assert inaugurated.date_precision == "month"
    assert inaugurated.date_text == "Sept. 2014"
    assert citations_of(inaugurated).get().footnote == 16


def test_iscn_established_december_2010_and_began_courses_2011():
    established, courses = milestone("iscn-established"), milestone("iscn-began-courses")
    assert (established.date, established.date_precision) == (dt.date(2010, 12, 1), "month")
    assert (courses.date, courses.date_precision, courses.kind) == (
        dt.date(2011, 1, 1),
        "year",
        "began_courses",
    )


def test_pledged_at_2010_nss_by_china_japan_and_south_korea_only():
    pledged = Milestone.objects.filter(kind="pledged")
    assert set(pledged.values_list("institution__key", flat=True)) == {"snstc", "iscn", "insa"}
    assert {(m.date, m.date_precision) for m in pledged} == {(dt.date(2010, 1, 1), "year")}


def test_snstc_joint_memo_with_us_and_foundations():
    memo = milestone("snstc-joint-memo-us")
    assert (memo.kind, memo.date.year, memo.date_precision) == ("mou_signed", 2011, "year")
    assert memo.counterpart.key == "us-government" and memo.counterpart.country == "US"
    foundations = milestone("snstc-foundations-laid")
    assert (foundations.kind, foundations.date.year) == ("construction_started", 2013)


def test_snstc_completion_and_inauguration_are_expected_not_actual():
    completion = milestone("snstc-construction-complete")
    assert (completion.status, completion.date.year, completion.date_precision) == (
        "expected",
        2015,
        "year",
    )
    assert "late 2015" in completion.date_text
    inaugurated = milestone("snstc-inaugurated")
    assert inaugurated.status == "expected"
    assert "six of the seven centers" in inaugurated.note


def test_insa_construction_2012_operation_2014():
    assert milestone("insa-construction-started").date == dt.date(2012, 1, 1)
    operation = milestone("insa-began-operation")
    assert (operation.kind, operation.date.year, operation.status) == (
        "began_operation",
        2014,
        "actual",
    )


def test_malaysia_recognised_2012_vietnam_joined_network_2014_with_footnotes():
    recognised = milestone("nssc-malaysia-recognised")
    joined = milestone("nssc-vietnam-joined-nssc-network")
    assert (recognised.kind, recognised.date.year) == ("recognised_by_iaea", 2012)
    assert (joined.kind, joined.date.year) == ("joined_nssc_network", 2014)
    assert citations_of(recognised).get().footnote == 23
    assert citations_of(joined).get().footnote == 26


def test_csca_first_regional_event_2015_is_planned():
    event = milestone("csca-first-regional-event")
    assert (event.kind, event.status, event.date.year) == ("first_regional_event", "planned", 2015)


def test_brief_records_are_public():
    assert Institution.objects.visible_to(None).count() == Institution.objects.count() == 20
    assert Milestone.objects.visible_to(None).count() == Milestone.objects.count()
