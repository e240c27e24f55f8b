"""Constrained clustering of scored report pairs: the constraints the world gives.

Not connected components (which chain a center's runs of a course into one blob). Pairs join
clusters greedily, strongest first, and a join is refused when

- the two clusters share a reporter (one reporter does not report one event twice);
- their day-precise start dates would lie more than ``MAX_SPAN_DAYS`` apart (runs of a series
  are at least 45 days apart; reports of one run differ by a few days);
- the pairs *across* the two clusters weigh less than ``link_weight`` on average (a pair not
  scored counts as ``UNSCORED_WEIGHT``): one strong pair does not fuse two events whose other
  reports disagree (a big center's two runs of one course days apart, each reported twice);
- both carry different earlier cluster ids (stable ids: that pair becomes a suggestion).

Dated reports are clustered first; then each **undated** report joins the *event* (cluster)
its pairs point to, best first: its candidates are scored per cluster (the best pair into it),
so two reports of the right run count as one candidate, not two rivals. A report dated only to
the month, or undated, whose two best candidates are different events of similar weight
(``AMBIGUITY_MARGIN``) is left for a steward (``ambiguous``) rather than guessed: with one
candidate event of that host and course it links, with two it does not.
"""

from __future__ import annotations

import datetime as dt

MAX_SPAN_DAYS = (
    7  # a cluster's exact start dates lie at most this far apart (seeds 1-2, both generators)
)
AMBIGUITY_MARGIN = 2.0  # bits: an imprecise report's two best events this close = ambiguous
RUN_GAP_DAYS = 45  # runs of one course by one host are at least this far apart
# bits: what a pair the scoring did not return (not blocked, or below the suggestion weight)
# counts for in the average across two clusters (chosen on seeds 1-2 of both generators)
UNSCORED_WEIGHT = -5.0


class Clusters:
    """Union-find over reports with the constraints of the world attached to each cluster."""

    def __init__(
        self,
        reporters: list[str],
        starts: list,
        precise: list[bool],
        anchors: list,
        weights: dict[tuple[int, int], float] | None = None,
        link_weight: float | None = None,
    ):
        n = len(reporters)
        self.parent = list(range(n))
        self.reporters = [{r} for r in reporters]
        self.low = [s if p else None for s, p in zip(starts, precise, strict=True)]
        self.high = list(self.low)
        self.anchor = list(anchors)
        self.members = [[i] for i in range(n)]
        self.weights = weights or {}  # (low index, high index) -> match weight
        self.link_weight = link_weight

    def cross_weight(self, a: int, b: int) -> float:
        """The average weight of the pairs across clusters a and b (unscored pairs count as
        ``UNSCORED_WEIGHT``): average linkage, so every report of both has its say."""
        total = 0.0
        for x in self.members[a]:
            for y in self.members[b]:
                total += self.weights.get((min(x, y), max(x, y)), UNSCORED_WEIGHT)
        return total / (len(self.members[a]) * len(self.members[b]))

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
        if (
            self.link_weight is not None
            and len(self.members[a]) + len(self.members[b]) > 2
            and self.cross_weight(a, b) < self.link_weight
        ):
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
        self.members[a] += self.members[b]
        self.members[b] = []


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
    row's status (linked | suggested | ambiguous | kept apart) and the ambiguous reports.

    Three passes: pairs of dated reports; each undated report into its best event
    (``_place_undated``); then what is left (two undated reports of one event)."""
    weights = {(min(r[0], r[1]), max(r[0], r[1])): r[2] for r in scored}
    clusters = Clusters(reporters, starts, precise, anchors, weights, link_weight)
    dated = [start is not None for start in starts]
    strong = [r for r in scored if r[2] >= link_weight]
    ambiguous = _ambiguous(
        [r for r in strong if dated[r[0]] and dated[r[1]]], precise, starts, margin
    )
    _greedy(clusters, [r for r in strong if dated[r[0]] and dated[r[1]]], ambiguous)
    ambiguous |= _place_undated(clusters, strong, dated, ambiguous, margin)
    _greedy(clusters, strong, ambiguous)
    statuses = []
    for left, right, *_ in scored:
        a, b = clusters.find(left), clusters.find(right)
        if a == b:
            statuses.append("linked")
        elif left in ambiguous or right in ambiguous:
            statuses.append("ambiguous")
        else:
            statuses.append(clusters.blocked_by(a, b) or "suggested")
    return clusters, statuses, ambiguous


def _greedy(clusters: Clusters, rows: list[tuple], ambiguous: set[int]) -> None:
    """Join the clusters of each row, strongest first, unless a constraint refuses."""
    for left, right, *_ in rows:
        if left in ambiguous or right in ambiguous:
            continue
        a, b = clusters.find(left), clusters.find(right)
        if a != b and clusters.blocked_by(a, b) is None:
            clusters.join(a, b)


def _place_undated(
    clusters: Clusters, strong: list[tuple], dated: list[bool], ambiguous: set[int], margin: float
) -> set[int]:
    """Each undated report joins the event its strongest pair points to, scored per event
    (the best pair into each cluster of dated reports) among the events it may join; two
    events within ``margin`` bits leave it to a steward. Returns the reports left so."""
    candidates: dict[int, list[tuple[float, int]]] = {}
    for left, right, weight, *_ in strong:
        for me, other in ((left, right), (right, left)):
            if not dated[me] and dated[other] and other not in ambiguous:
                candidates.setdefault(me, []).append((weight, other))
    left_out = set()
    for me in sorted(candidates, key=lambda m: -max(w for w, _o in candidates[m])):
        best: dict[int, float] = {}
        for weight, other in candidates[me]:
            root = clusters.find(other)
            best[root] = max(best.get(root, weight), weight)
        mine = clusters.find(me)
        ranked = sorted(
            (
                (weight, root)
                for root, weight in best.items()
                if not clusters.blocked_by(mine, root)
            ),
            reverse=True,
        )
        if len(ranked) > 1 and ranked[0][0] - ranked[1][0] <= margin:
            left_out.add(me)
        elif ranked:
            clusters.join(ranked[0][1], mine)
    return left_out
