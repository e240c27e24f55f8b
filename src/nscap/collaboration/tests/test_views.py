"""The collaboration page: Table 3 grouped by claimant, one- and two-sided marks, visibility."""

import pytest
from django.urls import reverse

from nscap.testing.factories import cite, make_claim, make_institution, make_source

pytestmark = pytest.mark.django_db
URL = reverse("collaboration:index")


@pytest.fixture
def table():
    snstc = make_institution(key="snstc", name="SNSTC", country="CN")
    insa = make_institution(key="insa", name="INSA", country="KR")
    iscn = make_institution(key="iscn", name="ISCN", country="JP")
    both_ways = make_claim(
        key="cn-kr", claimant=snstc, partner=insa, type="materials_exchange", status="planned"
    )
    back = make_claim(key="kr-cn", claimant=insa, partner=snstc, type="materials_exchange")
    one_way = make_claim(
        key="jp-vn",
        claimant=iscn,
        partner_country="VN",
        type="seminar",
        partner_text="Vietnam (seminar in Hanoi)",
    )
    cite(one_way, make_source(title="Brief"), footnote=50)
    return {"two": [both_ways, back], "one": one_way}


def marks(response):
    return {r.claim.key: r.two_sided for g in response.context["groups"] for r in g.readings}


def test_table_three_marks_each_claim(client, table):
    response = client.get(URL)
    assert response.status_code == 200
    assert marks(response) == {"cn-kr": True, "kr-cn": True, "jp-vn": False}
    html = response.content.decode()
    assert "Vietnam (seminar in Hanoi)" in html and "footnote 50" in html
    assert 'class="legend"' in html and "one-sided" in html and "two-sided" in html


def test_groups_are_by_claimant_country(client, table):
    groups = client.get(URL).context["groups"]
    assert [g.claimant.key for g in groups] == ["snstc", "iscn", "insa"]  # CN, JP, KR


def test_hidden_answer_does_not_make_a_claim_two_sided(client, steward, table):
    table["two"][1].sensitivity = "restricted"
    table["two"][1].save()
    assert marks(client.get(URL)) == {"cn-kr": False, "jp-vn": False}
    client.force_login(steward)
    assert marks(client.get(URL))["cn-kr"] is True


def test_claim_naming_hidden_partner_is_left_out(client, steward, table):
    hidden = make_institution(name="Hidden Centre", sensitivity="restricted")
    make_claim(key="to-hidden", claimant=table["one"].claimant, partner=hidden)
    response = client.get(URL)
    assert "to-hidden" not in marks(response)
    assert "Hidden Centre" not in response.content.decode()
    client.force_login(steward)
    assert "to-hidden" in marks(client.get(URL))


def test_empty_table(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "No collaboration claims recorded." in response.content.decode()


def test_a_center_with_no_claims_still_has_its_row(client, table):
    make_institution(key="nssc-my", name="NSSC Malaysia", country="MY", kind="nssc")
    make_institution(key="aelb", name="AELB", country="MY", kind="regulator")
    response = client.get(URL)
    rows = {g.claimant.key: g.readings for g in response.context["groups"]}
    assert rows["nssc-my"] == ()
    assert "aelb" not in rows  # only centers get an empty row
    assert "No collaboration listed." in response.content.decode()


def test_a_claim_answered_with_another_kind_is_marked_named_back(client):
    iscn = make_institution(key="iscn", name="ISCN", country="JP")
    insa = make_institution(key="insa", name="INSA", country="KR")
    make_claim(key="jp-kr-exchange", claimant=iscn, partner=insa, type="personnel_exchange")
    make_claim(key="kr-jp-network", claimant=insa, partner=iscn, type="network_membership")
    html = client.get(URL).content.decode()
    exchange = html[html.index('id="jp-kr-exchange"') :]
    exchange = exchange[: exchange.index("</li>")]
    assert "two-sided: named back, other kind" in exchange
    assert "same kind" not in exchange and "confirmed by the partner" not in exchange
    # The depth on each side: ISCN states 3, INSA 1; confirmed is the lesser (issue 15).
    assert "depth: 3 claimed, 1 stated by the partner, 1 confirmed" in exchange
