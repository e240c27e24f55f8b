"""Record linkage of training-event reports: Splink (DuckDB, in process), constrained clustering.

Pure functions on plain rows (see ``features``): no Django ORM here, so the same code links a
registry's events, synthetic data in tests and a million rows in the bench.

The model (Fellegi-Sunter, match weights in bits):

- **Blocking** (which pairs are scored): host + exact start date; host + month; host +
  shifted month; an undated report with the host's reports of its topic or folded title; a
  self-named host's partners (or a shared label's candidates) + month; where one host did not
  resolve: day + topic + country, month + topic + city, and an undated report + topic + city.
  Each block is bounded by one host's (or one city's) courses of one month or topic, so the pair
  count grows linearly with the data even when a few big centers host most events.
- **Comparisons**: host (term-frequency adjusted: agreeing on a big center is weaker evidence),
  start date (exact, within 3 days, within 10, same month when one report gives only a month),
  title (weak: Jaro-Winkler on the folded title), topics (inferred from the title when missing),
  place, participants *with their qualifiers* ("more than 60" excludes exactly 60), partners
  (one report's reporter among the other's partners: a co-organiser reports the event it
  co-organised), length (days from start to end: a shifted report keeps its length).
- **Weights**: u (chance agreement) is estimated from random pairs; m (agreement among true
  duplicates) is *fixed*, not learnt by EM, because EM on blocked pairs learns "same institution"
  rather than "same event" and weakens the date evidence (DESIGN.md). The m values are fitted
  on labelled true pairs of seeds 1 and 2 of both generators (``bench/linkage_fit_m.py``, ``M``).
- **Clustering**: not connected components (which chain a center's runs of a course into one
  blob). Pairs join clusters greedily, strongest first, and a join is refused when the two
  clusters share a reporter (one reporter does not report one event twice), their exact start
  dates lie more than ``MAX_SPAN_DAYS`` apart (runs of a series are weeks apart), or the pairs
  across them weigh less than the link weight on average. Undated reports are placed after the
  dated ones, into the best *event*. A report dated only to the month (or undated) whose two best
  candidates are different events of similar weight is left for a steward (``ambiguous``).
  Clusters carrying different earlier ids never merge automatically: that pair becomes a
  suggestion (stable ids for incremental runs). See ``clustering``.

Big data: the same settings run on Splink's Spark backend (``splink.SparkAPI(spark_session=...)``
instead of ``DuckDBAPI``; every comparison level and blocking rule here is built from Splink's
dialect-neutral library). The clustering step then runs per host partition (clusters never span
hosts when every host resolved), e.g. as a Spark ``groupBy(host_id).applyInPandas``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
import splink.comparison_level_library as cll
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.comparison_library import CustomComparison

from nscap.linkage.clustering import Clusters, constrained_clusters
from nscap.linkage.features import PARTNER_COLUMNS, TopicInferrer, feature_table

LINK_WEIGHT = (
    1.0  # match weight (bits) from which a pair links (chosen on seeds 1-2 of both generators)
)
SUGGEST_WEIGHT = -2.0  # from here up to LINK_WEIGHT a pair is only suggested to a steward

UNDATED = "(l.start_date IS NULL OR r.start_date IS NULL)"

# Fixed m probabilities of the comparisons fitted on labelled pairs (``fit_m``): the level
# shares among true pairs of seeds 1 and 2 of *both* generators, averaged with equal weight,
# each level floored at 0.005 (nothing the world can do is impossible).
M = {
    # first: 0.755, 0.018, 0.171, 0.056, 0.000, 0.000; second: 0.535, 0.316, 0.000, 0.124,
    # 0.024, 0.000 (the first generator's exact counts differ a little, the second's never)
    "participants": (0.642, 0.166, 0.085, 0.089, 0.012, 0.005),
    # both generators: reports of one event always give the same length. Real end dates are
    # surely noisier: the floor is 0.03, not 0.005, so a wrong end date costs ~5 bits, not 8
    "length": (0.94, 0.03, 0.03),
    # only the second generator names partners (the first: every pair null)
    "partners": (0.601, 0.126, 0.273),
}


def _partner_rules() -> list[CustomRule]:
    """A report's *other possible hosts* (a self-named host's partners; the candidates of a
    label several institutions share, "NSSC") include the other report's host, in one month:
    both directions, one equi-join per column (each is a hash join)."""
    return [
        CustomRule(f"{a}.host_id = {b}.{column} AND {a}.month = {b}.month")
        for column in PARTNER_COLUMNS
        for a, b in (("l", "r"), ("r", "l"))
    ]


BLOCKING_RULES = [
    block_on("host_id", "start_date"),
    # no topic needed: one host's events of one month (a big center runs a handful)
    block_on("host_id", "month"),
    block_on("host_id", "month_shifted"),
    # an undated report: the host's events of the same topic, or of the same folded title
    CustomRule(f"l.host_id = r.host_id AND l.topic_primary = r.topic_primary AND {UNDATED}"),
    CustomRule(f"l.host_id = r.host_id AND l.title_norm = r.title_norm AND {UNDATED}"),
    *_partner_rules(),
    # a report whose host did not resolve: same day, topic and country as any other report
    CustomRule(
        "l.start_date = r.start_date AND l.topic_primary = r.topic_primary"
        " AND l.country = r.country AND (l.host_id IS NULL OR r.host_id IS NULL)"
    ),
    # ... or same month (one side gives only the month), topic and city
    CustomRule(
        "l.month = r.month AND l.topic_primary = r.topic_primary"
        " AND l.city_norm = r.city_norm AND (l.host_id IS NULL OR r.host_id IS NULL)"
    ),
    # ... or undated: same topic and city. One rule per side, so that the condition on one
    # side filters before the join (an OR of both sides would join every report of a city
    # and topic with every other: quadratic in a big center's city)
    *(
        CustomRule(
            f"l.topic_primary = r.topic_primary AND l.city_norm = r.city_norm"
            f" AND {side}.start_date IS NULL AND {side}.host_id IS NULL"
        )
        for side in ("l", "r")
    ),
]


def _level(creator, label: str, m: float, **options):
    return creator.configure(
        label_for_charts=label, m_probability=m, fix_m_probability=True, **options
    )


def _within_days(days: int, m: float):
    """Both reports dated to the day, starting at most ``days`` apart."""
    return _level(
        cll.And(
            cll.CustomLevel("(precise_l AND precise_r)"),
            cll.AbsoluteDateDifferenceLevel(
                "start_date", input_is_string=False, threshold=days, metric="day"
            ),
        ),
        f"within {days} days",
        m,
    )


def _cross_host_sql() -> str:
    """One report's host is among the partners of the other, which names itself host."""
    return (
        "("
        + " OR ".join(
            f"host_id_{a} = {column}_{b}"
            for column in PARTNER_COLUMNS
            for a, b in (("l", "r"), ("r", "l"))
        )
        + ")"
    )


