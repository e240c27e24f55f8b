"""Aggregate claims reconciled with the fused events of their claimant: the one rule.

An aggregate claim ("20 courses for over 500 staff, 2010–2012") says what an institution did
without listing the events. Counting it beside the events it summarises would count the same
people twice; so would adding two claims of one institution whose periods overlap. Supply (the
gap analysis), achievements, the analytics pages, the API and ``nscap analyse`` all read the
claims through ``reconcile_claims`` and nothing else. The rule (docs/analytics.md, "Aggregate
claims"):

1. **What is a claim.** Every visible ``AggregateClaim`` with a count of people (its own
   ``people`` figure, else its Quantity of a people measure), and every visible Quantity of a
   people measure that an institution states on its own (no claim, no needs assessment, not a
   plan), such as ISCN's "more than 1,500 experts, as of 2014". A figure "as of" a date is
   cumulative: its period has no start and ends with that date.
2. **Overlapping claims of one claimant are not summed.** Claims of one claimant whose periods
   overlap (directly or through a chain) form a group (dated claims among themselves,
   cumulative ones among themselves); the claim with the most people counts
   (ties: the longer period, then the key), the others are shown with ``counts_with`` naming
   it and add nothing. The largest is the only figure the group guarantees without counting
   anyone twice (the smaller claim's people may all be among the larger's); the group's upper
   bound stays honest: the sum of every member's upper bound (they may also be different
   people).
3. **Logged events first.** The fused events of the claimant (host, reporter or partner of any
   report of the event) that start within the counting claim's period are counted as events;
   the claim adds only ``claimed − logged``, never below 0, called *un-itemised*, with the
   claim's qualifier kept in its bounds ("more than 1,500" stays a lower bound). A cumulative
   claim contains the claimant's dated claims that start by its date: it adds only what the
   events and their un-itemised people leave (``includes`` names them).
4. **Whole people.** Un-itemised people are whole numbers (bounds rounded outwards); a claim
   spread over its years is spread by largest remainder, so the years add up exactly to it.
   A cumulative claim (no start) is shown, but placed in no year.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nscap.activities.models import AggregateClaim
from nscap.analytics.qualifiers import Range
from nscap.core.choices import Qualifier
from nscap.core.partial_dates import PartialDate
from nscap.institutions.models import Institution
from nscap.quantities.choices import QuantityStatus
from nscap.quantities.models import Quantity

# Measures that count people, in order of preference.
PEOPLE_MEASURES = ("people_trained", "participants_hosted")
# The start of a cumulative claim ("as of 2014": everything up to then).
OPEN_START = dt.date(1, 1, 1)

# Why a claim adds nothing (or nothing to any year); codes the pages translate.
NO_PEOPLE = "no count of people"
NO_PERIOD = "no period"
COVERED = "covered by logged events"
OVERLAPPED = "overlaps a larger claim"
CUMULATIVE = "cumulative, placed in no year"

# (key, start, people) of the events logged by each party, for the parties asked about.
LoggedBy = Callable[[set[int], dt.date, dt.date], dict[int, list[tuple[str, dt.date | None, int]]]]


@dataclass
class ClaimExtra:
    """One claim set against the events its claimant logged in its period."""

    claim_id: int
    key: str
    description: str
    claimant_id: int | None  # None: the claimant is held as written (issue 14)
    period_start: dt.date | None  # None: no period, or cumulative (``cumulative``)
    period_end: dt.date | None
    measure: str = ""
    claimed_value: float = 0.0
    qualifier: str = Qualifier.EXACT
    logged: int = 0
    logged_events: list[str] = field(default_factory=list)
    extra: Range = field(default_factory=Range.zero)  # un-itemised people, whole numbers
    years: tuple[int, ...] = ()
    # (year, un-itemised people of that year): ``extra`` spread by largest remainder.
    shares: tuple[tuple[int, Range], ...] = ()
    overlaps: list[str] = field(default_factory=list)
    counts_with: str = ""  # the claim of the overlap group that counts, when not this one
    reason: str = ""  # why nothing (or nothing per year) was added
    country: str = ""  # the claim's scope, when it names one country
    courses: int | None = None
    claimant_text: str = ""  # the claimant as written, while it is unreconciled
    courses_qualifier: str = Qualifier.EXACT
    source: str = "aggregate_claim"  # or "quantity": a figure stated on its own
    cumulative: bool = False
    includes: list[str] = field(default_factory=list)  # dated claims a cumulative one contains
    claimed_high: float | None = None  # the group's upper bound, when it widens the claim's

    @property
    def claimed(self) -> Range:
        """The claimed people with the bounds its qualifier allows (and its overlap group's)."""
        own = Range.of(self.claimed_value, self.qualifier)
        if self.claimed_high is None:
            return own
        return Range(own.value, own.low, self.claimed_high)

    @property
    def counted(self) -> bool:
        return not self.counts_with

    @property
    def _window(self) -> tuple[dt.date, dt.date] | None:
        if self.period_end is None:
            return None
        return (self.period_start or OPEN_START, self.period_end)


def largest_remainder(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` into whole numbers that add up to it: each
    part its floor, the rest one by one to the largest remainders (ties: the earlier part)."""
    if not weights:
        return []
    whole = sum(weights)
    exact = [total * w / whole if whole else total / len(weights) for w in weights]
    parts = [math.floor(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def whole(r: Range) -> Range:
    """People as whole numbers: the value rounded, the bounds rounded outwards."""
    return Range(
        float(round(r.value)),
        float(math.floor(r.low + 1e-9)),
        r.high if math.isinf(r.high) else float(math.ceil(r.high - 1e-9)),
    )


def spread(r: Range, years: tuple[int, ...]) -> tuple[tuple[int, Range], ...]:
    """``r`` (whole) over ``years`` evenly by largest remainder; an unbounded high stays so."""
    n = len(years)
    values = largest_remainder(int(r.value), [1.0] * n)
    lows = largest_remainder(int(r.low), [1.0] * n)
    highs = [math.inf] * n if math.isinf(r.high) else largest_remainder(int(r.high), [1.0] * n)
    return tuple(
        (year, Range(float(v), float(lo), float(hi)))
        for year, v, lo, hi in zip(years, values, lows, highs, strict=True)
    )


def _end(start: dt.date | None, precision: str, end: dt.date | None, end_precision: str):
    if end is None:
        return PartialDate(start, precision).end if start else None
    return PartialDate(end, end_precision).end


def _aggregate(user: Any) -> list[ClaimExtra]:
    claims = list(AggregateClaim.objects.visible_to(user).order_by("claimant_id", "period_start"))
    quantities: dict[int, list[Quantity]] = defaultdict(list)
    for quantity in Quantity.objects.visible_to(user).filter(
        aggregate_claim__in=[c.pk for c in claims], measure__in=PEOPLE_MEASURES
    ):
        quantities[quantity.aggregate_claim_id].append(quantity)
    results = []
    for claim in claims:
        extra = ClaimExtra(
            claim_id=claim.pk,
            key=claim.key,
            description=claim.description,
            claimant_id=claim.claimant_id,
            period_start=claim.period_start,
            period_end=_end(
                claim.period_start,
                claim.period_start_precision,
                claim.period_end,
                claim.period_end_precision,
            ),
            country=claim.country,
            courses=claim.courses,
            claimant_text=claim.claimant_text if claim.claimant_id is None else "",
            courses_qualifier=claim.courses_qualifier,
        )
        people = sorted(
            quantities.get(claim.pk, ()), key=lambda q: PEOPLE_MEASURES.index(q.measure)
        )
        if claim.people is not None:  # the claim's own figure, as written through the product
            extra.measure, extra.qualifier = PEOPLE_MEASURES[0], claim.people_qualifier
            extra.claimed_value = float(claim.people)
        elif people:
            extra.measure, extra.qualifier = people[0].measure, people[0].qualifier
            extra.claimed_value = float(people[0].value)
        else:
            extra.reason = NO_PEOPLE
        results.append(extra)
    return results


def _stated_alone(user: Any) -> list[ClaimExtra]:
    """People figures an institution states outside any claim (ISCN's 1,500 experts)."""
    results = []
    for q in (
        Quantity.objects.visible_to(user)
        .filter(
            measure__in=PEOPLE_MEASURES,
            institution__isnull=False,
            aggregate_claim__isnull=True,
            needs_assessment__isnull=True,
        )
        .exclude(status=QuantityStatus.PLANNED)
        .order_by("key")
    ):
        start, end = q.period_start, None
        if start:
            end = _end(start, q.period_start_precision, q.period_end, q.period_end_precision)
        elif q.period_end or q.as_of:
            day = q.period_end or q.as_of
            precision = q.period_end_precision if q.period_end else q.as_of_precision
            end = PartialDate(day, precision).end
        results.append(
            ClaimExtra(
                claim_id=q.pk,
                key=q.key,
                description=q.description,
                claimant_id=q.institution_id,
                period_start=start,
                period_end=end,
                measure=q.measure,
                claimed_value=float(q.value),
                qualifier=q.qualifier,
                country=q.country,
                source="quantity",
                cumulative=start is None and end is not None,
            )
        )
    return results


def _group_overlaps(claims: list[ClaimExtra]) -> None:
    """Mark, per claimant, overlapping claims (rule 2): ``overlaps``, ``counts_with`` and the
    counting claim's ``claimed_high``."""
    by_claimant: dict[int | str, list[ClaimExtra]] = defaultdict(list)
    for claim in claims:
        if claim._window is not None and claim.measure:
            # A claimant held as written is nobody known yet: its claim overlaps no other.
            party = claim.claimant_id if claim.claimant_id is not None else claim.key
            by_claimant[party].append(claim)
    for own in by_claimant.values():
        for claim in own:
            start, end = claim._window
            claim.overlaps = sorted(
                other.key
                for other in own
                if other is not claim and other._window[0] <= end and start <= other._window[1]
            )
        # Dated claims group among themselves, cumulative ones among themselves: a cumulative
        # claim takes what the dated ones leave (``reconcile_claims``), it does not hide them.
        groups: list[list[ClaimExtra]] = []
        for cumulative in (False, True):
            reach = None
            for claim in sorted((c for c in own if c.cumulative == cumulative), key=_window):
                if reach is None or claim._window[0] > reach:
                    groups.append([])
                    reach = claim._window[1]
                groups[-1].append(claim)
                reach = max(reach, claim._window[1])
        for group in groups:
            if len(group) == 1:
                continue
            best = max(
                group,
                key=lambda c: (c.claimed_value, c._window[1] - c._window[0], _desc(c.key)),
            )
            highs = [Range.of(c.claimed_value, c.qualifier).high for c in group]
            best.claimed_high = math.inf if any(map(math.isinf, highs)) else sum(highs)
            for claim in group:
                if claim is not best:
                    claim.counts_with = best.key
                    claim.reason = OVERLAPPED


def _window(claim: ClaimExtra) -> tuple[dt.date, dt.date]:
    return claim._window


def _desc(key: str) -> tuple[int, ...]:
    """A sort key that makes ``max`` prefer the alphabetically first key."""
    return tuple(-ord(ch) for ch in key)


def reconcile_claims(user: Any, logged_by: LoggedBy) -> list[ClaimExtra]:
    """Every claim ``user`` may see, reconciled with the events ``logged_by`` gives its
    claimant (the module's rule); supply, gaps and achievements call this and nothing else."""
    claims = _aggregate(user) + _stated_alone(user)
    _group_overlaps(claims)
    # A claimant held as written (issue 14) has no events to set against its claims.
    known = [c for c in claims if c.claimant_id is not None]
    windows = [c._window for c in known if c._window is not None and c.measure]
    by_party = (
        logged_by(
            {c.claimant_id for c in known if c._window is not None and c.measure},
            min(start for start, _ in windows),
            max(end for _, end in windows),
        )
        if windows
        else {}
    )
    # Dated claims first: a cumulative claim counts only what they and the events leave.
    for claim in sorted(claims, key=lambda c: c.cumulative):
        if not claim.measure:
            continue
        if claim._window is None:
            claim.reason = NO_PERIOD
            continue
        start, end = claim._window
        # No event can be set against a claimant held as written (events with an
        # unreconciled host are nobody's either): the claim is counted whole.
        logged = [
            (key, people)
            for key, when, people in (
                by_party.get(claim.claimant_id, ()) if claim.claimant_id is not None else ()
            )
            if when and start <= when <= end
        ]
        claim.logged = sum(people for _, people in logged)
        claim.logged_events = sorted(key for key, _ in logged)
        if claim.period_start is not None:
            claim.years = tuple(range(claim.period_start.year, claim.period_end.year + 1))
        if not claim.counted:
            continue
        covered = Range.of(claim.logged)
        if claim.cumulative:
            within = [
                other
                for other in claims
                if other.claimant_id == claim.claimant_id
                and claim.claimant_id is not None
                and not other.cumulative
                and other.counted
                and other.measure
                and other._window is not None
                and other._window[0] <= end
            ]
            claim.includes = sorted(other.key for other in within)
            for other in within:
                covered = covered + other.extra
        claim.extra = whole(claim.claimed.minus(covered))
        if claim.extra.value == 0:
            claim.reason = COVERED
        elif claim.cumulative:
            claim.reason = CUMULATIVE
        if claim.years:
            claim.shares = spread(claim.extra, claim.years)
    return claims


def people_json(r: Range) -> dict[str, int | None]:
    """People with their bounds as whole numbers (bounds rounded outwards); null: unbounded."""
    r = whole(r)
    return {
        "value": int(r.value),
        "low": int(r.low),
        "high": None if math.isinf(r.high) else int(r.high),
    }


def claim_json(c: ClaimExtra, claimants: dict[int, str]) -> dict:
    """One reconciled claim as the reports give it (gaps, achievements, API, CLI);
    ``claimants``: institution keys by id."""
    return {
        "claim": c.key,
        "source": c.source,
        "claimant": claimants.get(c.claimant_id, ""),
        "claimant_text": c.claimant_text,
        "description": c.description,
        "measure": c.measure,
        "claimed": {**people_json(c.claimed), "qualifier": c.qualifier},
        "claimed_qualifier": c.qualifier,
        "period_start": c.period_start.year if c.period_start else None,
        "period_end": c.period_end.year if c.period_end else None,
        "cumulative": c.cumulative,
        "includes": c.includes,
        "logged": c.logged,
        "logged_events": c.logged_events,
        "extra": {**people_json(c.extra), "qualifier": c.qualifier if c.extra.value else ""},
        "years": list(c.years),
        "per_year": [{"year": y, **people_json(share)} for y, share in c.shares],
        "overlaps": c.overlaps,
        "counted": c.counted,
        "counts_with": c.counts_with,
        "reason": c.reason,
        "country": c.country,
        "courses": c.courses,
        "courses_qualifier": c.courses_qualifier,
    }


def unreconciled_claims(claims: list[ClaimExtra]) -> int:
    """Aggregate claims whose claimant is held as written (issue 14): counted whole, with
    no logged event set against them, and shown apart so the reader knows."""
    return sum(1 for c in claims if c.source == "aggregate_claim" and c.claimant_id is None)


def claimant_keys(user: Any, claims: list[ClaimExtra]) -> dict[int, str]:
    """Keys of the claimants of ``claims`` that ``user`` may see."""
    ids = {c.claimant_id for c in claims}
    return dict(Institution.objects.visible_to(user).filter(pk__in=ids).values_list("pk", "key"))
