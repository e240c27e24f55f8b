"""Table 3 of the brief, regenerated from the loaded data, and its depth reading."""

import pytest

from nscap.brief.tests.conftest import brief, brief_loaded_once  # noqa: F401  (fixtures)
from nscap.collaboration.depth import depth_for
from nscap.collaboration.metrics import collaboration_picture
from nscap.collaboration.selectors import table_three

pytestmark = pytest.mark.usefixtures("brief")

# Table 3, row by row as the brief prints it (claimant → partner, kind, one- or two-sided).
# A partner is an institution key, an ISO country code or the source's words.
TABLE_THREE = {
    "snstc": [
        ("iscn", "network_membership", "two-sided"),
        ("insa", "network_membership", "two-sided"),
        ("insa", "materials_exchange", "two-sided"),
    ],
    "csca": [("regional partners", "joint_trial", "one-sided")],
    "i-consep": [],
    "iscn": [
        ("snstc", "network_membership", "two-sided"),
        ("insa", "network_membership", "two-sided"),
        ("insa", "training_participation", "two-sided"),
        ("insa", "personnel_exchange", "two-sided"),
        ("VN", "seminar", "two-sided"),
        ("“Many other” Asian countries", "unspecified", "one-sided"),
    ],
    "insa": [
        ("snstc", "network_membership", "two-sided"),
        ("iscn", "network_membership", "two-sided"),
        ("snstc", "materials_exchange", "two-sided"),
        ("ID", "training_participation", "one-sided"),
        ("MY", "unspecified", "one-sided"),
        ("MN", "unspecified", "one-sided"),
        ("MM", "unspecified", "one-sided"),
        ("PH", "unspecified", "one-sided"),
        ("TH", "unspecified", "one-sided"),
        ("VN", "unspecified", "two-sided"),
    ],
    "nssc-malaysia": [],
    "nssc-vietnam": [
        ("jaea", "mou", "two-sided"),
        ("kinac", "mou", "two-sided"),
    ],
}


def _partner(claim) -> str:
    if claim.partner:
        return claim.partner.key
    return claim.partner_country or claim.partner_text


def test_table_three_is_reproduced_with_one_sided_claims_marked():
    groups = table_three(None)
    table = {
        group.claimant.key: sorted(
            (_partner(r.claim), r.claim.type, "two-sided" if r.two_sided else "one-sided")
            for r in group.readings
        )
        for group in groups
    }
    assert table == {key: sorted(rows) for key, rows in TABLE_THREE.items()}
    # China, Indonesia (two centers), Japan, Korea, Malaysia, Vietnam: the brief's row order.
    assert [g.claimant.country for g in groups] == ["CN", "ID", "ID", "JP", "KR", "MY", "VN"]


def test_one_sided_and_confirmed_claims_are_counted_right():
    claims = depth_for(None).claims
    evidence = {c.claim.key: c.evidence for c in claims}
    assert len(claims) == 22
    assert sum(1 for e in evidence.values() if e == "one_sided") == 8
    assert sum(1 for e in evidence.values() if e == "confirmed") == 14
    assert evidence["iscn-insa-personnel-exchange"] == "confirmed"
    assert evidence["insa-mongolia"] == "one_sided"


def test_the_brief_as_a_network():
    picture = collaboration_picture(None)
    network = picture.network
    # SNSTC, ISCN, INSA (the Asian network) and Vietnam's NSSC with JAEA and KINAC.
    assert (network.institutions, network.links) == (6, 8)
    assert network.density == pytest.approx(8 / 30)
    assert network.reciprocity_rate == 1.0
    assert (network.components, network.largest_component) == (2, 3)
    pairs = {
        (picture.nodes[s].key, picture.nodes[t].key): p
        for (s, t), p in picture.reading.pairs.items()
    }
    exchange = pairs[("iscn", "insa")]
    assert (exchange.claimed, exchange.confirmed, exchange.stated_back) == (3, 3, 1)
    planned = pairs[("snstc", "insa")]
    assert (planned.claimed, planned.planned) == (1, 2)
    assert pairs[("nssc-vietnam", "jaea")].stated_back == 2  # ISCN's seminar in Vietnam
    rows = {r.institution.key: r for r in network.by_institution}
    assert rows["nssc-vietnam"].claimed == 5.0 and rows["nssc-vietnam"].reciprocity == 1.0
    assert rows["iscn"].other_claims == 2 and rows["insa"].other_claims == 7
