"""Fit the engine's fixed m probabilities on labelled pairs of *both* generators.

    .venv/bin/python bench/linkage_fit_m.py --events 5000 --seeds 1 2 [--comparisons length]

For each generator and seed, every *true* pair (all of them, blocked or not) is put at the
level the engine's comparison gives it (the rules mirrored below; null levels left out). Each
generator's shares are averaged over its seeds, then the two generators are averaged with equal
weight (so neither dominates by its number of pairs), and every level is floored at 0.005.
Print the result as the engine's ``M`` entries. Seeds 1 and 2 only: seed 3 and up are the
held-out seeds the figures in docs/analytics.md are reported on.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

FLOOR = 0.005


def participants_level(a: dict, b: dict) -> int | None:
    """The engine's ``participants_comparison`` level of two feature rows (0 = top)."""
    if a["participants"] is None or b["participants"] is None:
        return None
    x, y = a["participants"], b["participants"]
    compatible = a["count_low"] <= b["count_high"] and b["count_low"] <= a["count_high"]
    both_exact = a["count_low"] == a["count_high"] and b["count_low"] == b["count_high"]
    difference = abs(x - y) / max(x, y) if max(x, y) else 0.0
    for level, test in enumerate(
        (
            x == y and compatible,
            compatible and difference <= 0.1,
            both_exact and difference <= 0.1,
            (compatible or both_exact) and difference <= 0.3,
            compatible,
        )
    ):
        if test:
            return level
    return 5


def length_level(a: dict, b: dict) -> int | None:
    """The engine's ``length`` level of two feature rows (0 = top)."""
    if a["days"] is None or b["days"] is None:
        return None
    return 0 if a["days"] == b["days"] else (1 if abs(a["days"] - b["days"]) <= 1 else 2)


def partners_level(a: dict, b: dict) -> int | None:
    """The engine's ``partners`` level of two feature rows (0 = top)."""
    left, right = set(a["partners"] or ()), set(b["partners"] or ())
    if not left and not right:
        return None
    if b["reporter_id"] in left or a["reporter_id"] in right:
        return 0
    return 1 if left & right else 2


LEVELS = {
    "participants": (participants_level, 6),
    "length": (length_level, 3),
    "partners": (partners_level, 3),
}


def level_shares(gen, comparisons: list[str]) -> dict[str, list[float]]:
    """Each comparison's level shares among *all* true pairs (top level first), computed on
    the engine's feature table with the engine's level rules (mirrored above)."""
    from nscap.linkage.features import HostResolver, TopicInferrer, feature_table

    table = feature_table(
        gen.records,
        topics=TopicInferrer(gen.vocabulary),
        resolve_host=HostResolver(gen.labels, gen.places),
    ).to_pylist()
    members: dict[str, list[dict]] = {}
    for row in table:
        members.setdefault(gen.truth[row["key"]], []).append(row)
    counts = {name: Counter() for name in comparisons}
    for rows in members.values():
        for i, a in enumerate(rows):
            for b in rows[i + 1 :]:
                for name in comparisons:
                    level = LEVELS[name][0](a, b)
                    if level is not None:
                        counts[name][level] += 1
    return {
        name: [counts[name][i] / max(1, sum(counts[name].values())) for i in range(LEVELS[name][1])]
        for name in comparisons
    }


def main() -> None:
    from nscap.linkage import evaluation

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--comparisons", nargs="+", default=["participants", "length", "partners"])
    args = parser.parse_args()
    per_generator = []
    for make in (evaluation.from_first, evaluation.from_world):
        seeds = [level_shares(make(args.events, seed), args.comparisons) for seed in args.seeds]
        per_generator.append(
            {n: [sum(s[n][i] for s in seeds) / len(seeds) for i in range(len(seeds[0][n]))]
             for n in args.comparisons}
        )  # fmt: skip
    for name in args.comparisons:
        levels = range(len(per_generator[0][name]))
        mean = [sum(g[name][i] for g in per_generator) / 2 for i in levels]
        floored = [max(FLOOR, share) for share in mean]
        total = sum(floored)
        print(f'    "{name}": ({", ".join(f"{share / total:.3f}" for share in floored)}),')
        for g, label in zip(per_generator, ("first", "second"), strict=True):
            print(f"      # {label}: " + ", ".join(f"{share:.3f}" for share in g[name]))


if __name__ == "__main__":
    main()
