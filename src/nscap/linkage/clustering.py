"""Constrained clustering of scored report pairs: the constraints the world gives.

Not connected components (which chain a center's runs of a course into one blob). Pairs join
clusters greedily, strongest first, and a join is refused when

- the two clusters share a reporter (one reporter does not report one event twice);
- their day-precise start dates would lie more than ``MAX_SPAN_DAYS`` apart (runs of a series
  are at least 45 days apart; reports of one run differ by a few days);
- both carry different earlier cluster ids (stable ids: that pair becomes a suggestion).

A report dated only to the month, or undated, whose two best candidates are different events
of similar weight (``AMBIGUITY_MARGIN``) is left for a steward (``ambiguous``) rather than
guessed: with one candidate event of that host and course it links, with two it does not.
"""

from __future__ import annotations

import datetime as dt

MAX_SPAN_DAYS = (
    7  # a cluster's exact start dates lie at most this far apart (seeds 1-2, both generators)
)
AMBIGUITY_MARGIN = 2.0  # bits: an imprecise report's two best events this close = ambiguous
RUN_GAP_DAYS = 45  # runs of one course by one host are at least this far apart


class Clusters:
    """Union-find over reports with the constraints of the world attached to each cluster."""

    def __init__(self, reporters: list[str], starts: list, precise: list[bool], anchors: list):
        n = len(reporters)
        self.parent = list(range(n))
        self.reporters = [{r} for r in reporters]
        self.low = [s if p else None for s, p in zip(starts, precise, strict=True)]
        self.high = list(self.low)
        self.anchor = list(anchors)

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def blocked_by(self, a: int, b: int) -> str | None:
        """Why clusters a and b may not join automatically (None: they may)."""
        if self.reporters[a] & self.reporters[b]:
            return "kept apart"
        lows = [d for d in (self.low[a], self.low[b]) if d is not None]
        highs = [d for d in (self.high[a], self.high[b]) if d is not None]
        if lows and (max(highs) - min(lows)).days > MAX_SPAN_DAYS:
            return "kept apart"
        if self.anchor[a] and self.anchor[b] and self.anchor[a] != self.anchor[b]:
            return "suggested"
        return None

    def join(self, a: int, b: int) -> None:
        self.parent[b] = a
        self.reporters[a] |= self.reporters[b]
        for bound, pick in ((self.low, min), (self.high, max)):
            values = [d for d in (bound[a], bound[b]) if d is not None]
            bound[a] = pick(values) if values else None
        self.anchor[a] = self.anchor[a] or self.anchor[b]


def _apart(a: dt.date | None, b: dt.date | None, precise_a: bool, precise_b: bool) -> bool:
    """Two candidates that cannot be one event by their dates."""
    if a is None or b is None:
        return False
    if precise_a and precise_b:
        return abs((a - b).days) > MAX_SPAN_DAYS
    return abs((a - b).days) > RUN_GAP_DAYS  # a month-only side: a month and more apart


def _ambiguous(
    rows: list[tuple], precise: list[bool], starts: list, margin: float = AMBIGUITY_MARGIN
) -> set[int]:
    """Imprecise reports whose best two candidates are different events of similar weight."""
    best: dict[int, list[tuple[float, int]]] = {}
    for left, right, weight, *_ in rows:
        for me, other in ((left, right), (right, left)):
            if not precise[me]:
                best.setdefault(me, []).append((weight, other))
    out = set()
    for me, candidates in best.items():
        candidates.sort(reverse=True)
        top_weight, top = candidates[0]
        for weight, other in candidates[1:]:
            if top_weight - weight > margin:
                break
            if _apart(starts[top], starts[other], precise[top], precise[other]):
                out.add(me)
                break
    return out


def constrained_clusters(
    scored: list[tuple],
    reporters: list[str],
    starts: list,
    precise: list[bool],
    anchors: list,
    *,
    link_weight: float,
    margin: float = AMBIGUITY_MARGIN,
) -> tuple[Clusters, list[str], set[int]]:
    """Cluster scored rows (left, right, weight, ...), strongest first: the clusters, each
    row's status (linked | suggested | ambiguous | kept apart) and the ambiguous reports."""
    clusters = Clusters(reporters, starts, precise, anchors)
    ambiguous = _ambiguous([r for r in scored if r[2] >= link_weight], precise, starts, margin)
    statuses = []
    for row in scored:
        left, right, weight = row[:3]
        a, b = clusters.find(left), clusters.find(right)
        if a == b:
            status = "linked"
        elif left in ambiguous or right in ambiguous:
            status = "ambiguous"
        else:
            status = clusters.blocked_by(a, b) or (
                "linked" if weight >= link_weight else "suggested"
            )
            if status == "linked":
                clusters.join(a, b)
        statuses.append(status)
    return clusters, statuses, ambiguous
