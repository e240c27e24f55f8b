"""Hold linkage to both synthetic generators: one scoring run per generator, the same figures.

Both generators are fed to ``engine.link`` exactly as ``bench/linkage.py`` feeds the first: raw
report rows whose host is *text*, resolved by ``features.HostResolver`` over the generator's
label table, with the registry's topic vocabulary (``vocabularies/data/topics.toml``) for the
second generator (its topic keys are the registry's). Pair and cluster scores are
``quality``'s; this module adds only what ``quality`` has no notion of:

- **noise tags that both generators share**, derived from the rows themselves (``no_topic``,
  ``month_only``, ``no_date``, ``non_latin_title``), beside each generator's own tags;
- **supply counted / true supply**: today's count takes each predicted cluster's one kept report
  (the host's own if any, else the first) and nothing from its duplicates; people "located" are
  those in the kept report's breakdown by country. Only the second generator knows true counts.
- **fused supply** (``fused_evaluation``): the same clusters fused from all their reports by the
  registry's own survivorship rules, with people of no country estimated apart.
"""

from __future__ import annotations

import time
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from nscap.linkage import engine, quality
from nscap.linkage.features import HostResolver
from nscap.linkage.fused_evaluation import fused_supply

TOPICS_FILE = Path(__file__).resolve().parent.parent / "vocabularies" / "data" / "topics.toml"
SHARED_NOISE = ("no_topic", "month_only", "no_date", "non_latin_title")


@dataclass
class Generated:
    """One generator's reports in the shape linkage reads, and the truth to score them by."""

    name: str
    records: list[dict]
    truth: dict[str, str]  # report key -> true event
    labels: list[tuple[str, str]]  # (label text, institution id)
    places: dict[str, tuple[str, str]]  # institution id -> (country, city)
    vocabulary: dict[str, list[str]]  # topic key -> labels
    true_people: dict[str, int] | None = None  # true event -> participants
    events: int = 0
    extra: dict = field(default_factory=dict)


def registry_topic_vocabulary(path: Path = TOPICS_FILE) -> dict[str, list[str]]:
    """Topic key -> name, Chinese name and aliases, as ``selectors.topic_vocabulary`` gives
    them for a registry loaded with the brief."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {
        t["key"]: [x for x in (t.get("name"), t.get("name_zh"), *t.get("aliases", ())) if x]
        for t in data["topic"]
    }


def derived_noise(row: dict) -> list[str]:
    """The noise a row shows by itself, named alike for both generators."""
    start = row.get("start")
    tags = []
    if not row.get("topics"):
        tags.append("no_topic")
    if not start:
        tags.append("no_date")
    elif len(str(start)) == 7:
        tags.append("month_only")
    if not str(row.get("title") or "").isascii():
        tags.append("non_latin_title")
    return tags


def from_world(n_events: int, seed: int) -> Generated:
    """The second generator (``nscap.synthetic_world``)."""
    from nscap.synthetic_world import world as second

    world = second.generate(n_events, seed=seed)
    records = [
        {
            "key": r.key,
            "host_text": r.host_text,
            "reporter": r.reporter,
            "named_host": r.host,
            "title": r.title,
            "start": r.start,
            "end": r.end,
            "city": r.city,
            "country": r.country,
            "participants": r.participants,
            "participants_qualifier": r.qualifier,
            "topics": list(r.topics),
            "by_country": r.breakdown,
            "partners": [key for key, _role in r.partners],
            "noise": r.noise,
        }
        for r in world.reports
    ]
    labels = [
        (text, inst.key)
        for inst in world.institutions.values()
        for text in (inst.name, *(label[0] for label in inst.labels))
    ]
    places = {i.key: (i.country, i.city) for i in world.institutions.values()}
    people = {e.id: e.participants for e in world.events.values()}
    located = sum(sum(e.breakdown.values()) for e in world.events.values())
    by_country: Counter[str] = Counter()
    for event in world.events.values():
        by_country.update(event.breakdown)
    return Generated(
        "second (synthetic_world)",
        records,
        world.truth(),
        labels,
        places,
        registry_topic_vocabulary(),
        people,
        len(world.events),
        {"true_located": located, "true_by_country": by_country},
    )


def from_first(n_events: int, seed: int) -> Generated:
    """The first generator (``nscap.linkage.synthetic``), as ``bench/linkage.py`` uses it."""
    from nscap.linkage import synthetic

    data = synthetic.generate(n_events, seed=seed)
    records = [{**r, "named_host": r.get("host")} for r in data.records]
    return Generated(
        "first (linkage.synthetic)",
        records,
        data.truth,
        list(data.labels),
        data.host_places(),
        data.topic_vocabulary(),
        None,
        len(set(data.truth.values())),
    )


def kept_reports(cluster_of: dict[str, str], records: list[dict]) -> dict[str, dict]:
    """Each predicted cluster's one counted report, as nscap keeps it today: the host's own
    report if any (its reporter is the host it names), else the first."""
    out: dict[str, dict] = {}
    for row in records:
        cluster = cluster_of[row["key"]]
        own = row.get("reporter") in (None, row.get("named_host"))
        current = out.get(cluster)
        if current is None or (
            own and current.get("reporter") not in (None, current.get("named_host"))
        ):
            out[cluster] = row
    return out


def supply(cluster_of: dict[str, str], gen: Generated) -> dict | None:
    """People counted (kept reports' counts) and located (kept reports' breakdowns) over the
    truth's people; None when the generator knows no true counts."""
    if gen.true_people is None:
        return None
    kept = kept_reports(cluster_of, gen.records).values()
    counted = sum(r.get("participants") or 0 for r in kept)
    located = sum(sum((r.get("by_country") or {}).values()) for r in kept)
    naive = sum(r.get("participants") or 0 for r in gen.records)
    true = sum(gen.true_people.values())
    return {
        "true_people": true,
        "counted": counted,
        "counted_over_true": round(counted / true, 4),
        "located_over_true": round(located / gen.extra.get("true_located", true), 4),
        "naive_sum_over_true": round(naive / true, 4),
    }


