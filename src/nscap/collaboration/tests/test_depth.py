"""The depth scale's rules, and the exaggeration gap they produce, on hand-made claims."""

import pytest

from nscap.collaboration.choices import CollaborationType
from nscap.collaboration.depth import DEPTH_BY_TYPE, Evidence, depth_for
from nscap.collaboration.metrics import collaboration_picture
from nscap.testing.factories import make_claim, make_institution

pytestmark = pytest.mark.django_db


def by_key(user=None):
    return {c.claim.key: c for c in depth_for(user).claims}


def test_every_collaboration_type_has_a_rung_from_one_to_five():
    assert set(DEPTH_BY_TYPE) == set(CollaborationType.values)
    assert DEPTH_BY_TYPE["network_membership"] == DEPTH_BY_TYPE["training_participation"] == 1
    assert DEPTH_BY_TYPE["seminar"] == DEPTH_BY_TYPE["materials_exchange"] == 2
    assert DEPTH_BY_TYPE["personnel_exchange"] == 3
    assert DEPTH_BY_TYPE["joint_trial"] == DEPTH_BY_TYPE["joint_delivery"] == 4
    assert DEPTH_BY_TYPE["mou"] == 5
    assert DEPTH_BY_TYPE["unspecified"] == 1


def test_evidence_rules_in_order():
    a, b = make_institution(country="JP"), make_institution(country="KR")
    make_claim(key="one", claimant=a, partner=b, type="joint_trial")
    claims = by_key()
    assert (claims["one"].evidence, claims["one"].confirmed_depth) == (Evidence.ONE_SIDED, 0)

    make_claim(key="back", claimant=b, partner=a, type="seminar")
    claims = by_key()
    # Named back for another kind: backed only as deep as the claim back (2 of 4).
    assert claims["one"].evidence == Evidence.NAMED_BACK
    assert (claims["one"].depth, claims["one"].confirmed_depth, claims["one"].stated_back) == (
        4,
        2,
        2,
    )

    make_claim(key="same", claimant=b, partner=a, type="joint_trial")
    assert by_key()["one"].evidence == Evidence.RECIPROCATED
    assert by_key()["one"].confirmed_depth == 4


def test_partner_confirmation_and_dispute_win_over_the_claims_back():
    a, b = make_institution(country="JP"), make_institution(country="KR")
    make_claim(key="confirmed", claimant=a, partner=b, type="mou", confirmation="confirmed")
    make_claim(key="disputed", claimant=b, partner=a, type="mou", confirmation="disputed")
    claims = by_key()
    assert (claims["confirmed"].evidence, claims["confirmed"].confirmed_depth) == ("confirmed", 5)
    # b's claim is answered by a's same-type claim, but a disputed it: nothing is backed.
    assert (claims["disputed"].evidence, claims["disputed"].confirmed_depth) == ("disputed", 0)
    # A disputed claim back does not back anything either.
    assert claims["confirmed"].stated_back == 0


def test_planned_claims_count_as_planned_depth_only():
    a, b = make_institution(country="CN"), make_institution(country="KR")
    make_claim(key="net", claimant=a, partner=b, type="network_membership", status="ongoing")
    make_claim(key="plan", claimant=a, partner=b, type="materials_exchange", status="planned")
    pair = depth_for(None).pairs[(a.pk, b.pk)]
    assert (pair.claimed, pair.planned, pair.confirmed) == (1, 2, 0)
    assert pair.types == ["materials_exchange", "network_membership"]


def test_exaggeration_gap_per_institution():
    """ISCN says personnel exchange (3) with INSA; INSA names ISCN only in a network (1)."""
    iscn, insa = make_institution(name="ISCN", country="JP"), make_institution(country="KR")
    snstc = make_institution(name="SNSTC", country="CN")
    make_claim(claimant=iscn, partner=insa, type="personnel_exchange")
    make_claim(claimant=insa, partner=iscn, type="network_membership")
    make_claim(claimant=iscn, partner=snstc, type="network_membership")
    make_claim(claimant=snstc, partner=iscn, type="network_membership")
    rows = {r.institution.pk: r for r in collaboration_picture(None).network.by_institution}
    row = rows[iscn.pk]
    assert row.partners == 2
    # Claimed: mean(3, 1) = 2; confirmed: mean(min(3, 1), 1) = 1; gap 1.
    assert (row.claimed, row.confirmed, row.gap) == (2.0, 1.0, 1.0)
    assert (row.deepest_claimed, row.deepest_confirmed, row.reciprocity) == (3, 1, 1.0)
    assert rows[insa.pk].gap == 0.0
    assert rows[insa.pk].named_by == 1


def test_claims_naming_a_country_or_words_are_counted_apart():
    iscn, vietnam = make_institution(country="JP"), make_institution(country="VN")
    make_claim(key="seminar", claimant=iscn, partner=None, partner_country="VN")
    make_claim(key="words", claimant=iscn, partner=None, partner_text="many others")
    make_claim(key="mou", claimant=vietnam, partner=iscn, type="mou")
    reading = depth_for(None)
    assert {c.claim.key for c in reading.unplaced} == {"seminar", "words"}
    assert list(reading.pairs) == [(vietnam.pk, iscn.pk)]
    # ISCN's seminar in Vietnam names only the country: a claim back at country level, not
    # ISCN answering Vietnam's centre itself. Shown apart, never confirmed.
    mou = by_key()["mou"]
    assert (mou.evidence, mou.confirmed_depth, mou.related_by) == (
        Evidence.RELATED_BACK,
        0,
        ("seminar",),
    )
    assert [c.claim.key for c in reading.unresolved] == ["words"]
    rows = {r.institution.pk: r for r in collaboration_picture(None).network.by_institution}
    assert rows[iscn.pk].other_claims == 2


def test_a_restricted_claim_never_changes_a_visitors_depth(steward):
    a, b = make_institution(country="JP"), make_institution(country="KR")
    make_claim(key="a-b", claimant=a, partner=b, type="joint_delivery")
    before = collaboration_picture(None).network
    make_claim(key="b-a", claimant=b, partner=a, type="joint_delivery", sensitivity="restricted")
    hidden_partner = make_institution(sensitivity="restricted")
    make_claim(claimant=a, partner=hidden_partner, type="mou")
    after = collaboration_picture(None).network
    assert by_key(None)["a-b"].evidence == Evidence.ONE_SIDED
    assert (after.institutions, after.links, after.reciprocity_rate) == (2, 1, 0.0)
    assert [(r.institution.pk, r.claimed, r.confirmed) for r in after.by_institution] == [
        (r.institution.pk, r.claimed, r.confirmed) for r in before.by_institution
    ]
    steward_view = collaboration_picture(steward).network
    assert (steward_view.institutions, steward_view.links) == (3, 3)
    assert by_key(steward)["a-b"].evidence == Evidence.RECIPROCATED
