"""Table 3 and the depth table are paged; their summary figures stay over every visible row."""

import json

import pytest
from django.urls import reverse

from nscap.testing.factories import make_claim, make_institution

pytestmark = pytest.mark.django_db
TABLE = reverse("collaboration:index")
DEPTH = reverse("collaboration:depth")


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


@pytest.fixture
def hub(monkeypatch):
    """A hub naming seven partners one-sidedly, and a restricted partner; three rows a page."""
    monkeypatch.setattr("nscap.collaboration.views.DEPTH_PER_PAGE", 3)
    hub = make_institution(key="hub", name="Hub", country="JP")
    for n in range(7):
        make_claim(claimant=hub, partner=make_institution(name=f"Partner {n}", country="KR"))
    secret = make_institution(name="Secret Partner", country="CN", sensitivity="restricted")
    make_claim(claimant=hub, partner=secret, type="mou")
    return hub


def depth_names(response):
    return [row["institution"] for row in response.context["chart"].rows]


def depth_spec(response):
    html = response.content.decode()
    opening = '<script id="chart-collaboration-depth-spec" type="application/json">'
    start = html.index(opening) + len(opening)
    return json.loads(html[start : html.index("</script>", start)])


def test_depth_table_is_paged_and_the_figures_cover_every_visible_institution(client, hub):
    pages = [client.get(DEPTH, {"page": n}) for n in (1, 2, 3)]
    assert [depth_names(p) for p in pages] == [
        ["Hub", "Partner 0", "Partner 1"],
        ["Partner 2", "Partner 3", "Partner 4"],
        ["Partner 5", "Partner 6"],
    ]
    for response in pages:
        assert response.context["network"].institutions == 8
        html = response.content.decode()
        assert "Secret Partner" not in html
        # The chart draws from every row, whatever the table's page.
        assert {v["institution"] for v in depth_spec(response)["data"]["values"]} == {"Hub"}
    assert 'href="?page=3"' in pages[1].content.decode()
    assert 'href="/api/analytics/collaboration"' in pages[1].content.decode()


def test_steward_sees_the_restricted_partner_in_the_depth_table(client, steward, hub):
    client.force_login(steward)
    names = sum((depth_names(client.get(DEPTH, {"page": n})) for n in (1, 2, 3)), [])
    assert "Secret Partner" in names
    assert client.get(DEPTH).context["network"].institutions == 9


def test_depth_pager_links_keep_the_other_parameters(client, hub):
    html = client.get(DEPTH, {"view": "x", "page": 2}).content.decode()
    assert 'href="?view=x&amp;page=1"' in html and 'href="?view=x&amp;page=3"' in html


@pytest.mark.parametrize(("page", "first"), [("abc", "Hub"), ("999", "Partner 5")])
def test_depth_bad_page_gives_a_page(client, hub, page, first):
    response = client.get(DEPTH, {"page": page})
    assert response.status_code == 200
    assert depth_names(response)[0] == first


def test_a_page_evicted_from_the_cache_is_rebuilt(client, claimants):
    """Pages are cached one by one; when one is gone but the counts are not, it is rebuilt."""
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import cache

    from nscap.analytics.cache import cached

    first = claimant_keys(client.get(TABLE, {"page": 2}))
    summary = client.get(TABLE).context["claim_count"]
    cache.clear()
    cached(
        "table-three",
        AnonymousUser(),
        {},
        lambda: {"group_count": 7, "claim_count": 7, "one_sided_count": 7},
    )
    again = client.get(TABLE, {"page": 2})
    assert claimant_keys(again) == first == ["kr-3", "kr-4", "kr-5"]
    assert again.context["claim_count"] == summary == 7
