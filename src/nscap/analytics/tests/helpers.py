"""Small builders for analytics tests: events with participant countries, needs, claims."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nscap.activities.models import AggregateClaim, EventParticipantCountry, TrainingEvent
from nscap.needs.models import NeedsAssessment
from nscap.testing.factories import make_event, make_needs, make_quantity


def event(
    host: Any,
    year: int,
    participants: int | None,
    countries: dict[str, int] | None = None,
    *,
    groups: tuple = (),
    topics: tuple = (),
    **fields: Any,
) -> TrainingEvent:
    """An event on 1 June of ``year`` with ``participants`` and a country breakdown."""
    fields.setdefault("start", dt.date(year, 6, 1))
    record = make_event(host=host, participants=participants, **fields)
    for country, count in (countries or {}).items():
        EventParticipantCountry.objects.create(event=record, country=country, count=count)
    record.target_groups.add(*groups)
    record.topics.add(*topics)
    return record


def need(
    value: float,
    year: int,
    *,
    country: str = "",
    region: str = "",
    group: Any = None,
    topic: Any = None,
    qualifier: str = "exact",
    measure: str = "people_needing_training",
    **fields: Any,
) -> NeedsAssessment:
    """A needs assessment with one demand figure for ``year``."""
    assessment = make_needs(
        country=country, region=region, target_group=group, topic=topic, **fields
    )
    make_quantity(
        needs_assessment=assessment,
        measure=measure,
        value=value,
        qualifier=qualifier,
        unit="people",
        period_start=dt.date(year, 1, 1),
        period_start_precision="year",
        sensitivity=assessment.sensitivity,
    )
    return assessment


def claim(
    claimant: Any, people: float, first: int, last: int, qualifier: str = "exact", **fields: Any
) -> AggregateClaim:
    """An aggregate claim of ``people`` trained from ``first`` to ``last`` (years)."""
    fields.setdefault("key", f"claim-{claimant.key}-{first}-{last}")
    record = AggregateClaim.objects.create(
        claimant=claimant,
        description=f"{people} people trained {first}-{last}",
        period_start=dt.date(first, 1, 1),
        period_start_precision="year",
        period_end=dt.date(last, 1, 1),
        period_end_precision="year",
        **fields,
    )
    make_quantity(
        aggregate_claim=record,
        institution=claimant,
        measure="people_trained",
        value=people,
        qualifier=qualifier,
        unit="people",
        sensitivity=record.sensitivity,
    )
    return record
