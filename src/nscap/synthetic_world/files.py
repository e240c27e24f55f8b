"""The second generator's world as files nscap imports, plus the truth to score against.

Imported in this order with ``nscap import FILE --user STEWARD``:

- ``institutions.zip``: ``topic.csv`` and ``target_group.csv`` (the registry's vocabularies,
  ``vocabularies/data/*.toml``, for a registry that has none yet: a steward adds them through
  the template too), ``institution.csv`` (names, kinds, countries, parents, labels in several
  scripts) and ``course.csv``;
- ``reports.zip``: ``training_event.csv`` (one row per crowd report),
  ``collaboration_claim.csv`` and ``aggregate_claim.csv``;
- ``duplicates.zip`` (only with ``true_clusters``, see below);
- ``needs.zip`` (issue 14): ``source.csv`` and ``needs_assessment.csv`` (one per country) and
  ``needs_figure.csv`` (one figure per demand cell: country, target group, topic and year).

Institutions come in a file of their own because the import resolves a host written as a label
only against institutions already in the registry. Hosts are written one of two ways:

- ``as_reported=False`` (the default, issue 13's files): a report's host cell keeps the
  reporter's own wording when that wording is a label of exactly one institution (the import
  resolves it); otherwise (a sloppy unlisted variant, an acronym that twenty institutions
  share, "INSA, KR") the cell holds the key of the institution the report means — a hand
  resolution — and the reporter's wording goes to ``note``.
- ``as_reported=True`` (issue 14): every host cell holds the reporter's wording, resolved or
  not, and partners (of events and claims) are named by their name: what the import cannot
  resolve goes to the reconciliation queue, nothing is resolved by hand.

``write(..., true_clusters=True)`` keeps only the kept reports in ``reports.zip`` and writes
``duplicates.zip`` (imported after it): the other reports, each with ``same_as`` its true
event's kept report (the host's own, else the first), the registry as a steward who merged every
duplicate rightly would have it, to score counting apart from linkage.

Aggregate claims are not in the world's truth as such: each institution that hosted events
claims "N courses for M people" over the world's years, summarised from its true events (N:
the distinct courses it ran, M: their participants). Noise that survives import: self-named
hosts, titles, dates, counts, missing topics and breakdowns.
"""

from __future__ import annotations

import io
import json
import tomllib
import zipfile
from pathlib import Path

from nscap.institutions.normalize import compact, normalize_label
from nscap.synthetic_world.world import World, true_supply, true_supply_by_year

VOCABULARIES = Path(__file__).resolve().parent.parent / "vocabularies" / "data"


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


def _list(values) -> str:
    """A list cell: JSON, since a vocabulary's words may hold ``;`` or parentheses."""
    return json.dumps(list(values), ensure_ascii=False) if values else ""


def vocabulary_sheets() -> dict[str, list[list]]:
    """The topic and target group sheets, from the registry's own vocabulary files."""
    sheets: dict[str, list[list]] = {}
    for name, file in (("topic", "topics.toml"), ("target_group", "target_groups.toml")):
        terms = tomllib.loads((VOCABULARIES / file).read_text(encoding="utf-8"))[name]
        header = ["key", "name", "name_zh", "description", "aliases"]
        if name == "topic":
            header += ["nss_references", "parent"]
        rows = [header]
        for t in terms:
            row = [t["key"], t["name"], t.get("name_zh", ""), t.get("description", "")]
            row.append(_list(t.get("aliases", ())))
            if name == "topic":
                row += [_list(t.get("nss_references", ())), t.get("parent", "")]
            rows.append(row)
        # A parent topic is written before its children.
        rows[1:] = sorted(rows[1:], key=lambda r: bool(name == "topic" and r[-1]))
        sheets[name] = rows
    return sheets


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


def kept_by_truth(world: World) -> dict[str, str]:
    """Report key -> the key of its true event's kept report (the host's own, else the first
    report in arrival order); kept reports map to themselves."""
    kept: dict[str, tuple[str, str]] = {}  # event -> (report key, role)
    for r in world.reports:
        current = kept.get(r.event)
        if current is None or (r.role == "host" and current[1] != "host"):
            kept[r.event] = (r.key, r.role)
    return {r.key: kept[r.event][0] for r in world.reports}


def _event_row(r, labels: dict[str, str], names: dict[str, str] | None = None) -> list:
    """One report as a training event row (``EVENT_COLUMNS``); with ``names`` (institution key
    -> name) the host and partners as the reporter names them (``as_reported``)."""
    resolves = names is not None or labels.get(compact(normalize_label(r.host_text))) == r.host
    return [
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
        "; ".join(f"{(names or {}).get(key, key)} ({role})" for key, role in r.partners),
        "; ".join(f"{c}:{n}" for c, n in sorted(r.breakdown.items())),
        "" if r.reporter == r.host else r.reporter,
        "" if resolves else f"host as reported: {r.host_text}",
    ]


def report_sheets(
    world: World, true_clusters: bool = False, *, as_reported: bool = False
) -> dict[str, list[list]]:
    """The training event (one row per report), collaboration claim and aggregate claim sheets;
    with ``true_clusters`` only the reports each true event keeps (``duplicate_sheets`` has the
    others); ``as_reported``: hosts and partners as the reporter names them (see the module)."""
    labels = unique_labels(world)
    names = {key: inst.name for key, inst in world.institutions.items()} if as_reported else None
    kept = kept_by_truth(world) if true_clusters else {}
    events = [list(EVENT_COLUMNS)]
    events += [
        _event_row(r, labels, names) for r in world.reports if kept.get(r.key, r.key) == r.key
    ]
    claims = [["key", "claimant", "partner", "partner_text", "type", "status"]]
    for c in world.claims:
        other = (names or {}).get(c.partner, c.partner) if c.partner else ""
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


