"""A generated world as nscap's import files (the CSV template, zipped) and a truth file.

Two files, imported in this order with ``nscap import FILE --user STEWARD``:

- ``institutions.zip``: ``institution.csv`` (names, kinds, countries, parents, labels in several
  scripts) and ``course.csv``;
- ``reports.zip``: ``training_event.csv`` (one row per crowd report) and
  ``collaboration_claim.csv``.

Two files because the import resolves a host written as a label only against institutions
already in the registry. A report's host cell keeps the reporter's own wording when that wording
is a label of exactly one institution (the import resolves it); otherwise (a sloppy unlisted
variant, an acronym that twenty institutions share, "INSA, KR") the cell holds the key of the
institution the report means — what a steward writes when the import asks "did you mean" — and
the reporter's wording goes to ``note``. Noise that survives import: self-named hosts, titles,
dates, counts, missing topics and breakdowns. Needs (demand cells) have no import sheet; they are
in the truth file only.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from nscap.institutions.normalize import compact, normalize_label
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


def report_sheets(world: World) -> dict[str, list[list]]:
    """The training event (one row per report) and collaboration claim sheets."""
    labels = unique_labels(world)
    events = [list(EVENT_COLUMNS)]
    for r in world.reports:
        resolves = labels.get(compact(normalize_label(r.host_text))) == r.host
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
                "; ".join(f"{key} ({role})" for key, role in r.partners),
                "; ".join(f"{c}:{n}" for c, n in sorted(r.breakdown.items())),
                "" if r.reporter == r.host else r.reporter,
                "" if resolves else f"host as reported: {r.host_text}",
            ]
        )
    claims = [["key", "claimant", "partner", "partner_text", "type", "status"]]
    for c in world.claims:
        claims.append([c.key, c.claimant, c.partner or "", c.partner_text or "", c.type, "done"])
    return {"training_event": events, "collaboration_claim": claims}


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


def write(world: World, directory: Path) -> list[Path]:
    """Write institutions.zip, reports.zip and truth.json into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    out = {
        "institutions.zip": _zip(institution_sheets(world)),
        "reports.zip": _zip(report_sheets(world)),
        "truth.json": json.dumps(truth(world), ensure_ascii=False, indent=1).encode(),
    }
    for name, data in out.items():
        (directory / name).write_bytes(data)
    return [directory / name for name in out]
