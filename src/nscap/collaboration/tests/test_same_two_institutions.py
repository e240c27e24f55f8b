"""Only the partner itself answers a claim (issue 13, item 5), through every way out: the depth
reading, the network figures, both APIs, the pages, and the partner's confirmation.

The case of the issue: a regulator claims an MOU with the IAEA; the IAEA names the regulator's
parent ministry, another institution of that country, and the country. None of that is the IAEA
answering the regulator.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from nscap.accounts.models import Affiliation
from nscap.collaboration.charts import edge_rows
from nscap.collaboration.depth import Evidence, depth_for
from nscap.collaboration.metrics import collaboration_picture
from nscap.contributions.confirmation import answer_claim
from nscap.contributions.errors import NotAllowed
from nscap.testing.factories import make_claim, make_institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A ministry with its regulator, another institution of that country, and the IAEA."""
    iaea = make_institution(key="iaea", name="IAEA", country="", kind="international_org")
    ministry = make_institution(key="ministry", name="Ministry", country="VN")
    regulator = make_institution(
        key="regulator",
        name="Regulator",
        country="VN",
        kind="regulator",
        parent=ministry,
        parent_role="government_agency",
    )
    other = make_institution(key="other", name="Other centre", country="VN")
    make_claim(key="regulator-iaea", claimant=regulator, partner=iaea, type="mou")
    make_claim(key="iaea-other", claimant=iaea, partner=other, type="training_participation")
    return {"iaea": iaea, "ministry": ministry, "regulator": regulator, "other": other}


def claim_of(key, user=None):
    return next(c for c in depth_for(user).claims if c.claim.key == key)


def pair_of(world, source, target):
    return depth_for(None).pairs[(world[source].pk, world[target].pk)]


def test_the_iaeas_claim_about_another_institution_of_the_country_answers_nothing(world):
    claim = claim_of("regulator-iaea")
    assert (claim.evidence, claim.confirmed_depth, claim.related_by) == (Evidence.ONE_SIDED, 0, ())


def test_a_claim_back_by_the_partners_relatives_is_its_own_state_never_confirmed(client, world):
    make_claim(key="iaea-ministry", claimant=world["iaea"], partner=world["ministry"])
    make_claim(
        key="iaea-vietnam",
        claimant=world["iaea"],
        partner=None,
        partner_country="VN",
        type="mou",
    )
    claim = claim_of("regulator-iaea")
    assert (claim.evidence, claim.confirmed_depth, claim.stated_back) == (
        Evidence.RELATED_BACK,
        0,
        0,
    )
    assert claim.related_by == ("iaea-ministry", "iaea-vietnam") and claim.answered_by == ()
    pair = pair_of(world, "regulator", "iaea")
    assert (pair.claimed, pair.confirmed, pair.answered, pair.related) == (5, 0, False, True)

    network = collaboration_picture(None).network
    row = next(r for r in network.by_institution if r.institution.key == "regulator")
    assert (row.claimed, row.confirmed, row.gap, row.reciprocity, row.related_back) == (
        5.0,
        0.0,
        5.0,
        0.0,
        1,
    )
    # IAEA→ministry is named back by the ministry's child only: related as well.
    assert (network.reciprocity_rate, network.related_back_links) == (0.0, 2)

    edges = client.get("/api/analytics/collaboration/edges").json()
    edge = next(e for e in edges if e["claimant"]["key"] == "regulator")
    assert (edge["confirmed"], edge["answered"], edge["related_back"]) == (0, False, True)
    assert edge["claims"][0]["evidence"] == "related_back"
    assert edge["claims"][0]["answered_by"] == []
    assert edge["claims"][0]["related_by"] == ["iaea-ministry", "iaea-vietnam"]

    item = client.get("/api/collaboration-claims/regulator-iaea").json()
    assert (item["two_sided"], item["answer"], item["confirmation"]) == (
        False,
        "related_back",
        "claimed",
    )
    assert (item["answered_by"], item["related_by"]) == ([], ["iaea-ministry", "iaea-vietnam"])

    page = client.get(reverse("collaboration:index"))
    assert page.context["one_sided_count"] == 4  # every claim: nobody answers for itself
    assert page.context["related_count"] == 3
    reading = next(
        r for g in page.context["groups"] for r in g.readings if r.claim.key == "regulator-iaea"
    )
    assert (reading.two_sided, reading.answer) == (False, "related_back")
    html = page.content.decode()
    mark = html[html.index('id="regulator-iaea"') :]
    mark = mark[: mark.index("</li>")]
    assert "one-sided: named back only by a related institution" in mark
    assert "two-sided" not in mark
    depth_page = client.get(reverse("collaboration:depth")).content.decode()
    assert "Named back only by a related institution" in depth_page
    institution = client.get(reverse("institutions:detail", args=["regulator"])).content.decode()
    mark = institution[institution.index('id="regulator-iaea"') :]
    assert "named back only by a related institution" in mark[: mark.index("</li>")]


