"""Achievements per center and year, against plans (INSA's 1,000 a year) and aggregate claims."""

import pytest
from django.contrib.auth.models import AnonymousUser

from nscap.analytics.achievements import achievements
from nscap.analytics.tests.helpers import claim, event
from nscap.testing.factories import make_course, make_institution, make_quantity

pytestmark = pytest.mark.django_db

VISITOR = AnonymousUser()


def test_insa_against_its_plan_of_1000_a_year_and_its_trend():
    from nscap.brief.loader import load_brief

    load_brief()
    from nscap.institutions.models import Institution

    insa = Institution.objects.get(key="insa")
    course = make_course(provider=insa)
    event(insa, 2014, 300, {"KR": 250, "VN": 30}, course=course)
    event(insa, 2014, 100, {"KR": 100}, course=course)
    duplicate_of = event(insa, 2015, 700, {"KR": 500, "TH": 100, "MY": 50})
    event(insa, 2015, 700, {"KR": 500}, same_as=duplicate_of)
    result = achievements(VISITOR)
    rows = [r for r in result["rows"] if r["institution"] == "insa"]
    assert [(r["year"], r["events"], r["courses"], r["participants"]) for r in rows] == [
        (2014, 2, 1, 400),
        (2015, 1, 0, 700),
    ]
    assert [r["countries"] for r in rows] == [2, 3]  # unattributed not a country
    assert [r["planned"] for r in rows] == [1000.0, 1000.0]
    assert [r["share_of_plan"] for r in rows] == [0.4, 0.7]
    assert rows[1]["change"] == 300
    center = next(c for c in result["centers"] if c["institution"] == "insa")
    assert center["plan"]["quantity"] == "insa-planned-trainees-per-year"
    assert center["plan"]["value"] == 1000.0
    assert (center["trend"], center["trend_slope"]) == ("rising", 300.0)


def test_claims_beside_logged_figures_and_a_hidden_plan_stays_hidden():
    center = make_institution(key="nssc-x")
    event(center, 2012, 30, {"MY": 30})
    claim(center, 80, 2012, 2012)
    make_quantity(
        institution=center,
        measure="people_trained_per_year",
        status="planned",
        value=500,
        sensitivity="restricted",
    )
    rows = achievements(VISITOR)["rows"]
    assert rows == [
        {
            "institution": "nssc-x",
            "name": center.name,
            "kind": center.kind,
            "year": 2012,
            "courses": 0,
            "events": 1,
            "participants": 30,
            "countries": 1,
            "planned": None,
            "share_of_plan": None,
            "claimed_people": 80,
            "claimed": {"value": 80, "low": 80, "high": 80},
            "unitemised": 50,  # 80 claimed, 30 logged
            "claims": ["claim-nssc-x-2012-2012"],
            "change": None,
        }
    ]