def comparisons() -> list[CustomComparison]:
    """The comparisons and their fixed m probabilities (non-null levels of each sum to 1)."""
    precise = "(precise_l AND precise_r)"
    return [
        CustomComparison(
            output_column_name="host",
            comparison_levels=[
                cll.NullLevel("host_id"),
                _level(
                    cll.ExactMatchLevel("host_id"),
                    "same host",
                    0.975,
                    tf_adjustment_column="host_id",
                    tf_adjustment_weight=1.0,
                ),
                _level(
                    cll.CustomLevel(_cross_host_sql()),
                    "the other's host is a possible host of this one (self-named, shared label)",
                    0.015,
                ),
                _level(cll.ElseLevel(), "other host", 0.01),
            ],
        ),
        CustomComparison(
            output_column_name="start",
            comparison_levels=[
                cll.NullLevel("start_date"),
                _level(
                    cll.CustomLevel(f"{precise} AND start_date_l = start_date_r"), "same day", 0.47
                ),
                _within_days(3, 0.25),
                _within_days(10, 0.04),
                _level(
                    cll.CustomLevel(f"NOT {precise} AND month_l = month_r"),
                    "same month (one gives only the month)",
                    0.235,
                ),
                _level(cll.ElseLevel(), "dates differ", 0.005),
            ],
        ),
        CustomComparison(
            output_column_name="title",
            comparison_levels=[
                cll.NullLevel("title_norm"),
                _level(
                    cll.ExactMatchLevel("title_norm"),
                    "same title",
                    0.275,
                    tf_adjustment_column="title_norm",
                    tf_adjustment_weight=0.5,
                ),
                _level(cll.JaroWinklerLevel("title_norm", 0.88), "similar title", 0.09),
                _level(cll.JaroWinklerLevel("title_norm", 0.7), "loosely similar title", 0.125),
                _level(cll.ElseLevel(), "different title", 0.51),
            ],
        ),
        CustomComparison(
            output_column_name="topics",
            comparison_levels=[
                cll.NullLevel("topic_primary"),
                _level(cll.ExactMatchLevel("topics"), "same topics", 0.92),
                _level(cll.ArrayIntersectLevel("topics", 1), "a shared topic", 0.07),
                _level(cll.ElseLevel(), "no shared topic", 0.01),
            ],
        ),
        CustomComparison(
            output_column_name="place",
            comparison_levels=[
                cll.NullLevel("country"),
                _level(cll.ExactMatchLevel("city_norm"), "same city", 0.78),
                _level(
                    cll.And(
                        cll.CustomLevel("city_norm_l IS NULL OR city_norm_r IS NULL"),
                        cll.ExactMatchLevel("country"),
                    ),
                    "same country, a city missing",
                    0.2,
                ),
                _level(cll.ExactMatchLevel("country"), "same country, other city", 0.01),
                _level(cll.ElseLevel(), "other country", 0.01),
            ],
        ),
        participants_comparison(),
        partners_comparison(),
        CustomComparison(
            output_column_name="length",
            comparison_levels=[
                cll.NullLevel("days"),
                _level(cll.ExactMatchLevel("days"), "same length", M["length"][0]),
                _level(
                    cll.AbsoluteDifferenceLevel("days", 1), "lengths a day apart", M["length"][1]
                ),
                _level(cll.ElseLevel(), "lengths differ", M["length"][2]),
            ],
        ),
    ]


