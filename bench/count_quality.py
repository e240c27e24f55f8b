"""Counts against the truth: supply, gaps and collaboration end to end, on a generated world.

    .venv/bin/python bench/count_quality.py --events 5000 [--seed 3] [--json OUT.json] [--record]

The second generator's world (``nscap.synthetic_world``) is taken through nscap as a steward
takes a new data set (``synthetic_world.steward``: ``nscap import`` of the template files,
demand and claims included; ``nscap link --full --apply``; ``nscap fuse``; ``nscap analyse
gaps``; ``/api/analytics/collaboration/edges``) twice, each time into a fresh SQLite registry:

- with the **true clusters** (the reports file carries the truth's ``same_as``; no linkage):
  what is left is counting error alone;
- with the **engine's clusters** (``link --full --apply``): linkage error on top.

Scores (``synthetic_world.scoring``): supply counted / true, people placed in a country (counted,
with the estimate) / true, Σ|gap error| / Σ demand over the truth's demand cells, collaboration
pair status and confirmed-depth accuracy. The first generator (``nscap.linkage.synthetic``)
knows no true counts, breakdowns, demand or claims: it scores none of these (its linkage is
scored by ``bench/linkage_quality.py``); the table says so.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


def _f(section: str, name: str) -> Callable[[dict], str]:
    return lambda s: f"{s[section][name]:.3f}"


ROWS = (
    ("true events / events standing",
     lambda s: f"{s['supply']['true_events']:,} / {s['supply']['events']:,}"),
    ("supply counted / true", _f("supply", "counted_over_true")),
    ("people in a country: counted / true", _f("supply", "located_over_true")),
    ("people in a country: with the estimate / true",
     _f("supply", "located_with_estimate_over_true")),
    ("Σ abs. gap error / Σ demand: information floor (labels no report tells)",
     _f("gaps", "information_floor")),
    ("Σ abs. gap error / Σ demand (counted)", _f("gaps", "gap_error_over_demand")),
    ("Σ abs. gap error / Σ demand (with the estimate)",
     _f("gaps", "gap_error_with_estimate_over_demand")),
    ("Σ abs. supply error in demand cells / true (counted → with estimate)",
     lambda s: f"{s['gaps']['cell_supply_error_over_true']:.3f} → "
     f"{s['gaps']['cell_supply_error_with_estimate_over_true']:.3f}"),
    ("collaboration pair status accuracy",
     lambda s: f"{s['collaboration']['status_accuracy']:.3f} "
     f"({s['collaboration']['pairs']:,} pairs)"),
    ("confirmed depth accuracy",
     lambda s: f"{s['collaboration']['confirmed_depth_accuracy']:.3f} "
     f"({s['collaboration']['claims']:,} claims)"),
)  # fmt: skip


def table(results: dict[str, dict]) -> str:
    """Markdown: one column per run, and the first generator's column of what it can't score."""
    names = list(results)
    lines = [
        "| measure | " + " | ".join(names) + " | first generator |",
        "|---|" + "---|" * (len(names) + 1),
    ]
    for label, cell in ROWS:
        lines.append(
            f"| {label} | "
            + " | ".join(cell(results[n]) for n in names)
            + " | — (no truth for it) |"
        )
    return "\n".join(lines)


def one_run(events: int, seed: int, true_clusters: bool, directory: Path) -> dict:
    """One run in a fresh registry (called in a child process: ``--child``)."""
    from bench.common import setup_django

    setup_django(str(directory / "data"))
    from nscap.synthetic_world import scoring, steward, world
    from nscap.testing.roles import make_steward

    result = steward.run(
        world.generate(events, seed=seed),
        directory / "files",
        make_steward("bench-steward"),
        true_clusters=true_clusters,
    )
    return {
        **scoring.score(result),
        "messages": result["messages"],
        "seconds": result["seconds"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--json", help="also write every figure to this JSON file")
    parser.add_argument("--only", choices=("true", "engine"), help="one run only")
    parser.add_argument("--record", action="store_true", help="append to docs/benchmarks.md")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # one run, in its own process and database
        kind, out = args.child.split(":", 1)
        directory = Path(tempfile.mkdtemp(prefix=f"nscap-count-{kind}-"))
        scores = one_run(args.events, args.seed, kind == "true", directory)
        Path(out).write_text(json.dumps(scores, indent=1))
        return
    results: dict[str, dict] = {}
    kinds = [args.only] if args.only else ["true", "engine"]
    for kind in kinds:
        out = Path(tempfile.mkstemp(suffix=".json")[1])
        env = {k: v for k, v in os.environ.items() if k != "NSCAP_DATA_DIR"}
        subprocess.run(  # noqa: S603 - this script, with our own arguments
            [sys.executable, __file__, "--events", str(args.events), "--seed", str(args.seed),
             "--child", f"{kind}:{out}"],
            check=True, env=env,
        )  # fmt: skip
        name = "true clusters" if kind == "true" else "engine's clusters"
        results[name] = json.loads(out.read_text())
        print(f"{name}: {results[name]['seconds']} {results[name]['messages']}", file=sys.stderr)
    print(f"second generator (synthetic_world), {args.events:,} events, seed {args.seed}\n")
    print(table(results))
    for name, r in results.items():
        print(f"\n{name}: gaps {r['gaps']}\n  supply {r['supply']}")
        print(f"  collaboration {r['collaboration']}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    if args.record:
        from bench.common import record

        record(
            f"count_quality {args.events} events, seed {args.seed}",
            [(f"{label} ({name})", cell(r)) for name, r in results.items() for label, cell in ROWS],
        )


if __name__ == "__main__":
    main()
