"""The graph and depth pages: figures from visible claims only, the chart spec and its table."""

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from nscap.testing.factories import make_claim, make_institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims():
    iscn = make_institution(key="iscn", name="ISCN", country="JP")
    insa = make_institution(key="insa", name="INSA", country="KR")
    make_claim(key="jp-kr", claimant=iscn, partner=insa, type="personnel_exchange")
    make_claim(key="kr-jp", claimant=insa, partner=iscn, type="network_membership")
    make_claim(key="jp-vn", claimant=iscn, partner=None, partner_country="VN", type="seminar")
    return iscn, insa


def spec_of(response, name):
    html = response.content.decode()
    opening = f'<script id="chart-{name}-spec" type="application/json">'
    start = html.index(opening) + len(opening)
    return json.loads(html[start : html.index("</script>", start)])


def test_graph_page_draws_nodes_coloured_by_country_and_dashes_one_sided_links(client, claims):
    response = client.get(reverse("collaboration:graph"))
    assert response.status_code == 200
    spec = spec_of(response, "collaboration-graph")
    nodes = {n["name"]: n for n in spec["data"][0]["values"]}
    assert set(nodes) == {"ISCN", "INSA", "Vietnam (country)"}
    assert nodes["Vietnam (country)"]["shape"] == "diamond"
    links = {(link["source"], link["target"]): link for link in spec["data"][1]["values"]}
    # ISCN–INSA answered (depth 3 claimed); ISCN–Vietnam one-sided seminar (2).
    assert sorted((link["depth"], link["one_sided"]) for link in links.values()) == [
        (2, True),
        (3, False),
    ]
    rows = response.context["chart"].rows
    assert [(r["claimant"], r["partner"], r["claimed"], r["confirmed"]) for r in rows] == [
        ("INSA", "ISCN", 1, 1),
        ("ISCN", "INSA", 3, 1),
        ("ISCN", "Vietnam (country)", 2, 0),
    ]
    assert 'data-grammar="vega"' in response.content.decode()


def test_depth_page_lists_the_gap_largest_first(client, claims):
    response = client.get(reverse("collaboration:depth"))
    assert response.status_code == 200
    rows = response.context["chart"].rows
    assert [(r["institution"], r["claimed"], r["confirmed"], r["gap"]) for r in rows] == [
        ("ISCN", 3.0, 1.0, 2.0),
        ("INSA", 1.0, 1.0, 0.0),
    ]
    html = response.content.decode()
    assert "Exaggeration gap" in html and "The depth scale" in html


def test_pages_hide_restricted_claims_and_institutions(client, steward, claims):
    iscn, insa = claims
    secret = make_institution(key="secret", name="Secret Centre", country="CN")
    secret.sensitivity = "restricted"
    secret.save()
    make_claim(claimant=iscn, partner=secret, type="mou")
    make_claim(claimant=insa, partner=iscn, type="personnel_exchange", sensitivity="restricted")
    for name in ("graph", "depth"):
        html = client.get(reverse(f"collaboration:{name}")).content.decode()
        assert "Secret Centre" not in html
    cache.clear()  # the page's content is cached per viewer class: render it afresh to read it
    rows = client.get(reverse("collaboration:depth")).context["chart"].rows
    assert rows[0]["institution"] == "ISCN" and rows[0]["gap"] == 2.0
    client.force_login(steward)
    rows = client.get(reverse("collaboration:depth")).context["chart"].rows
    # The steward sees INSA's personnel exchange back (ISCN→INSA now 3 of 3) and the one-sided
    # MOU with the secret centre (0 of 5): claimed (3 + 5) / 2 = 4, confirmed 1.5, gap 2.5.
    assert {r["institution"]: r["gap"] for r in rows}["ISCN"] == 2.5


def test_empty_pages(client):
    for name in ("graph", "depth"):
        response = client.get(reverse(f"collaboration:{name}"))
        assert response.status_code == 200
        assert "No collaboration claims recorded." in response.content.decode()
