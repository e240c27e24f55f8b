"""Counts against the truth: the registry's supply, gaps and collaboration states scored against
a generated world's truth (``files.truth``), as ``steward.run`` gives them.

- **Supply**: people counted (``totals.people`` of ``nscap analyse gaps``) over the true
  participants of every true event; people placed in a country by a report, and with the
  estimate, over the true people (every true event has a full breakdown).
- **Gaps**: for every demand cell of the truth (country, target group, topic, year), the
  registry's gap row against the true gap ``max(demand − true supply, 0)``:
  Σ|gap − true gap| / Σ demand, counted and with the estimate; beside it the error of the
  supply in those cells, Σ|supply − true supply| / Σ true supply, and the *information
  floor*: the same error for a perfect counter that knows only the topics and target groups
  the reports tell (``knowable_supply``), so what is left above it is nscap's.
- **Collaboration**: each pair of the truth is ``confirmed``, ``parent`` (one-sided, answered
  only by the partner's parent: "confirmed by the parent organisation") or ``one-sided``; the
  registry's state of the pair is read from its directed edges (``answered`` → confirmed,
  else ``related_back`` → parent, else one-sided). Confirmed depth: for each claim of a truth
  pair, the edge's confirmed depth against the claim type's depth when the pair is confirmed,
  else 0.
"""

from __future__ import annotations

from collections import Counter

from nscap.collaboration.depth import DEPTH_BY_TYPE


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 4) if b else None


def supply_scores(truth: dict, gaps: dict) -> dict:
    """People counted, placed in a country, and placed with the estimate, over the truth."""
    true = sum(e["participants"] for e in truth["events"].values())
    totals = gaps["totals"]
    by_year = gaps["supply_by_year"]
    dated = sum(y["people"] for y in by_year)
    located = dated - sum(y["unattributed"] for y in by_year)
    return {
        "true_events": len(truth["events"]),
        "events": totals["events"],
        "true_people": true,
        "counted": totals["people"],
        "estimated": totals["estimated_people"],
        "undated_events": totals["undated_events"],
        "uncounted_events": totals["uncounted_events"],
        "counted_over_true": _ratio(totals["people"], true),
        "located_over_true": _ratio(located, true),
        "located_with_estimate_over_true": _ratio(located + totals["estimated_people"], true),
    }


def knowable_supply(truth: dict) -> dict[tuple[str, str, str, int], int]:
    """True supply by cell as the reports can tell it: each true event with its true people,
    breakdown and year, but only the topics and groups its reports can tell
    (``files.knowable_labels``). Its gap error against the truth is the floor that no counting
    can go below: information that is in no report."""
    out: dict[tuple[str, str, str, int], int] = {}
    for event in truth["events"].values():
        year = int(event["start"][:4])
        for country, people in event["by_country"].items():
            for group in event["knowable_target_groups"]:
                for topic in event["knowable_topics"]:
                    cell = (country, group, topic, year)
                    out[cell] = out.get(cell, 0) + people
    return out


def information_floor(truth: dict) -> float | None:
    """Σ|gap error| / Σ demand of ``knowable_supply``: what the reports cannot tell."""
    true_supply = _true_supply(truth)
    knowable = knowable_supply(truth)
    error = demand_total = 0.0
    for d in truth["demand"]:
        cell = (d["country"], d["target_group"], d["topic"], d["year"])
        true_gap = max(d["people"] - true_supply.get(cell, 0), 0)
        error += abs(max(d["people"] - knowable.get(cell, 0), 0) - true_gap)
        demand_total += d["people"]
    return _ratio(error, demand_total)


def _true_supply(truth: dict) -> dict[tuple[str, str, str, int], int]:
    return {
        (s["country"], s["target_group"], s["topic"], s["year"]): s["people"]
        for s in truth["supply_by_year"]
    }


