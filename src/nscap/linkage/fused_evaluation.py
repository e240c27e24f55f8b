"""Supply from *fused* events on a generated world, beside today's one-kept-report count.

Each predicted cluster of the engine is fused by ``activities.fusion.fuse`` — the function
``linkage.fusing`` runs for the registry — from report rows shaped as the registry stores them
(``facts_of``: EDTF dates with their precision, a bare figure stored as ``exact`` as the import
stores it, the named host as host). ``tests`` load a small world into the database through the
write services and check the registry counts what this module counts.

Figures (``fused_supply``): people counted / true, people placed in a country by a report /
true, and with the estimate; the error of people by country (Σ|placed − true| over countries,
over true people) without and with the estimate; and the share of events with a topic and
with a breakdown, before fusion (the kept report) and after.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from nscap.activities.fusion import Fused, ReportFacts, fuse
from nscap.linkage.features import TopicInferrer, parse_partial


def facts_of(row: dict) -> ReportFacts:
    """A report row of either generator as the registry would store it."""
    start, start_precision = parse_partial(row.get("start"))
    end, end_precision = parse_partial(row.get("end"))
    if start is None or end is None or end < start:
        end, end_precision = None, None
    return ReportFacts(
        id=row["key"],
        key=row["key"],
        host=row.get("named_host") or row.get("host"),
        reported_by=row.get("reporter"),
        title=row.get("title") or "",
        start=start,
        start_precision=start_precision or "day",
        end=end,
        end_precision=end_precision or "day",
        country=row.get("country") or "",
        city=row.get("city") or "",
        participants=row.get("participants"),
        qualifier=row.get("participants_qualifier") or "exact",
        breakdown=tuple(sorted((row.get("by_country") or {}).items())),
        topics=tuple(sorted(row.get("topics") or ())),
        partners=tuple(tuple(p) for p in row.get("partners") or ()),
    )


def fuse_clusters(
    cluster_of: dict[str, str],
    records: list[dict],
    kept: dict[str, dict],
    vocabulary: dict[str, list[str]],
    places: dict[str, tuple[str, str]],
) -> dict[str, Fused]:
    """Each predicted cluster fused, ``kept[cluster]`` being its kept report row."""
    members: dict[str, list[ReportFacts]] = defaultdict(list)
    for row in records:
        members[cluster_of[row["key"]]].append(facts_of(row))
    infer = TopicInferrer(vocabulary).infer
    return {
        cluster: fuse(
            reports,
            kept[cluster]["key"],
            infer_topics=infer,
            country_of=lambda inst: (places.get(inst) or ("", ""))[0],
        )
        for cluster, reports in members.items()
    }


def fused_supply(cluster_of: dict[str, str], gen, kept: dict[str, dict]) -> dict:
    """The figures of the module's docstring (true-count figures only when ``gen`` knows
    them)."""
    fused = fuse_clusters(cluster_of, gen.records, kept, gen.vocabulary, gen.places)
    counted = located = estimated = 0
    by_country: Counter[str] = Counter()
    estimated_by_country: Counter[str] = Counter()
    topic_kept = topic_stated = topic_any = breakdown_kept = breakdown_fused = 0
    for cluster, event in fused.items():
        counted += event.people
        for country, people in event.value("breakdown", ()):
            located += people
            by_country[country] += people
        for country, people, _low, _high in (event.estimate or {}).get("countries", ()):
            estimated += people
            estimated_by_country[country] += people
        row = kept[cluster]
        topic_kept += bool(row.get("topics"))
        breakdown_kept += bool(row.get("by_country"))
        topics = event.fields.get("topics")
        topic_stated += bool(topics and topics.basis == "stated")
        topic_any += bool(topics)
        breakdown_fused += bool(event.value("breakdown"))
    n = len(fused)
    out = {
        "events": n,
        "with_topic": {
            "kept_report": round(topic_kept / n, 4),
            "fused_stated": round(topic_stated / n, 4),
            "fused_stated_or_inferred": round(topic_any / n, 4),
        },
        "with_breakdown": {
            "kept_report": round(breakdown_kept / n, 4),
            "fused": round(breakdown_fused / n, 4),
        },
        "counted": counted,
        "estimated": estimated,
    }
    if gen.true_people is None:
        return out
    true = sum(gen.true_people.values())
    true_located = gen.extra.get("true_located", true)
    truth: Counter[str] = gen.extra.get("true_by_country") or Counter()
    with_estimate = by_country + estimated_by_country

    def error(placed: Counter[str]) -> float:
        countries = set(placed) | set(truth)
        return round(sum(abs(placed[c] - truth[c]) for c in countries) / true_located, 4)

    out.update(
        counted_over_true=round(counted / true, 4),
        located_over_true=round(located / true_located, 4),
        located_with_estimate_over_true=round((located + estimated) / true_located, 4),
        country_error=error(by_country) if truth else None,
        country_error_with_estimate=error(with_estimate) if truth else None,
    )
    return out
