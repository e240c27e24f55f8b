"""Table 3's one-sided and two-sided claims, read from the data."""

import pytest

from nscap.collaboration.choices import Answer
from nscap.collaboration.models import CollaborationClaim
from nscap.collaboration.selectors import read_claims
from nscap.testing.factories import make_claim, make_institution

pytestmark = pytest.mark.django_db


def readings_for(user=None):
    return {r.claim.key: r for r in read_claims(CollaborationClaim.objects.visible_to(user))}


def test_a_claim_the_partner_makes_back_is_two_sided():
    china, japan = make_institution(country="CN"), make_institution(country="JP")
    make_claim(key="cn-jp", claimant=china, partner=japan, type="network_membership")
    make_claim(key="jp-cn", claimant=japan, partner=china, type="network_membership")
    readings = readings_for()
    assert readings["cn-jp"].two_sided and readings["jp-cn"].two_sided
    assert readings["cn-jp"].same_type_back
    assert [c.key for c in readings["cn-jp"].answering_claims] == ["jp-cn"]


def test_a_claim_nobody_answers_is_one_sided():
    japan, korea = make_institution(country="JP"), make_institution(country="KR")
    make_claim(key="jp-kr", claimant=japan, partner=korea, type="personnel_exchange")
    reading = readings_for()["jp-kr"]
    assert not reading.two_sided
    assert reading.answering_claims == ()


def test_a_different_type_back_is_two_sided_but_not_same_type():
    japan, korea = make_institution(country="JP"), make_institution(country="KR")
    make_claim(key="jp-kr", claimant=japan, partner=korea, type="personnel_exchange")
    make_claim(key="kr-jp", claimant=korea, partner=japan, type="network_membership")
    reading = readings_for()["jp-kr"]
    assert reading.two_sided and not reading.same_type_back


def test_a_claim_back_about_the_parent_is_named_back_by_a_related_institution_only():
    """Vietnam's centre names JAEA; Japan's ISCN (JAEA's child) names Vietnam's centre: neither
    is two-sided (the partner itself never answers), each is marked as answered by a relative."""
    jaea = make_institution(country="JP", kind="government_agency")
    iscn = make_institution(country="JP", parent=jaea, parent_role="government_agency")
    vietnam = make_institution(country="VN", kind="nssc")
    make_claim(key="vn-jaea", claimant=vietnam, partner=jaea, type="mou")
    make_claim(key="iscn-vn", claimant=iscn, partner=vietnam, type="seminar")
    readings = readings_for()
    for key, other in (("vn-jaea", "iscn-vn"), ("iscn-vn", "vn-jaea")):
        assert not readings[key].two_sided
        assert readings[key].answering_claims == ()
        assert [c.key for c in readings[key].related_claims] == [other]
        assert readings[key].answer == Answer.RELATED_BACK
    make_claim(key="jaea-vn", claimant=jaea, partner=vietnam, type="network_membership")
    reading = readings_for()["vn-jaea"]
    assert reading.two_sided and reading.answer == Answer.NAMED_BACK
    assert [c.key for c in reading.answering_claims] == ["jaea-vn"]
    assert [c.key for c in reading.related_claims] == ["iscn-vn"]


def test_a_claim_naming_only_a_country_is_named_back_at_country_level_only():
    iscn, vietnam = make_institution(country="JP"), make_institution(country="VN")
    make_claim(key="iscn-vn", claimant=iscn, partner=None, partner_country="VN", type="seminar")
    assert readings_for()["iscn-vn"].answer == Answer.ONE_SIDED
    make_claim(key="vn-iscn", claimant=vietnam, partner=iscn, type="mou")
    readings = readings_for()
    # Which Vietnamese institution ISCN meant is unknown: the claim back is not the partner's.
    assert not readings["iscn-vn"].two_sided
    assert readings["iscn-vn"].answer == Answer.RELATED_BACK
    # And ISCN naming only Vietnam is no claim back about Vietnam's centre itself.
    assert readings["vn-iscn"].answer == Answer.RELATED_BACK


def test_a_claim_in_words_only_stays_one_sided_with_an_unresolved_partner():
    cs = make_institution(country="ID")
    make_claim(
        key="cs-x", claimant=cs, partner=None, partner_text="regional partners", type="joint_trial"
    )
    reading = readings_for()["cs-x"]
    assert not reading.two_sided
    assert (reading.answer, reading.partner_unresolved) == (Answer.ONE_SIDED, True)


def test_a_restricted_answer_does_not_show_through_to_a_visitor(steward):
    china, korea = make_institution(country="CN"), make_institution(country="KR")
    make_claim(key="cn-kr", claimant=china, partner=korea, type="materials_exchange")
    make_claim(
        key="kr-cn",
        claimant=korea,
        partner=china,
        type="materials_exchange",
        sensitivity="restricted",
    )
    visitor = readings_for(None)
    assert "kr-cn" not in visitor
    assert not visitor["cn-kr"].two_sided
    assert readings_for(steward)["cn-kr"].two_sided
