"""Linkage quality against known truth: pairwise and cluster precision, recall and F1.

Pairwise: a pair of reports is predicted linked when both land in one cluster; it is truly
linked when both report one event. Cluster: a predicted cluster is right when it holds exactly
the reports of one true event. Per noise type: the pairs where either report carries that noise.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations


@dataclass(frozen=True)
class Scores:
    """Precision, recall, F1 and the counts behind them."""

    precision: float
    recall: float
    f1: float
    true_positives: int
    predicted: int
    actual: int

    @classmethod
    def of(cls, true_positives: int, predicted: int, actual: int) -> Scores:
        precision = true_positives / predicted if predicted else 1.0
        recall = true_positives / actual if actual else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(precision, recall, f1, true_positives, predicted, actual)

    def as_dict(self) -> dict:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "true_positives": self.true_positives,
            "predicted": self.predicted,
            "actual": self.actual,
        }


def _pairs(cluster_of: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = defaultdict(list)
    for key, cluster in cluster_of.items():
        members[cluster].append(key)
    return {
        tuple(sorted(pair)) for keys in members.values() for pair in combinations(sorted(keys), 2)
    }


def pairwise(cluster_of: dict[str, str], truth: dict[str, str]) -> Scores:
    predicted, actual = _pairs(cluster_of), _pairs(truth)
    return Scores.of(len(predicted & actual), len(predicted), len(actual))


def clusters(cluster_of: dict[str, str], truth: dict[str, str]) -> Scores:
    def groups(mapping: dict[str, str]) -> set[frozenset[str]]:
        members: dict[str, set[str]] = defaultdict(set)
        for key, cluster in mapping.items():
            members[cluster].add(key)
        return {frozenset(m) for m in members.values()}

    predicted, actual = groups(cluster_of), groups(truth)
    return Scores.of(len(predicted & actual), len(predicted), len(actual))


def by_noise(
    cluster_of: dict[str, str], truth: dict[str, str], records: Iterable[dict]
) -> dict[str, Scores]:
    """Pairwise scores restricted to pairs where either report carries each noise type."""
    noise = {r["key"]: set(r.get("noise") or ()) for r in records}
    predicted, actual = _pairs(cluster_of), _pairs(truth)
    out = {}
    for kind in sorted({n for ns in noise.values() for n in ns} | {"none"}):

        def has(pair, kind=kind):
            a, b = noise[pair[0]], noise[pair[1]]
            return not (a or b) if kind == "none" else kind in a or kind in b

        p = {pair for pair in predicted if has(pair)}
        t = {pair for pair in actual if has(pair)}
        out[kind] = Scores.of(len(p & t), len(p), len(t))
    return out


def report(cluster_of: dict[str, str], truth: dict[str, str], records: list[dict]) -> dict:
    """All figures as plain data (docs, bench, CLI)."""
    return {
        "pairwise": pairwise(cluster_of, truth).as_dict(),
        "clusters": clusters(cluster_of, truth).as_dict(),
        "by_noise": {k: v.as_dict() for k, v in by_noise(cluster_of, truth, records).items()},
    }
