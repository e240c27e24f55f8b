"""Estimated supply: people counted in no country, placed in countries by the fused event's
estimate (``activities.fusion.estimate_countries``), kept apart from the counted supply.

A gap row states both: the counted supply and gap (people a report places in a country), and
the supply and gap *with the estimate* (the counted plus those estimated to be from the row's
countries, with bounds). The estimate only moves people out of ``unattributed``: a world row's
supply is the same with or without it, so nothing is counted twice.
"""

from __future__ import annotations

from collections import defaultdict

from nscap.analytics.qualifiers import Range
from nscap.analytics.supply import ANY, UNSPECIFIED
from nscap.analytics.supply_sums import Estimates

WORLD = "world"


class EstimateCube:
    """Estimated people by (year, country, group, topic); ``*`` sums over group or topic."""

    def __init__(self, estimates: Estimates):
        cube: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
        for (year, country, groups, topics), (people, low, high) in estimates.items():
            for group in (*(groups or (UNSPECIFIED,)), ANY):
                for topic in (*(topics or (UNSPECIFIED,)), ANY):
                    cell = cube[(year, country, group, topic)]
                    cell[0] += people
                    cell[1] += low
                    cell[2] += high
        self.cube = cube

    def get(self, row: dict, countries: frozenset[str]) -> Range:
        """People estimated into ``row``'s countries (none for a world row: see the module)."""
        if row["scope"] == WORLD:
            return Range.zero()
        total = [0.0, 0.0, 0.0]
        for country in countries:
            cell = self.cube.get(
                (row["year"], country, row["target_group"] or ANY, row["topic"] or ANY)
            )
            if cell:
                total = [a + b for a, b in zip(total, cell, strict=True)]
        return Range(*total)


def with_estimate(row: dict, counted: Range, estimated: Range, range_json) -> dict:
    """The row's estimated supply, and its supply and gap with the estimate added."""
    demand = Range.of(row["demand_value"], row["demand_qualifier"])
    supplied = counted + estimated
    return {
        "estimated_supply": range_json(estimated),
        "supply_with_estimate": range_json(supplied),
        "gap_with_estimate": range_json(demand.minus(supplied)),
    }