def evaluate(gen: Generated, threads: int = 2) -> dict:
    """Link ``gen``'s reports with today's engine and score them: ``quality.report`` plus the
    shared noise tags, supply and the time linkage took."""
    rows = [{**r, "noise": [*r.get("noise", ()), *derived_noise(r)]} for r in gen.records]
    start = time.perf_counter()
    result = engine.link(
        rows,
        topic_vocabulary=gen.vocabulary,
        resolve_host=HostResolver(gen.labels, gen.places),
        threads=threads,
    )
    seconds = time.perf_counter() - start
    out = quality.report(result.cluster_of, gen.truth, rows)
    out.update(
        generator=gen.name,
        events=gen.events,
        reports=len(rows),
        seconds=round(seconds, 1),
        supply=supply(result.cluster_of, gen),
        fused_supply=fused_supply(
            result.cluster_of, gen, kept_reports(result.cluster_of, gen.records)
        ),
        # With the true clusters: what fusion adds when linkage is right.
        supply_true_clusters=supply(gen.truth, gen),
        fused_supply_true_clusters=fused_supply(
            gen.truth, gen, kept_reports(gen.truth, gen.records)
        ),
        missed_pairs=missed_pair_causes(result.cluster_of, gen.truth, rows),
    )
    return out


def missed_pair_causes(cluster_of: dict[str, str], truth: dict[str, str], rows: list[dict]) -> dict:
    """Of the true pairs linkage missed: the share with the same named host, and the share
    where either side has no topic / only a month / no date (the issue's diagnosis)."""
    by_key = {r["key"]: r for r in rows}
    members: dict[str, list[str]] = defaultdict(list)
    for key, event in truth.items():
        members[event].append(key)
    missed = [
        (a, b)
        for keys in members.values()
        for i, a in enumerate(keys)
        for b in keys[i + 1 :]
        if cluster_of[a] != cluster_of[b]
    ]
    if not missed:
        return {"missed": 0}

    def share(test) -> float:
        return round(sum(1 for a, b in missed if test(by_key[a], by_key[b])) / len(missed), 3)

    return {
        "missed": len(missed),
        "same_named_host": share(lambda a, b: a.get("named_host") == b.get("named_host")),
        **{
            f"either_{tag}": share(lambda a, b, tag=tag: tag in a["noise"] or tag in b["noise"])
            for tag in ("no_topic", "month_only", "no_date", "sloppy_host", "self_named_host")
        },
    }