def gap_scores(truth: dict, gaps: dict) -> dict:
    """Σ|gap error| / Σ demand over the truth's demand cells (counted, and with the estimate)."""
    true_supply = _true_supply(truth)
    rows = {
        (r["scope_key"], r["target_group"], r["topic"], r["year"]): r
        for r in gaps["rows"]
        if r["scope"] == "country"
    }
    demand_total = supply_total = 0.0
    error = error_estimate = supply_error = supply_error_estimate = 0.0
    missing = 0
    for d in truth["demand"]:
        cell = (d["country"], d["target_group"], d["topic"], d["year"])
        demand, supplied = d["people"], true_supply.get(cell, 0)
        true_gap = max(demand - supplied, 0)
        row = rows.get(cell)
        if row is None:
            missing += 1
            counted = with_estimate = 0.0
            gap = gap_estimate = float(demand)
        else:
            counted = row["supply"]["value"] or 0
            with_estimate = row["supply_with_estimate"]["value"] or 0
            gap = row["gap"]["value"] or 0
            gap_estimate = row["gap_with_estimate"]["value"] or 0
        demand_total += demand
        supply_total += supplied
        error += abs(gap - true_gap)
        error_estimate += abs(gap_estimate - true_gap)
        supply_error += abs(counted - supplied)
        supply_error_estimate += abs(with_estimate - supplied)
    return {
        "cells": len(truth["demand"]),
        "cells_without_a_row": missing,
        "demand": round(demand_total),
        "information_floor": information_floor(truth),
        "gap_error_over_demand": _ratio(error, demand_total),
        "gap_error_with_estimate_over_demand": _ratio(error_estimate, demand_total),
        "cell_supply_error_over_true": _ratio(supply_error, supply_total),
        "cell_supply_error_with_estimate_over_true": _ratio(supply_error_estimate, supply_total),
    }


def collaboration_scores(truth: dict, edges: list[dict]) -> dict:
    """Pair status accuracy (confirmed / parent / one-sided) and confirmed-depth accuracy."""
    by_pair = {(e["claimant"]["key"], e["partner"]["key"]): e for e in edges}
    confusion: Counter[tuple[str, str]] = Counter()
    status_of: dict[tuple[str, str], str] = {}
    for pair in truth["collaboration_pairs"]:
        a, b = pair["a"], pair["b"]
        expected = pair["status"]
        if expected == "one-sided" and pair["parent_answered"]:
            expected = "parent"
        status_of[a, b] = expected
        found = [by_pair[k] for k in ((a, b), (b, a)) if k in by_pair]
        if any(e["answered"] for e in found):
            seen = "confirmed"
        elif any(e["related_back"] for e in found):
            seen = "parent"
        else:
            seen = "one-sided"
        confusion[expected, seen] += 1
    depth_right = depth_total = 0
    for claim in truth["claims"]:
        status = status_of.get(tuple(sorted((claim["claimant"], claim["partner"]))))
        if status is None:
            continue  # a parent's claim back: part of no pair of the truth
        depth_total += 1
        expected = DEPTH_BY_TYPE[claim["type"]] if status == "confirmed" else 0
        edge = by_pair.get((claim["claimant"], claim["partner"]))
        depth_right += edge is not None and edge["confirmed"] == expected
    pairs = sum(confusion.values())
    right = sum(n for (expected, seen), n in confusion.items() if expected == seen)
    return {
        "pairs": pairs,
        "status_accuracy": _ratio(right, pairs),
        "confusion": {f"{e} → {s}": n for (e, s), n in sorted(confusion.items())},
        "claims": depth_total,
        "confirmed_depth_accuracy": _ratio(depth_right, depth_total),
    }


def score(result: dict) -> dict:
    """Every score of the module for one ``steward.run`` result."""
    truth, gaps = result["truth"], result["gaps"]
    return {
        "supply": supply_scores(truth, gaps),
        "gaps": gap_scores(truth, gaps),
        "collaboration": collaboration_scores(truth, result["edges"]),
    }
