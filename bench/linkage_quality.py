"""Linkage quality on both synthetic generators: the table of docs/analytics.md "Two generators".

    .venv/bin/python bench/linkage_quality.py --events 5000 [--seed 3] [--json OUT.json]
    .venv/bin/python bench/linkage_quality.py --events 5000 --write-files /tmp/world

For each generator (``nscap.linkage.synthetic``, the first; ``nscap.synthetic_world``, the
second, written from issue 13's description) the same number of true events is generated and
linked with today's engine end to end (``linkage.evaluation.evaluate``: host resolution from text,
topic inference, Splink scoring, constrained clustering), then scored against the truth with
``linkage.quality``: pairwise and cluster precision / recall / F1, pairwise scores per noise
type, supply counted / true supply (second generator only: the first knows no true counts),
and why the missed true pairs were missed. ``--write-files`` also writes the second world as
import files (``institutions.zip``, ``reports.zip``) and ``truth.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

NOISE_ROWS = (
    ("no_topic", "missing topic"),
    ("month_only", "month-only date"),
    ("no_date", "no date"),
    ("non_latin_title", "title in a non-Latin script"),
    ("translated_title", "translated title"),
    ("abbreviated_title", "abbreviated title"),
    ("self_named_host", "co-organiser / trainer named itself host"),
    ("sloppy_host", "sloppy unlisted host name"),
    ("shared_acronym", "host as a shared acronym (NSSC)"),
    ("date_shift", "date shifted 1-3 days"),
)


def _cell(scores: dict | None) -> str:
    if not scores:
        return "—"
    return (
        f"{scores['precision']:.3f} / {scores['recall']:.3f} / {scores['f1']:.3f} "
        f"({scores['actual']:,})"
    )


def table(results: list[dict]) -> str:
    """Markdown: one column per generator, P / R / F1 (true pairs) per row."""
    names = [r["generator"] for r in results]
    lines = [
        "| measure | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
        "| events / reports | "
        + " | ".join(f"{r['events']:,} / {r['reports']:,}" for r in results)
        + " |",
        "| pairwise P / R / F1 (true pairs) | "
        + " | ".join(_cell(r["pairwise"]) for r in results)
        + " |",
        "| cluster exact P / R / F1 (true events) | "
        + " | ".join(_cell(r["clusters"]) for r in results)
        + " |",
    ]
    for tag, label in NOISE_ROWS:
        lines.append(
            f"| noise: {label} | "
            + " | ".join(_cell(r["by_noise"].get(tag)) for r in results)
            + " |"
        )
    lines.append(
        "| supply counted / true supply (naive sum) | "
        + " | ".join(
            f"{r['supply']['counted_over_true']:.3f} ({r['supply']['naive_sum_over_true']:.2f})"
            if r["supply"]
            else "— (no true counts)"
            for r in results
        )
        + " |"
    )
    lines.append(
        "| people in a country / true | "
        + " | ".join(
            f"{r['supply']['located_over_true']:.3f}" if r["supply"] else "—" for r in results
        )
        + " |"
    )
    lines += fused_rows(results)
    truth = [
        {
            "fused_supply": r.get("fused_supply_true_clusters"),
            "supply": r.get("supply_true_clusters"),
        }
        for r in results
    ]
    lines.append(
        "| true clusters: supply counted / true, kept report → fused | "
        + " | ".join(
            f"{t['supply']['counted_over_true']:.3f} → {t['fused_supply']['counted_over_true']:.3f}"
            if t["supply"]
            else "—"
            for t in truth
        )
        + " |"
    )
    lines.append(
        "| true clusters: people in a country / true, kept report → fused | "
        + " | ".join(
            f"{t['supply']['located_over_true']:.3f} → {t['fused_supply']['located_over_true']:.3f}"
            if t["supply"]
            else "—"
            for t in truth
        )
        + " |"
    )
    lines += ["| true clusters, " + row[2:] for row in fused_rows(truth)]
    lines.append("| linkage time | " + " | ".join(f"{r['seconds']:.1f} s" for r in results) + " |")
    return "\n".join(lines)


def fused_rows(results: list[dict]) -> list[str]:
    """Rows of the fused-event figures (``linkage.fused_evaluation``): before → after."""

    def cell(r: dict, get) -> str:
        try:
            value = get(r["fused_supply"])
        except (KeyError, TypeError):
            return "—"
        return "—" if value is None else value

    rows = (
        ("fused: supply counted / true", lambda f: f"{f['counted_over_true']:.3f}"),
        ("fused: people in a country (counted) / true", lambda f: f"{f['located_over_true']:.3f}"),
        (
            "fused: people in a country with the estimate / true",
            lambda f: f"{f['located_with_estimate_over_true']:.3f}",
        ),
        (
            "fused: Σ abs. error by country / true (counted → with estimate)",
            lambda f: f"{f['country_error']:.3f} → {f['country_error_with_estimate']:.3f}",
        ),
        (
            "events with a topic: kept report → fused stated → with inferred",
            lambda f: (
                "{kept_report:.3f} → {fused_stated:.3f} → {fused_stated_or_inferred:.3f}".format(
                    **f["with_topic"]
                )
            ),
        ),
        (
            "events with a breakdown by country: kept report → fused",
            lambda f: "{kept_report:.3f} → {fused:.3f}".format(**f["with_breakdown"]),
        ),
    )
    return [
        f"| {label} | " + " | ".join(cell(r, get) for r in results) + " |" for label, get in rows
    ]


def main() -> None:
    from nscap.linkage import evaluation

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", help="also write every figure to this JSON file")
    parser.add_argument("--write-files", help="write the second world's import files here")
    args = parser.parse_args()
    results = []
    for make in (evaluation.from_first, evaluation.from_world):
        results.append(evaluation.evaluate(make(args.events, args.seed), threads=args.threads))
        print(f"{results[-1]['generator']}: done in {results[-1]['seconds']} s", file=sys.stderr)
    print(table(results))
    for r in results:
        print(f"\n{r['generator']}, missed true pairs: {r['missed_pairs']}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    if args.write_files:
        from nscap.synthetic_world import files, world

        written = files.write(world.generate(args.events, seed=args.seed), Path(args.write_files))
        print("\nwrote " + ", ".join(str(p) for p in written))


if __name__ == "__main__":
    main()
