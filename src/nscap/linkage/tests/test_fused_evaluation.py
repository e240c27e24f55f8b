"""The harness's fused supply is the registry's: a small second-generator world loaded through
the write services, its clusters applied as ``same_as`` links, counts what
``fused_evaluation`` counts (the same fusion code on both sides, nothing copied)."""

from __future__ import annotations

import pytest

from nscap.analytics.supply import UNATTRIBUTED, supply
from nscap.contributions import services
from nscap.contributions.services import ProposedChange
from nscap.linkage import evaluation
from nscap.linkage.fused_evaluation import facts_of, fused_supply
from nscap.testing.factories import make_institution, make_topic
from nscap.testing.roles import make_steward

pytestmark = pytest.mark.django_db


def _values(row: dict, same_as: str | None) -> dict:
    facts = facts_of(row)
    values = {
        "key": row["key"],
        "host": facts.host,
        "title": facts.title[:300],
        "city": facts.city,
        "country": facts.country,
        "participants": facts.participants,
        "participants_qualifier": facts.qualifier,
        "participant_countries": [{"country": c, "count": n} for c, n in facts.breakdown],
        "topics": list(facts.topics),
        "same_as": same_as,
    }
    if row.get("reporter") and row["reporter"] != facts.host:
        values["reported_by"] = row["reporter"]
    if facts.start:
        values["start"] = row["start"]
        if facts.end:
            values["end"] = row["end"]
    return values


def test_the_registry_counts_what_the_harness_counts_on_a_generated_world():
    gen = evaluation.from_world(120, seed=5)
    for key, labels in gen.vocabulary.items():
        make_topic(key=key, name=labels[0], aliases=labels[1:])
    for key, (country, _city) in gen.places.items():
        make_institution(key=key, country=country)
    kept = evaluation.kept_reports(gen.truth, gen.records)
    kept_keys = {row["key"] for row in kept.values()}
    steward = make_steward()
    for batch in (
        [_values(r, None) for r in gen.records if r["key"] in kept_keys],
        [
            _values(r, kept[gen.truth[r["key"]]]["key"])
            for r in gen.records
            if r["key"] not in kept_keys
        ],
    ):
        services.propose(
            steward, [ProposedChange("create", "training_event", values=v) for v in batch]
        )

    expected = fused_supply(gen.truth, gen, kept)
    assert expected["estimated"] > 0 and len(kept) < len(gen.records)  # a test that can fail
    data = supply(steward)
    events = data.events
    assert len(events) + data.uncounted_events == expected["events"] == len(kept)
    assert sum(e.people for e in events) == expected["counted"]
    located = sum(n for e in events for c, n in e.countries if c != UNATTRIBUTED)
    assert located == round(expected["located_over_true"] * gen.extra["true_located"])
    assert sum(n for e in events for _c, n, _lo, _hi in e.estimated) == expected["estimated"]
