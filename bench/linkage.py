"""Record linkage at scale: our end-to-end linkage vs a bare Splink model on the same data.

    .venv/bin/python bench/linkage.py --reports 10000 100000 [--no-record]

For each size, two child processes (so that peak memory is each one's own) generate the same
synthetic reports (``nscap.linkage.synthetic``, deterministic from the seed) and then time:

- **ours**: ``engine.link`` end to end: host resolution, topic inference, features, Splink
  scoring with fixed m and estimated u, constrained clustering;
- **bare Splink**: a plain model on the raw fields: blocking on host text + start date, exact
  host text, date difference, Jaro-Winkler title, city, participants; u by random sampling, m by
  EM on the blocked pairs, connected-components clustering at probability 0.9.

Reported per side: wall time (generation excluded), peak RSS (generation included, the same for
both), pairwise F1 against the known truth; for ours also the number of blocked pairs, to see
that it grows linearly. Figures are appended to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from bench.common import record  # noqa: E402

REPORTS_PER_EVENT = 1.75  # the generator's mean number of reports of one event


def _data(reports: int, seed: int):
    from nscap.linkage import synthetic

    return synthetic.generate(max(1, round(reports / REPORTS_PER_EVENT)), seed=seed)


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ours(reports: int, seed: int, out: mp.Queue) -> None:
    from nscap.linkage import engine, quality
    from nscap.linkage.features import HostResolver, TopicInferrer, feature_table

    data = _data(reports, seed)
    resolver = HostResolver(data.labels, data.host_places())
    start = time.perf_counter()
    result = engine.link(
        data.records,
        topic_vocabulary=data.topic_vocabulary(),
        resolve_host=resolver,
        threads=2,
    )
    seconds = time.perf_counter() - start
    scores = quality.pairwise(result.cluster_of, data.truth)
    # not timed: the blocked pair count (exact up to 200,000 reports, else a 20% sample estimate)
    table = feature_table(
        data.records, topics=TopicInferrer(data.topic_vocabulary()), resolve_host=resolver
    )
    blocked = engine.blocked_pair_count(table, 1.0 if reports <= 200_000 else 0.2)
    out.put(
        {
            "records": len(data.records),
            "seconds": seconds,
            "rss_mib": _peak_rss_mib(),
            "f1": scores.f1,
            "precision": scores.precision,
            "recall": scores.recall,
            "blocked_pairs": blocked,
        }
    )


def _bare(reports: int, seed: int, out: mp.Queue) -> None:
    import logging

    import duckdb
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from nscap.linkage import quality
    from nscap.linkage.features import parse_partial

    data = _data(reports, seed)
    start = time.perf_counter()
    table = pa.table(
        {
            "unique_id": list(range(len(data.records))),
            "key": [r["key"] for r in data.records],
            "host": [r["host_text"] for r in data.records],
            "start": [parse_partial(r["start"])[0] for r in data.records],
            "title": [r["title"] for r in data.records],
            "city": [r["city"] for r in data.records],
            "participants": [r["participants"] for r in data.records],
        }
    )
    con = duckdb.connect(":memory:")
    con.execute("SET threads = 2")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.ExactMatch("host"),
            cl.AbsoluteDateDifferenceAtThresholds(
                "start", input_is_string=False, metrics=["day", "day"], thresholds=[3, 10]
            ),
            cl.JaroWinklerAtThresholds("title", [0.9, 0.7]),
            cl.ExactMatch("city"),
            cl.ExactMatch("participants"),
        ],
        blocking_rules_to_generate_predictions=[block_on("host", "start")],
        retain_matching_columns=False,
    )
    linker = Linker(DuckDBAPI(con).register(table), settings, log_level=logging.ERROR)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("host", "start"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.9
    )
    rows = clusters.as_duckdbpyrelation().select("unique_id, cluster_id").fetchall()
    seconds = time.perf_counter() - start
    keys = table.column("key").to_pylist()
    cluster_of = {keys[uid]: str(cid) for uid, cid in rows}
    scores = quality.pairwise(cluster_of, data.truth)
    out.put(
        {
            "records": len(data.records),
            "seconds": seconds,
            "rss_mib": _peak_rss_mib(),
            "f1": scores.f1,
            "precision": scores.precision,
            "recall": scores.recall,
        }
    )


def _in_child(target, reports: int, seed: int) -> dict:
    context = mp.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(reports, seed, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--no-record", action="store_true", help="do not write the results")
    parser.add_argument("--note", default="machine shared with other jobs")
    args = parser.parse_args()
    rows = []
    for reports in args.reports:
        ours = _in_child(_ours, reports, args.seed)
        bare = _in_child(_bare, reports, args.seed)
        ratio_time = ours["seconds"] / bare["seconds"]
        ratio_rss = ours["rss_mib"] / bare["rss_mib"]
        print(
            f"{ours['records']:>9,} reports | ours {ours['seconds']:7.1f} s "
            f"{ours['rss_mib']:7.0f} MiB F1 {ours['f1']:.3f} "
            f"(P {ours['precision']:.3f} R {ours['recall']:.3f}) "
            f"blocked pairs {ours['blocked_pairs']:,} | bare Splink {bare['seconds']:7.1f} s "
            f"{bare['rss_mib']:7.0f} MiB F1 {bare['f1']:.3f} "
            f"(P {bare['precision']:.3f} R {bare['recall']:.3f}) | "
            f"time ratio {ratio_time:.2f}, memory ratio {ratio_rss:.2f}"
        )
        size = f"{ours['records']:,} synthetic reports"
        rows += [
            (
                f"linkage end to end, {size} ({args.note})",
                f"{ours['seconds']:.1f} s, peak RSS {ours['rss_mib']:.0f} MiB, pairwise F1 "
                f"{ours['f1']:.3f}, blocked pairs {ours['blocked_pairs']:,}",
            ),
            (
                f"bare Splink (host + date blocking, EM), {size}",
                f"{bare['seconds']:.1f} s, peak RSS {bare['rss_mib']:.0f} MiB, pairwise F1 "
                f"{bare['f1']:.3f}; ours/bare time {ratio_time:.2f}, memory {ratio_rss:.2f}",
            ),
        ]
    if not args.no_record:
        record("linkage", rows)


if __name__ == "__main__":
    main()