def partners_comparison() -> CustomComparison:
    """Who reported, against whom the other report names as partners: a co-organiser,
    funder or trainer reports the event it took part in, so one report's reporter among the
    other's partners is evidence of one event (reporter-role-aware); a shared partner is
    weaker evidence. A report naming no partner says nothing (null)."""
    m = M["partners"]
    named = "(list_contains(partners_l, reporter_id_r) OR list_contains(partners_r, reporter_id_l))"
    return CustomComparison(
        output_column_name="partners",
        comparison_levels=[
            cll.CustomLevel("partners_l IS NULL AND partners_r IS NULL").configure(
                is_null_level=True, label_for_charts="no partners named"
            ),
            _level(cll.CustomLevel(named), "a reporter is the other's partner", m[0]),
            _level(cll.ArrayIntersectLevel("partners", 1), "a shared partner", m[1]),
            _level(cll.ElseLevel(), "no partner in common", m[2]),
        ],
    )


def participants_comparison() -> CustomComparison:
    """Counts, read with their qualifiers: the bounds each count allows (``count_bounds``)
    must overlap, so "more than 60" against exactly 60 is *incompatible*, not "the same
    count"; two exact counts that differ a little are their own level (reporters count their
    own people; weak evidence either way)."""
    compatible = "(count_low_l <= count_high_r AND count_low_r <= count_high_l)"
    both_exact = "(count_low_l = count_high_l AND count_low_r = count_high_r)"
    m = M["participants"]
    return CustomComparison(
        output_column_name="participants",
        comparison_levels=[
            cll.NullLevel("participants"),
            _level(
                cll.CustomLevel(f"participants_l = participants_r AND {compatible}"),
                "same count",
                m[0],
            ),
            _level(
                cll.And(
                    cll.CustomLevel(compatible),
                    cll.PercentageDifferenceLevel("participants", 0.1),
                ),
                "compatible counts within 10%",
                m[1],
            ),
            _level(
                cll.And(
                    cll.CustomLevel(both_exact),
                    cll.PercentageDifferenceLevel("participants", 0.1),
                ),
                "two exact counts within 10%",
                m[2],
            ),
            _level(
                cll.And(
                    cll.CustomLevel(f"{compatible} OR {both_exact}"),
                    cll.PercentageDifferenceLevel("participants", 0.3),
                ),
                "counts within 30%",
                m[3],
            ),
            _level(cll.CustomLevel(compatible), "compatible counts, far apart", m[4]),
            _level(cll.ElseLevel(), "counts exclude each other", m[5]),
        ],
    )


