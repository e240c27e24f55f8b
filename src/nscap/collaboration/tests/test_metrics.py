"""Network measures on small graphs checked by hand, and the fast algorithms against networkx."""

import random

import networkx as nx
import pytest

from nscap.collaboration import metrics
from nscap.collaboration.metrics import betweenness, collaboration_picture, eigenvector
from nscap.testing.factories import make_claim, make_institution

pytestmark = pytest.mark.django_db


def test_hand_checked_star_with_a_tail():
    """Hub H named by A, B and C (A and H both ways); C also names D.

    Undirected: H–A, H–B, H–C, C–D. n = 5 nodes, 5 directed links.
    density = 5 / (5·4) = 0.25; reciprocity: H→A and A→H answered, 2 of 5 = 0.4.
    Betweenness (normalised by (n−1)(n−2) = 12 ordered pairs):
      H lies on A–B, A–C, A–D, B–C, B–D (5 unordered = 10 ordered) → 10/12;
      C lies on D–H, D–A, D–B (3 unordered = 6 ordered) → 6/12; A, B, D → 0.
    Degree: H 3/4, C 2/4, A, B, D 1/4.
    """
    hub, a, b, c, d = (make_institution(country=cc) for cc in ("JP", "KR", "CN", "VN", "MY"))
    make_claim(claimant=a, partner=hub, type="seminar")
    make_claim(claimant=hub, partner=a, type="seminar")
    make_claim(claimant=b, partner=hub, type="network_membership")
    make_claim(claimant=c, partner=hub, type="mou")
    make_claim(claimant=c, partner=d, type="joint_trial")
    network = collaboration_picture(None).network
    assert (network.institutions, network.links) == (5, 5)
    assert network.density == pytest.approx(0.25)
    assert network.reciprocity_rate == pytest.approx(0.4)
    assert (network.components, network.largest_component) == (1, 5)
    rows = {r.institution.pk: r for r in network.by_institution}
    assert rows[hub.pk].betweenness == pytest.approx(10 / 12)
    assert rows[c.pk].betweenness == pytest.approx(6 / 12)
    assert rows[a.pk].betweenness == rows[d.pk].betweenness == 0
    assert [rows[x.pk].degree for x in (hub, c, a, b, d)] == [0.75, 0.5, 0.25, 0.25, 0.25]
    assert rows[hub.pk].eigenvector > rows[c.pk].eigenvector > rows[d.pk].eigenvector
    assert network.mean_claimed == pytest.approx((2 + 2 + 1 + 5 + 4) / 5)


def test_eigenvector_only_in_the_largest_component():
    a, b, c, d, e = (make_institution() for _ in range(5))
    make_claim(claimant=a, partner=b)
    make_claim(claimant=b, partner=c)
    make_claim(claimant=d, partner=e)
    network = collaboration_picture(None).network
    rows = {r.institution.pk: r for r in network.by_institution}
    assert (network.components, network.largest_component) == (2, 3)
    assert rows[d.pk].eigenvector is None and rows[e.pk].eigenvector is None
    # A path a–b–c: the middle is sqrt(2) times as central as the ends.
    assert rows[b.pk].eigenvector == pytest.approx(rows[a.pk].eigenvector * 2**0.5, rel=1e-4)


def test_no_claims_no_measures():
    network = collaboration_picture(None).network
    assert (network.institutions, network.links, network.density) == (0, 0, 0.0)
    assert network.reciprocity_rate is None and network.by_institution == []


def _random_graph(n: int, m: int, seed: int) -> nx.Graph:
    rng = random.Random(seed)
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    while graph.number_of_edges() < m:
        u, v = rng.sample(range(n), 2)
        graph.add_edge(u, v)
    return graph


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fast_betweenness_and_eigenvector_equal_networkx(seed):
    graph = _random_graph(40, 70, seed)
    adjacency = [sorted(graph[v]) for v in range(40)]
    ours = betweenness(adjacency, list(range(40)))
    theirs = nx.betweenness_centrality(graph)
    assert ours == pytest.approx([theirs[v] for v in range(40)])
    largest = sorted(max(nx.connected_components(graph), key=len))
    ours_eigen = eigenvector(adjacency, largest)
    theirs_eigen = nx.eigenvector_centrality(graph.subgraph(largest))
    assert ours_eigen == pytest.approx(theirs_eigen, abs=1e-4)


def test_sampled_betweenness_is_flagged_and_estimates(monkeypatch):
    """Above the exact limit the sources are sampled; the flag says so (figures are estimates)."""
    monkeypatch.setattr(metrics, "EXACT_BETWEENNESS_NODES", 3)
    monkeypatch.setattr(metrics, "BETWEENNESS_SAMPLES", 2)
    hub, *spokes = (make_institution() for _ in range(5))
    for spoke in spokes:
        make_claim(claimant=spoke, partner=hub)
    network = collaboration_picture(None).network
    assert network.betweenness_sampled
    assert {r.institution.pk: r.betweenness for r in network.by_institution}[hub.pk] > 0
