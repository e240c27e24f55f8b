"""Faithfulness to the numbers the brief quotes: qualifiers, units, status, periods, footnotes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from nscap.activities.models import AggregateClaim
from nscap.brief.tests.citing import citations_of
from nscap.needs.models import NeedsAssessment
from nscap.quantities.models import Quantity

pytestmark = pytest.mark.usefixtures("brief")

HEADLINE_KEYS = [
    "wins-2013-professionals-worldwide",
    "wins-2013-capacity-share",
    "iaea-2014-courses",
    "iaea-2014-people-trained",
    "insa-planned-trainees-per-year",
    "reactors-under-construction-east-asia",
    "reactors-under-construction-world",
]


def quantity(key: str) -> Quantity:
    return Quantity.objects.get(key=key)


def footnote(obj) -> int | None:
    (only,) = {c.footnote for c in citations_of(obj)}
    return only


def test_headline_keys_exist():
    assert Quantity.objects.filter(key__in=HEADLINE_KEYS).count() == len(HEADLINE_KEYS)


def test_wins_230000_professionals_and_just_over_half_capacity():
    people = quantity("wins-2013-professionals-worldwide")
    share = quantity("wins-2013-capacity-share")
    assert (people.value, people.qualifier, people.status) == (230000, "exact", "estimated")
    assert (share.value, share.qualifier, share.unit) == (Decimal("0.5"), "just_over", "share")
    assert people.needs_assessment == share.needs_assessment
    assert people.needs_assessment.key == "wins-2013-worldwide"
    assert (people.as_of, people.as_of_precision) == (dt.date(2013, 1, 1), "year")
    assert footnote(people) == footnote(share) == 3


def test_reactors_under_construction_by_country():
    by_country = dict(
        Quantity.objects.filter(
            measure="power_reactors_under_construction", country__gt=""
        ).values_list("country", "value")
    )
    assert by_country == {"CN": 25, "JP": 2, "KR": 4, "TW": 2}
    assert {footnote(q) for q in Quantity.objects.filter(country__in=by_country)} == {8}


def test_33_in_east_asia_almost_half_of_68():
    assert quantity("reactors-under-construction-east-asia").value == 33
    assert quantity("reactors-under-construction-world").value == 68
    share = quantity("reactors-under-construction-east-asia-share")
    assert (share.value, share.qualifier) == (Decimal("0.5"), "almost")
    assert footnote(quantity("reactors-under-construction-world")) == 10


def test_wins_asia_around_100000_and_approximately_16000():
    asia = quantity("wins-asia-professionals")
    offsite = quantity("wins-asia-offsite-training-demand")
    assert (asia.value, asia.qualifier, footnote(asia)) == (100000, "approximately", 11)
    assert (offsite.value, offsite.qualifier, footnote(offsite)) == (16000, "approximately", 12)
    assert asia.needs_assessment.region == "Asia (including the Middle East)"


def test_vietnam_nearly_500_in_russia_and_1000_in_japan():
    russia = quantity("vietnam-students-engineers-trained-russia")
    japan = quantity("vietnam-operator-staff-trained-japan")
    assert (russia.value, russia.qualifier, russia.country) == (500, "almost", "VN")
    assert (japan.value, japan.qualifier) == (1000, "exact")
    assert footnote(russia) == footnote(japan) == 13


def test_insen_and_nssc_network_figures():
    members = quantity("insen-members")
    assert (members.value, members.qualifier, members.network.key, footnote(members)) == (
        250,
        "more_than",
        "insen",
        39,
    )
    assert quantity("insen-institutions").value == 133
    assert quantity("insen-countries").value == 49
    institutions = quantity("nssc-network-member-institutions")
    assert (institutions.value, institutions.as_of.year, footnote(institutions)) == (58, 2014, 41)
    assert quantity("nssc-network-countries").value == 49


def test_iaea_108_courses_almost_3000_people_in_2014():
    courses, people = quantity("iaea-2014-courses"), quantity("iaea-2014-people-trained")
    assert (courses.value, courses.qualifier) == (108, "exact")
    assert (people.value, people.qualifier) == (3000, "almost")
    assert courses.institution.key == people.institution.key == "iaea"
    assert (people.period_start, people.period_end, people.period_end_precision) == (
        dt.date(2014, 1, 1),
        dt.date(2014, 1, 1),
        "year",
    )
    assert footnote(courses) == 42


def test_snstc_2010_2012_aggregate_claim():
    claim = AggregateClaim.objects.get(key="snstc-2010-2012")
    assert (claim.period_start.year, claim.period_end.year) == (2010, 2012)
    figures = {q.measure: (q.value, q.qualifier) for q in claim.quantities.all()}
    assert figures == {
        "courses_run": (20, "exact"),
        "people_trained": (500, "over"),
        "people_trained_foreign": (100, "exact"),
        "participant_countries": (12, "approximately"),
    }
    assert footnote(claim) == 43


def test_snstc_2012_2013_over_300_from_18_countries_at_11_courses():
    claim = AggregateClaim.objects.get(key="snstc-2012-2013")
    figures = {q.unit: (q.value, q.qualifier) for q in claim.quantities.all()}
    assert figures == {
        "participants": (300, "over"),
        "countries": (18, "exact"),
        "IAEA-endorsed courses": (11, "exact"),
    }
    assert "those involved with the Chinese center" in claim.note
    assert footnote(claim) == 44


def test_iscn_more_than_1500_and_insa_plans_1000_a_year():
    iscn = quantity("iscn-experts-trained")
    insa = quantity("insa-planned-trainees-per-year")
    assert (iscn.value, iscn.qualifier, iscn.as_of.year, footnote(iscn)) == (
        1500,
        "more_than",
        2014,
        45,
    )
    assert (insa.value, insa.status, insa.institution.key, footnote(insa)) == (
        1000,
        "planned",
        "insa",
        46,
    )


def test_malaysia_2012_four_courses_80_officers_ten_trainers():
    claim = AggregateClaim.objects.get(key="nssc-malaysia-2012")
    figures = {q.measure: q.value for q in claim.quantities.all()}
    assert figures == {"courses_run": 4, "people_trained": 80, "trainers_trained": 10}
    assert {footnote(q) for q in claim.quantities.all()} == {47}


def test_seven_centers_six_countries_six_operational():
    assert quantity("east-asia-centers").value == 7
    assert quantity("east-asia-center-countries").value == 6
    assert quantity("east-asia-centers-operational").value == 6


def test_needs_assessments_by_wins():
    assessments = NeedsAssessment.objects.filter(assessor__key="wins")
    assert set(assessments.values_list("key", flat=True)) == {"wins-2013-worldwide", "wins-asia"}
    worldwide = assessments.get(key="wins-2013-worldwide")
    assert (worldwide.country, worldwide.region, worldwide.published.year) == ("", "", 2013)


def test_every_quantity_cites_the_brief_with_a_quote():
    for item in Quantity.objects.all():
        citations = citations_of(item)
        assert citations.exists(), item.key
        assert all(c.quote for c in citations), item.key


def test_source_is_the_brief_with_inferred_year():
    from nscap.sources.models import Source

    source = Source.objects.get(key="brief-coe-east-asia")
    assert (source.kind, source.published.year, source.published_precision) == (
        "policy_brief",
        2015,
        "year",
    )
    assert "inferred" in source.note and "descriptive" in source.note