def settings(n_records: int) -> SettingsCreator:
    """Dedupe settings; the prior assumes about one duplicate per report among all the others."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        probability_two_random_records_match=min(0.5, 1.0 / max(n_records, 2)),
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,
    )


@dataclass
class Pair:
    """Two reports scored as possibly one event, and why (each comparison's level and weight)."""

    left: str
    right: str
    match_weight: float
    match_probability: float
    comparisons: dict[str, dict] = field(default_factory=dict)
    status: str = "suggested"  # linked | suggested | ambiguous | kept apart


@dataclass
class LinkResult:
    """Scored pairs, each report's cluster id, and the reports left for a steward."""

    pairs: list[Pair]
    cluster_of: dict[str, str]
    ambiguous: set[str]
    blocked_pairs: int


def _connection(threads: int | None, memory_limit: str | None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute("SET memory_limit = ?", [memory_limit])
    con.execute("SET preserve_insertion_order = false")
    return con


def score(
    table: pa.Table,
    *,
    min_weight: float = SUGGEST_WEIGHT,
    threads: int | None = None,
    memory_limit: str | None = None,
    seed: int = 1,
    count_blocked: bool = False,
) -> tuple[list[tuple], dict[str, list[tuple[float, str]]], int]:
    """Splink scoring: rows of (unique_id_l, unique_id_r, weight, probability, then per
    comparison its weight and its term-frequency adjustment), each comparison's levels as
    (weight, label), and the number of blocked pairs scored."""
    db_api = DuckDBAPI(_connection(threads, memory_limit))
    linker = Linker(db_api.register(table), settings(table.num_rows), log_level=logging.ERROR)
    if table.num_rows > 1:
        linker.training.estimate_u_using_random_sampling(
            max_pairs=min(2e6, table.num_rows * (table.num_rows - 1) / 2), seed=seed
        )
    predictions = linker.inference.predict(threshold_match_weight=min_weight)
    relation = predictions.as_duckdbpyrelation()
    levels: dict[str, list[tuple[float, str]]] = {}
    columns = ["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
    for comparison in linker._settings_obj.comparisons:
        name = comparison.output_column_name
        levels[name] = [
            (0.0 if lvl.is_null_level else lvl._log2_bayes_factor, lvl.label_for_charts)
            for lvl in comparison.comparison_levels
        ]
        tf = f"mw_tf_adj_{name}"
        columns += [f"mw_{name}", tf if tf in relation.columns else "0.0"]
    rows = relation.select(", ".join(columns)).order("match_weight DESC").fetchall()
    return rows, levels, _blocked_pair_count(linker) if count_blocked else -1


def explain(row: tuple, levels: dict[str, list[tuple[float, str]]]) -> dict[str, dict]:
    """Each comparison's level (found from its weight) and weight in bits, with tf adjustment."""
    out = {}
    for index, (name, options) in enumerate(levels.items()):
        weight, tf = row[4 + 2 * index], row[5 + 2 * index]
        label = min(options, key=lambda option: abs(option[0] - (weight or 0.0)))[1]
        out[name] = {"level": label, "weight": round((weight or 0.0) + (tf or 0.0), 2)}
    return out


def blocked_pair_count(table: pa.Table, sample: float = 1.0) -> int:
    """How many pairs the blocking rules give for ``table`` (exact at ``sample`` = 1.0, else
    Splink's estimate from that share of the records): the figure to watch for linear growth."""
    linker = Linker(
        DuckDBAPI(_connection(None, None)).register(table),
        settings(table.num_rows),
        log_level=logging.ERROR,
    )
    return _blocked_pair_count(linker, sample)


def _blocked_pair_count(linker: Linker, sample: float = 1.0) -> int:
    records = linker.blocking_analysis.count_comparisons_from_blocking_rules(
        record_sample_proportion=sample
    )
    return int(records[-1]["cumulative_comparison_count"]) if records else 0


def link(
    rows: Iterable[dict],
    *,
    topic_vocabulary: dict[str, list[str]] | None = None,
    resolve_host: Callable[..., str | None] | None = None,
    previous: dict[str, str] | None = None,
    new_cluster_id: Callable[[], str] | None = None,
    link_weight: float = LINK_WEIGHT,
    suggest_weight: float = SUGGEST_WEIGHT,
    threads: int | None = None,
    memory_limit: str | None = None,
    progress: Callable[[str], None] | None = None,
    count_blocked: bool = False,
) -> LinkResult:
    """Link reports into events. ``previous`` maps report keys to the cluster ids of an earlier
    run: those ids are kept, a new report joining a cluster takes its id, and two earlier
    clusters never merge here (their best pair comes back as a suggestion)."""
    step = progress or (lambda _message: None)
    step("features")
    topics = TopicInferrer(topic_vocabulary) if topic_vocabulary else None
    table = feature_table(rows, topics=topics, resolve_host=resolve_host)
    keys = table.column("key").to_pylist()
    reporters = table.column("reporter_id").to_pylist()
    starts = table.column("start_date").to_pylist()
    precise = table.column("precise").to_pylist()
    step("scoring")
    scored, levels, blocked = score(
        table,
        min_weight=suggest_weight,
        threads=threads,
        memory_limit=memory_limit,
        count_blocked=count_blocked,
    )
    step("clustering")
    anchors = [(previous or {}).get(k) for k in keys]
    clusters, statuses, ambiguous = constrained_clusters(
        scored, reporters, starts, precise, anchors, link_weight=link_weight
    )
    pairs = [
        Pair(keys[row[0]], keys[row[1]], float(row[2]), float(row[3]), explain(row, levels), status)
        for row, status in zip(scored, statuses, strict=True)
    ]
    cluster_of = _cluster_ids(clusters, keys, new_cluster_id)
    return LinkResult(pairs, cluster_of, {keys[i] for i in ambiguous}, blocked)


def _cluster_ids(
    clusters: Clusters, keys: list[str], new_cluster_id: Callable[[], str] | None
) -> dict[str, str]:
    taken = set(filter(None, clusters.anchor))
    counter = (f"c{n}" for n in range(len(keys) + len(taken)) if f"c{n}" not in taken)
    make = new_cluster_id or (lambda: next(counter))
    ids: dict[int, str] = {}
    out = {}
    for index, key in enumerate(keys):
        root = clusters.find(index)
        if root not in ids:
            ids[root] = clusters.anchor[root] or make()
        out[key] = ids[root]
    return out
