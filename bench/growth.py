"""Growth plot of the read benchmarks: p95 latency and req/s against registry size, log-log.

    python bench/growth.py [--out docs/read_api_growth.png]

Reads ``docs/bench-data/read_api.jsonl`` (written by ``bench/read_api.py``) and keeps, for each
scale, backend, server and endpoint, the latest run. A paginated read that stays flat is a
horizontal line; one that grows with the registry slopes up (p95) or down (req/s).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.read_api import DATA, ROOT  # noqa: E402


def latest(path: Path = DATA) -> dict[tuple, dict]:
    """The last row of each (scale, backend, server, endpoint) in the results file."""
    rows: dict[tuple, dict] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            rows[(row["scale"], row["backend"], row["server"], row["endpoint"])] = row
    return rows


def plot(rows: dict[tuple, dict], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series: dict[tuple, list[dict]] = {}
    for (_, backend, server, endpoint), row in sorted(rows.items()):
        series.setdefault((backend, server, endpoint), []).append(row)
    figure, (p95_axes, rps_axes) = plt.subplots(1, 2, figsize=(13, 5.5))
    for (backend, server, endpoint), points in sorted(series.items()):
        if len(points) < 2:
            continue
        points.sort(key=lambda r: r["scale"])
        scales = [p["scale"] for p in points]
        style = "-" if server == "nscap" else "--" if server == "bare" else ":"
        marker = "o" if backend == "postgresql" else "s"
        label = f"{server} {endpoint} ({backend})"
        p95_axes.plot(scales, [p["p95_ms"] for p in points], style, marker=marker, label=label)
        rps_axes.plot(scales, [p["rps"] for p in points], style, marker=marker, label=label)
    for axes, title in ((p95_axes, "p95 latency (ms)"), (rps_axes, "requests per second")):
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xlabel("reported events in the registry")
        axes.set_title(title)
        axes.grid(True, which="both", alpha=0.3)
    rps_axes.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.02, 0.5))
    figure.suptitle("Read API and pages under wrk at 32 connections (shared 2-core machine)")
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=110)


def table(rows: dict[tuple, dict]) -> str:
    """A Markdown table of the latest figures: one line per series, req/s and p95 per scale."""
    scales = sorted({key[0] for key in rows})
    series = sorted({key[1:] for key in rows}, key=lambda k: (k[2], k[0], k[1]))
    head = "| endpoint | backend | server | " + " | ".join(f"{s:,} events" for s in scales) + " |"
    lines = [head, "|---|---|---|" + "---|" * len(scales)]
    for backend, server, endpoint in series:
        cells = []
        for scale in scales:
            row = rows.get((scale, backend, server, endpoint))
            cells.append(f"{row['rps']:.0f} req/s, p95 {row['p95_ms']:.0f} ms" if row else "—")
        lines.append(f"| {endpoint} | {backend} | {server} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "read_api_growth.png"))
    args = parser.parse_args()
    rows = latest()
    plot(rows, Path(args.out))
    print(f"wrote {args.out}\n")
    print(table(rows))


if __name__ == "__main__":
    main()
