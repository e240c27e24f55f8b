"""Table 3 is paged; its summary figures stay over every visible claim."""

import pytest
from django.urls import reverse

from nscap.testing.factories import make_claim, make_institution

pytestmark = pytest.mark.django_db
TABLE = reverse("collaboration:index")


@pytest.fixture
def claimants(monkeypatch):
    """Seven Korean centers claiming a seminar in Vietnam, a restricted center and claim."""
    monkeypatch.setattr("nscap.collaboration.views.GROUPS_PER_PAGE", 3)
    centers = [make_institution(key=f"kr-{n}", name=f"Centre {n}", country="KR") for n in range(7)]
    for center in centers:
        make_claim(claimant=center, partner=None, partner_country="VN")
    secret = make_institution(
        key="kr-secret", name="Centre Secret", country="KR", sensitivity="restricted"
    )
    make_claim(claimant=secret, partner=None, partner_country="VN")
    make_claim(claimant=centers[0], partner=None, partner_country="TH", sensitivity="restricted")
    return centers


def claimant_keys(response):
    return [group.claimant.key for group in response.context["groups"]]


def test_table_three_is_paged_and_counts_every_visible_claim(client, claimants):
    pages = [client.get(TABLE, {"page": n}) for n in (1, 2, 3)]
    assert [claimant_keys(p) for p in pages] == [
        ["kr-0", "kr-1", "kr-2"],
        ["kr-3", "kr-4", "kr-5"],
        ["kr-6"],
    ]
    for response in pages:
        html = response.content.decode()
        assert "7 claims, 7 of them one-sided." in html
        assert "Centre Secret" not in html and "Thailand" not in html
    assert "Page 2 of 3" in pages[1].content.decode()


def test_steward_sees_the_restricted_claims_on_the_pages_and_in_the_counts(
    client, steward, claimants
):
    client.force_login(steward)
    keys = sum((claimant_keys(client.get(TABLE, {"page": n})) for n in (1, 2, 3)), [])
    assert "kr-secret" in keys
    assert "9 claims, 9 of them one-sided." in client.get(TABLE).content.decode()


def test_table_three_pager_links_keep_the_other_parameters(client, claimants):
    html = client.get(TABLE, {"view": "x", "page": 2}).content.decode()
    assert 'href="?view=x&amp;page=1"' in html and 'href="?view=x&amp;page=3"' in html


@pytest.mark.parametrize(("page", "first"), [("abc", "kr-0"), ("999", "kr-6"), ("0", "kr-6")])
def test_table_three_bad_page_gives_a_page(client, claimants, page, first):
    response = client.get(TABLE, {"page": page})
    assert response.status_code == 200
    assert claimant_keys(response)[0] == first


def test_table_three_on_one_page_has_no_pager(client):
    make_claim(partner=None, partner_country="VN")
    assert 'class="pager"' not in client.get(TABLE).content.decode()
