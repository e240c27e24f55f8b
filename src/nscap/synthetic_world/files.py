"""A generated world as nscap's import files (the CSV template, zipped) and a truth file.

Imported in this order with ``nscap import FILE --user STEWARD``:

- ``institutions.zip``: ``topic.csv`` and ``target_group.csv`` (the world's vocabulary, which
  a fresh registry does not have: a steward adds it through the template too),
  ``institution.csv`` (names, kinds, countries, parents, labels in several scripts) and
  ``course.csv``;
- ``reports.zip``: ``training_event.csv`` (one row per crowd report),
  ``collaboration_claim.csv`` and ``aggregate_claim.csv``;
- ``needs.zip`` (issue 14): ``source.csv``, ``needs_assessment.csv`` (one per country) and
  ``needs_figure.csv`` (one per demand cell of the world).

Two files before needs because the import resolves a host written as a label only against
institutions already in the registry. Hosts are written one of two ways:

- ``as_reported=False`` (the default, issue 13's files): a report's host cell keeps the
  reporter's own wording when that wording is a label of exactly one institution (the import
  resolves it); otherwise (a sloppy unlisted variant, an acronym that twenty institutions
  share, "INSA, KR") the cell holds the key of the institution the report means — a hand
  resolution — and the reporter's wording goes to ``note``.
- ``as_reported=True`` (issue 14): every host cell holds the reporter's wording, resolved or
  not, and partners (of events and claims) are named by their name: what the import cannot
  resolve goes to the reconciliation queue, nothing is resolved by hand.

Aggregate claims are not in the world's truth as such: each institution that hosted events
claims "N courses for M people" over the world's years, summarised from its true events (N:
the distinct courses it ran, M: their participants). Noise that survives import: self-named
hosts, titles, dates, counts, missing topics and breakdowns.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from nscap.institutions.normalize import compact, normalize_label
from nscap.synthetic_world import vocabulary as words
from nscap.synthetic_world.world import World, true_supply


def _zip(sheets: dict[str, list[list]]) -> bytes:
    from nscap.core.csv_files import csv_bytes

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in sheets.items():
            archive.writestr(f"{name}.csv", csv_bytes(rows))
    return buffer.getvalue()


def unique_labels(world: World) -> dict[str, str]:
    """Folded label -> institution key, for labels that name exactly one institution."""
    seen: dict[str, set[str]] = {}
    for inst in world.institutions.values():
        for text in (inst.name, *(label[0] for label in inst.labels)):
            seen.setdefault(compact(normalize_label(text)), set()).add(inst.key)
    return {text: next(iter(keys)) for text, keys in seen.items() if len(keys) == 1}


def institution_sheets(world: World) -> dict[str, list[list]]:
    """The institution and course sheets (header row first)."""
    institutions = [["key", "name", "kind", "country", "parent", "parent_role", "labels"]]
    for inst in world.institutions.values():
        labels = "; ".join(
            f"{t} ({lang}, {script}, {kind})" for t, lang, script, kind in inst.labels
        )
        institutions.append(
            [
                inst.key,
                inst.name,
                inst.kind,
                inst.country,
                inst.parent or "",
                "regulator" if inst.parent else "",
                labels,
            ]
        )
    courses = [["key", "provider", "title", "topics", "target_groups"]]
    for course in world.courses.values():
        courses.append(
            [
                course.key,
                course.provider,
                course.title,
                "; ".join(course.topics),
                "; ".join(course.target_groups),
            ]
        )
    return {"institution": institutions, "course": courses}


EVENT_COLUMNS = [
    "key", "host", "title", "start", "end", "city", "country", "participants",
    "participants_qualifier", "topics", "target_groups", "partners", "participant_countries",
    "reported_by", "note",
]  # fmt: skip


def report_sheets(world: World, *, as_reported: bool = False) -> dict[str, list[list]]:
    """The training event (one row per report), collaboration claim and aggregate claim
    sheets. ``as_reported``: hosts and partners as the reporter names them (see the module)."""
    labels = unique_labels(world)
    names = {key: inst.name for key, inst in world.institutions.items()}

    def partner(key: str) -> str:
        return names[key] if as_reported else key

    events = [list(EVENT_COLUMNS)]
    for r in world.reports:
        resolves = as_reported or labels.get(compact(normalize_label(r.host_text))) == r.host
        events.append(
            [
                r.key,
                r.host_text if resolves else r.host,
                r.title,
                r.start or "",
                r.end or "",
                r.city or "",
                r.country or "",
                "" if r.participants is None else r.participants,
                r.qualifier or "",
                "; ".join(r.topics),
                "; ".join(r.target_groups),
                "; ".join(f"{partner(key)} ({role})" for key, role in r.partners),
                "; ".join(f"{c}:{n}" for c, n in sorted(r.breakdown.items())),
                "" if r.reporter == r.host else r.reporter,
                "" if resolves else f"host as reported: {r.host_text}",
            ]
        )
    claims = [["key", "claimant", "partner", "partner_text", "type", "status"]]
    for c in world.claims:
        other = partner(c.partner) if c.partner else ""
        claims.append([c.key, c.claimant, other, c.partner_text or "", c.type, "done"])
    return {
        "training_event": events,
        "collaboration_claim": claims,
        "aggregate_claim": aggregate_claim_rows(world),
    }


def aggregate_claim_rows(world: World) -> list[list]:
    """One "N courses for M people in FIRST-LAST" claim per institution that hosted events,
    summarised from its true events (N distinct courses, M participants, exact)."""
    by_host: dict[str, list] = {}
    for event in world.events.values():
        by_host.setdefault(event.host, []).append(event)
    rows = [
        ["key", "claimant", "description", "period_start", "period_end", "courses",
         "courses_qualifier", "people", "people_qualifier", "country"],
    ]  # fmt: skip
    for number, (host, events) in enumerate(sorted(by_host.items())):
        courses = len({e.course for e in events})
        people = sum(e.participants for e in events)
        first = min(e.start for e in events).year
        last = max(e.start for e in events).year
        rows.append(
            [
                f"w2-a{number:04d}",
                host,
                f"{courses} courses for {people} people in {first}-{last}",
                str(first),
                str(last),
                courses,
                "exact",
                people,
                "exact",
                world.institutions[host].country,
            ]
        )
    return rows


def vocabulary_sheets() -> dict[str, list[list]]:
    """The world's topics (with their abbreviations and translations as aliases) and target
    groups: a fresh registry has none, and a steward may add them through the template."""
    topics = [["key", "name", "aliases"]]
    for topic in words.TOPICS:
        aliases = dict.fromkeys([topic.abbreviation, *topic.translated.values()])
        topics.append([topic.key, topic.official, "; ".join(a for a in aliases if a)])
    groups = [["key", "name"]]
    groups += [[group, group.replace("-", " ").capitalize()] for group in words.TARGET_GROUPS]
    return {"topic": topics, "target_group": groups}


def needs_sheets(world: World, years: tuple[int, ...] = (2019,)) -> dict[str, list[list]]:
    """Demand as data (issue 14): one source and one needs assessment per country (assessed
    by its regulator, when it has one), and per demand cell of the world one needs figure for
    each of ``years``: the cell's people split evenly over them (the remainder in the last
    year), so that the figures of a cell add up to the world's demand."""
    year = years[-1]
    regulators: dict[str, str] = {}
    for inst in world.institutions.values():
        if inst.kind == "regulator":
            regulators.setdefault(inst.country, inst.key)
    countries = sorted({country for country, _g, _t in world.demand})
    sources = [["key", "title", "kind", "published"]]
    assessments = [
        ["key", "title", "assessor", "country", "published", "method", "sources"],
    ]
    for country in countries:
        sources.append(
            [f"w2-s-{country.lower()}", f"Training needs of {country} (synthetic)", "report", year]
        )
        assessments.append(
            [
                f"w2-na-{country.lower()}",
                f"Nuclear security training needs, {country}",
                regulators.get(country, ""),
                country,
                year,
                "survey of employers (synthetic: true supply times 0.5 to 2)",
                f"w2-s-{country.lower()}",
            ]
        )
    figures = [
        ["key", "needs_assessment", "country", "target_group", "topic", "year", "people",
         "qualifier"],
    ]  # fmt: skip
    for number, ((country, group, topic), people) in enumerate(sorted(world.demand.items())):
        share, rest = divmod(people, len(years))
        for index, when in enumerate(years):
            count = share + (rest if when == year else 0)
            key = f"w2-n{number:05d}-{index}"
            assessment = f"w2-na-{country.lower()}"
            figures.append([key, assessment, country, group, topic, when, count, "exact"])
    return {"source": sources, "needs_assessment": assessments, "needs_figure": figures}