def duplicate_sheets(world: World) -> dict[str, list[list]]:
    """The reports no true event keeps, each with ``same_as`` its event's kept report: a file
    of its own, imported after ``reports.zip`` (the import resolves a ``same_as`` only to a
    report already in the registry, not to a row of the same file)."""
    labels = unique_labels(world)
    kept = kept_by_truth(world)
    rows = [[*EVENT_COLUMNS, "same_as"]]
    rows += [[*_event_row(r, labels), kept[r.key]] for r in world.reports if kept[r.key] != r.key]
    return {"training_event": rows}


def needs_sheets(world: World) -> dict[str, list[list]]:
    """Demand as data (issue 14): one source and one needs assessment per country (assessed
    by its regulator, when it has one), and one needs figure per demand cell (country, target
    group, topic, year)."""
    regulators: dict[str, str] = {}
    for inst in world.institutions.values():
        if inst.kind == "regulator":
            regulators.setdefault(inst.country, inst.key)
    countries = sorted({cell[0] for cell in world.demand})
    year = max((cell[3] for cell in world.demand), default=2019)
    sources = [["key", "title", "kind", "published"]]
    assessments = [["key", "title", "assessor", "country", "published", "method", "sources"]]
    for country in countries:
        code = country.lower()
        sources.append([f"w2-s-{code}", f"Training needs of {country} (synthetic)", "report", year])
        assessments.append(
            [
                f"w2-na-{code}",
                f"Nuclear security training needs, {country}",
                regulators.get(country, ""),
                country,
                year,
                "survey of employers (synthetic: true supply times 0.5 to 2)",
                f"w2-s-{code}",
            ]
        )
    figures = [
        ["key", "needs_assessment", "country", "target_group", "topic", "year", "people",
         "qualifier"],
    ]  # fmt: skip
    for n, ((country, group, topic, when), people) in enumerate(sorted(world.demand.items())):
        assessment = f"w2-na-{country.lower()}"
        figures.append(
            [f"w2-need{n:05d}", assessment, country, group, topic, when, people, "exact"]
        )
    return {"source": sources, "needs_assessment": assessments, "needs_figure": figures}


def _stated(world: World) -> dict[str, tuple[set[str], set[str]]]:
    """True event -> (topics, target groups) any of its reports states."""
    out: dict[str, tuple[set[str], set[str]]] = {}
    for r in world.reports:
        topics, groups = out.setdefault(r.event, (set(), set()))
        topics.update(r.topics)
        groups.update(r.target_groups)
    return out


def knowable_labels(world: World, event: str, stated: dict) -> dict[str, list[str]]:
    """The topics and target groups the reports of ``event`` can tell: those any report
    states; with no stated topic, the one its titles name (its course's first; a course's
    other topics are in no title); with no stated group, none (no title names one)."""
    topics, groups = stated.get(event, (set(), set()))
    course = world.courses[world.events[event].course]
    return {
        "knowable_topics": sorted(topics or {course.topics[0]}),
        "knowable_target_groups": sorted(groups),
    }


def truth(world: World) -> dict:
    """The truth as plain data: report -> event, the events, supply, demand, pair status."""
    stated = _stated(world)
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
                **knowable_labels(world, e.id, stated),
            }
            for e in world.events.values()
        },
        "supply": [
            {"country": c, "target_group": g, "topic": t, "people": n}
            for (c, g, t), n in sorted(true_supply(world).items())
        ],
        "supply_by_year": [
            {"country": c, "target_group": g, "topic": t, "year": y, "people": n}
            for (c, g, t, y), n in sorted(true_supply_by_year(world).items())
        ],
        "demand": [
            {"country": c, "target_group": g, "topic": t, "year": y, "people": n}
            for (c, g, t, y), n in sorted(world.demand.items())
        ],
        "collaboration_pairs": [
            {"a": a, "b": b, "status": status, "parent_answered": (a, b) in world.parent_answered}
            for (a, b), status in sorted(world.pair_status.items())
        ],
        "claims": [
            {"key": c.key, "claimant": c.claimant, "partner": c.partner, "type": c.type}
            for c in world.claims
        ],
    }


def write(
    world: World, directory: Path, true_clusters: bool = False, *, as_reported: bool = False
) -> list[Path]:
    """Write institutions.zip, reports.zip (with ``true_clusters``: and duplicates.zip),
    needs.zip and truth.json into ``directory``, in the order they are imported."""
    directory.mkdir(parents=True, exist_ok=True)
    out = {
        "institutions.zip": _zip({**vocabulary_sheets(), **institution_sheets(world)}),
        "reports.zip": _zip(report_sheets(world, true_clusters, as_reported=as_reported)),
        **({"duplicates.zip": _zip(duplicate_sheets(world))} if true_clusters else {}),
        "needs.zip": _zip(needs_sheets(world)),
        "truth.json": json.dumps(truth(world), ensure_ascii=False, indent=1).encode(),
    }
    for name, data in out.items():
        (directory / name).write_bytes(data)
    return [directory / name for name in out]
