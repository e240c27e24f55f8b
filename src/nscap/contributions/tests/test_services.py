"""The confirmation service: the partner side confirms or disputes a claim about it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from nscap.accounts.models import Affiliation
from nscap.contributions import services
from nscap.contributions.confirmation import answer_claim, claims_about_my_institutions
from nscap.contributions.errors import Invalid, NotAllowed, NotFound, Stale
from nscap.contributions.models import ConfirmationRequest, HistoryEntry
from nscap.core.visibility import STEWARDS_GROUP
from nscap.testing.factories import make_claim, make_institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(django_user_model):
    insa = make_institution(key="insa")
    iscn = make_institution(key="iscn")
    kim = django_user_model.objects.create_user("kim")
    sato = django_user_model.objects.create_user("sato")
    stew = django_user_model.objects.create_user("stew")
    Affiliation.objects.create(user=kim, institution=insa)
    Affiliation.objects.create(user=sato, institution=iscn)
    stew.groups.add(Group.objects.get_or_create(name=STEWARDS_GROUP)[0])
    claim = make_claim(key="c1", claimant=insa, partner=iscn, type="seminar")
    return {"insa": insa, "iscn": iscn, "kim": kim, "sato": sato, "stew": stew, "claim": claim}


def test_partner_confirms_and_history_records_it(cast):
    claim = answer_claim(cast["sato"], "c1", "confirmed", "We ran it together")
    assert claim.confirmation == "confirmed" and claim.version == 2
    entry = HistoryEntry.objects.get(record_key="c1")
    assert entry.action == "collaboration.claim.confirm"
    assert (entry.before, entry.after) == (
        {"confirmation": "claimed"},
        {"confirmation": "confirmed"},
    )
    assert entry.actor == cast["sato"] and entry.message == "We ran it together"
    request = ConfirmationRequest.objects.get(claim=claim)
    assert (request.answer, request.answered_by) == ("confirmed", cast["sato"])


def test_partner_disputes_with_a_reason_and_may_change_its_answer(cast):
    answer_claim(cast["sato"], "c1", "confirmed")
    claim = answer_claim(cast["sato"], "c1", "disputed", "It was a different year")
    assert claim.confirmation == "disputed"
    assert list(
        HistoryEntry.objects.filter(record_key="c1").order_by("id").values_list("action", flat=True)
    ) == ["collaboration.claim.confirm", "collaboration.claim.dispute"]


def test_dispute_without_reason_is_invalid(cast):
    with pytest.raises(Invalid) as refused:
        answer_claim(cast["sato"], "c1", "disputed", "  ")
    assert refused.value.errors[0]["field"] == "comment"
    assert not HistoryEntry.objects.exists()


def test_unknown_answer_is_invalid(cast):
    with pytest.raises(Invalid):
        answer_claim(cast["sato"], "c1", "claimed")


@pytest.mark.parametrize("who", ["kim", "stew"])
def test_only_the_partners_members_answer(cast, who):
    with pytest.raises(NotAllowed):
        answer_claim(cast[who], "c1", "confirmed")
    cast["claim"].refresh_from_db()
    assert cast["claim"].confirmation == "claimed"


def test_hidden_claim_is_not_found(cast, django_user_model):
    make_claim(
        key="hidden",
        claimant=make_institution(key="other"),
        partner=cast["iscn"],
        sensitivity="restricted",
    )
    with pytest.raises(NotFound):
        answer_claim(cast["sato"], "hidden", "confirmed")
    assert [c.key for c in claims_about_my_institutions(cast["sato"])] == ["c1"]


def test_claim_without_partner_institution_cannot_be_answered(cast):
    make_claim(key="country-only", claimant=cast["insa"], partner=None, partner_country="VN")
    with pytest.raises(NotAllowed):
        answer_claim(cast["sato"], "country-only", "confirmed")


def test_answer_makes_an_edit_based_on_the_old_version_stale(cast):
    changeset = services.propose(
        cast["kim"],
        [services.ProposedChange("update", "collaboration_claim", "c1", {"status": "done"}, 1)],
    )
    answer_claim(cast["sato"], "c1", "confirmed")
    with pytest.raises(Stale):
        services.approve(cast["stew"], changeset.pk)


def test_a_new_claim_about_a_partner_asks_it_to_confirm(cast):
    changeset = services.propose(
        cast["stew"],
        [
            services.ProposedChange(
                "create",
                "collaboration_claim",
                values={"claimant": "iscn", "partner": "insa", "type": "mou"},
            )
        ],
    )
    assert changeset.status == "applied"
    request = ConfirmationRequest.objects.get(partner=cast["insa"])
    assert request.answer == "pending"
    assert [c.key for c in claims_about_my_institutions(cast["kim"])] == [request.claim.key]


def test_an_answer_refreshes_the_cached_collaboration_picture(cast):
    from nscap.collaboration.metrics import cached_picture

    def confirmed_depth(user):
        row = next(
            r for r in cached_picture(user).network.by_institution if r.institution.key == "insa"
        )
        return row.confirmed

    before = confirmed_depth(cast["kim"])  # now cached
    answer_claim(cast["sato"], "c1", "confirmed", "We ran it together")
    after = confirmed_depth(cast["kim"])
    assert after > (before or 0)
    answer_claim(cast["sato"], "c1", "disputed", "It was another year")
    assert not confirmed_depth(cast["kim"])  # a disputed claim backs no depth
