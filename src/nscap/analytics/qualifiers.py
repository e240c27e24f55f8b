"""Bounds from a number's qualifier: what "approximately 16,000" or "just over half" allows.

The rules (docs/analytics.md, "Qualifiers"):

=============  ==================  =========================================================
qualifier      bounds of value v   why
=============  ==================  =========================================================
exact          [v, v]              the source states it
approximately  [0.9 v, 1.1 v]      "around", "a dozen": ±10 %
at least       [v, ∞)              a floor only
more than      [v, ∞)              a floor; the excess is unknown
over           [v, ∞)              as "more than"
just over      [v, 1.05 v]         a narrow one-sided band (5 %)
almost         [0.95 v, v]         a narrow one-sided band (5 %)
at most        [0, v]              a ceiling only
=============  ==================  =========================================================
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from nscap.core.choices import Qualifier

APPROXIMATE_SHARE = 0.10
NARROW_SHARE = 0.05


def bounds(value: float, qualifier: str) -> tuple[float, float]:
    """(low, high) that ``value`` with ``qualifier`` allows; ``high`` may be ``math.inf``."""
    value = float(value)
    if qualifier == Qualifier.APPROXIMATELY:
        return value * (1 - APPROXIMATE_SHARE), value * (1 + APPROXIMATE_SHARE)
    if qualifier in (Qualifier.AT_LEAST, Qualifier.MORE_THAN, Qualifier.OVER):
        return value, math.inf
    if qualifier == Qualifier.JUST_OVER:
        return value, value * (1 + NARROW_SHARE)
    if qualifier == Qualifier.ALMOST:
        return value * (1 - NARROW_SHARE), value
    if qualifier == Qualifier.AT_MOST:
        return 0.0, value
    return value, value


@dataclass(frozen=True)
class Range:
    """A figure with its bounds: ``value`` as stated, ``low``..``high`` as its qualifier allows."""

    value: float
    low: float
    high: float

    @classmethod
    def of(cls, value: float, qualifier: str = Qualifier.EXACT) -> Range:
        low, high = bounds(value, qualifier)
        return cls(float(value), low, high)

    @classmethod
    def zero(cls) -> Range:
        return cls(0.0, 0.0, 0.0)

    def __add__(self, other: Range) -> Range:
        return Range(self.value + other.value, self.low + other.low, self.high + other.high)

    def minus(self, other: Range) -> Range:
        """``self - other`` floored at 0 with the widest honest bounds."""
        return Range(
            max(self.value - other.value, 0.0),
            max(self.low - other.high, 0.0),
            max(self.high - other.low, 0.0) if not math.isinf(self.high) else math.inf,
        )

    def scaled(self, factor: float) -> Range:
        return Range(self.value * factor, self.low * factor, self.high * factor)


def json_number(value: float) -> float | None:
    """A bound as JSON: ``None`` for an unbounded side, else rounded to 4 places."""
    return None if math.isinf(value) or math.isnan(value) else round(value, 4)