def truth(world: World) -> dict:
    """The truth as plain data: report -> event, the events, supply, demand, pair status."""
    return {
        "generator": "nscap.synthetic_world",
        "seed": world.seed,
        "rates": dict(vars(world.rates)),
        "reports": {
            r.key: {"event": r.event, "role": r.role, "noise": r.noise} for r in world.reports
        },
        "events": {
            e.id: {
                "host": e.host,
                "course": e.course,
                "series": e.series,
                "start": e.start.isoformat(),
                "end": e.end.isoformat(),
                "participants": e.participants,
                "by_country": e.breakdown,
                "topics": list(e.topics),
                "target_groups": list(e.target_groups),
                "partners": [list(p) for p in e.partners],
            }
            for e in world.events.values()
        },
        "supply": [
            {"country": c, "target_group": g, "topic": t, "people": n}
            for (c, g, t), n in sorted(true_supply(world).items())
        ],
        "demand": [
            {"country": c, "target_group": g, "topic": t, "people": n}
            for (c, g, t), n in sorted(world.demand.items())
        ],
        "collaboration_pairs": [
            {"a": a, "b": b, "status": status}
            for (a, b), status in sorted(world.pair_status.items())
        ],
    }


def write(
    world: World,
    directory: Path,
    *,
    as_reported: bool = False,
    needs_years: tuple[int, ...] = (2019,),
) -> list[Path]:
    """Write institutions.zip, reports.zip, needs.zip and truth.json into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    out = {
        "institutions.zip": _zip({**vocabulary_sheets(), **institution_sheets(world)}),
        "reports.zip": _zip(report_sheets(world, as_reported=as_reported)),
        "needs.zip": _zip(needs_sheets(world, needs_years)),
        "truth.json": json.dumps(truth(world), ensure_ascii=False, indent=1).encode(),
    }
    for name, data in out.items():
        (directory / name).write_bytes(data)
    return [directory / name for name in out]