def test_a_claim_back_by_the_partner_itself_confirms(client, world):
    make_claim(key="iaea-ministry", claimant=world["iaea"], partner=world["ministry"])
    make_claim(key="iaea-regulator", claimant=world["iaea"], partner=world["regulator"], type="mou")
    claim = claim_of("regulator-iaea")
    assert (claim.evidence, claim.confirmed_depth) == (Evidence.RECIPROCATED, 5)
    assert (claim.answered_by, claim.related_by) == (("iaea-regulator",), ("iaea-ministry",))
    pair = pair_of(world, "regulator", "iaea")
    assert (pair.answered, pair.related, pair.confirmed) == (True, False, 5)
    item = client.get("/api/collaboration-claims/regulator-iaea").json()
    assert (item["two_sided"], item["answer"], item["answered_by"]) == (
        True,
        "reciprocated",
        ["iaea-regulator"],
    )


def test_the_partners_members_confirm_its_parents_members_cannot(world, django_user_model):
    make_claim(key="iaea-ministry", claimant=world["iaea"], partner=world["ministry"])
    make_claim(key="ministry-iaea", claimant=world["ministry"], partner=world["iaea"], type="mou")
    at_ministry = django_user_model.objects.create_user("at-ministry")
    Affiliation.objects.create(user=at_ministry, institution=world["ministry"])
    with pytest.raises(NotAllowed):  # the ministry is not the partner of regulator→IAEA
        answer_claim(at_ministry, "regulator-iaea", "confirmed")
    assert claim_of("regulator-iaea").evidence == Evidence.RELATED_BACK

    at_iaea = django_user_model.objects.create_user("at-iaea")
    Affiliation.objects.create(user=at_iaea, institution=world["iaea"])
    answer_claim(at_iaea, "regulator-iaea", "confirmed")
    claim = claim_of("regulator-iaea")
    assert (claim.evidence, claim.confirmed_depth) == (Evidence.CONFIRMED, 5)
    assert pair_of(world, "regulator", "iaea").answered


def test_an_unresolved_partner_is_counted_and_shown_one_sided(client, steward, world):
    make_claim(
        key="regulator-words",
        claimant=world["regulator"],
        partner=None,
        partner_text="Nuclear Securty Centre of Excelence",
        type="seminar",
    )
    make_claim(
        key="other-hidden",
        claimant=world["other"],
        partner=None,
        partner_text="a partner only stewards see",
        sensitivity="restricted",
    )
    reading = depth_for(None)
    assert [c.claim.key for c in reading.unresolved] == ["regulator-words"]
    network = collaboration_picture(None).network
    assert (network.unresolved_partner_claims, network.country_partner_claims) == (1, 0)
    row = next(r for r in network.by_institution if r.institution.key == "regulator")
    assert (row.other_claims, row.unresolved_partners) == (1, 1)

    unplaced = client.get("/api/analytics/collaboration/unplaced").json()
    assert [(u["claim"]["key"], u["partner_unresolved"]) for u in unplaced] == [
        ("regulator-words", True)
    ]
    assert unplaced[0]["claim"]["evidence"] == "one_sided"
    assert (
        "a partner only stewards see"
        not in client.get("/api/analytics/collaboration/unplaced").content.decode()
    )
    body = client.get("/api/analytics/collaboration").json()
    assert body["network"]["unresolved_partner_claims"] == 1

    item = client.get("/api/collaboration-claims/regulator-words").json()
    assert (item["partner_unresolved"], item["answer"]) == (True, "one_sided")
    partners = [row["partner"] for row in edge_rows(collaboration_picture(None))]
    assert "“Nuclear Securty Centre of Excelence” (partner not resolved)" in partners
    graph = client.get(reverse("collaboration:graph")).content.decode()
    assert "Nuclear Securty Centre of Excelence” (partner not resolved)" in graph
    page = client.get(reverse("collaboration:index"))
    assert page.context["unresolved_count"] == 1

    client.force_login(steward)
    keys = [u["claim"]["key"] for u in client.get("/api/analytics/collaboration/unplaced").json()]
    assert keys == ["other-hidden", "regulator-words"]
