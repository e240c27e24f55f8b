"""Exports as JSON-LD: schema.org where it has a type (Organization, Course, CourseInstance,
CreativeWork), nscap terms for the rest, and every value of the export, linked by ``@id``.

Records name each other by ``{NSCAP_PUBLIC_URL}/id/{table}/{key}``; the JSON Lines export's
values are all here (a term schema.org lacks becomes ``nscap:<field>``), so no figure, role or
confirmation is lost in this format.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.conf import settings

from nscap.contributions.record_types import RECORD_TYPES
from nscap.interchange.tables import tables


def _base_url() -> str:
    return getattr(settings, "NSCAP_PUBLIC_URL", "https://nscap.example.org").rstrip("/")


SCHEMA_TYPES = {
    "institution": "Organization",
    "course": "Course",
    "training_event": "CourseInstance",
    "source": "CreativeWork",
}

# The fields each schema.org node states in schema.org terms (the rest become nscap terms).
MAPPED: dict[str, frozenset[str]] = {
    "institution": frozenset({"name", "website", "description", "country", "parent"}),
    "course": frozenset(
        {"title", "description", "provider", "level", "language", "topics", "target_groups"}
    ),
    # ``partners`` stays an nscap term too: ``contributor`` cannot say the partner's role.
    "training_event": frozenset(
        {"title", "host", "start", "end", "delivery_mode", "city", "country", "course"}
    ),
    "source": frozenset({"title", "authors", "publisher", "published", "url", "language"}),
}


def link_targets(name: str) -> dict[str, str]:
    """Field -> the table its keys name, for the links of table ``name``."""
    if name == "citation":
        return {"source": "source"}
    found: dict[str, str] = {}
    if name in RECORD_TYPES:
        found |= RECORD_TYPES[name].refs | RECORD_TYPES[name].many
    all_tables = tables()
    labels = {table.model._meta.label: table.name for table in all_tables}
    table = next((t for t in all_tables if t.name == name), None)
    if table is not None:
        for field_name, label in (table.links.refs | table.links.many).items():
            found[field_name] = labels.get(label, label)
    return found


def _ref(kind: str, key: str | None) -> dict | None:
    return {"@id": f"{_base_url()}/id/{kind}/{key}"} if key else None


def _held(values: dict, field: str) -> dict | None:
    """An institution link, or the name held as written while it is unreconciled (issue 14):
    an Organization by name, never a guessed one."""
    text = values.get(f"{field}_text")
    if values.get(field) or not text:
        return _ref("institution", values.get(field))
    return {"@type": "Organization", "name": text}


def node_of(name: str, values: dict, targets: dict[str, str] | None = None) -> dict:
    """A record as a schema.org node where schema.org has a type for it, else nscap terms.

    ``targets``: ``link_targets(name)``, computed once per table by the caller."""
    node: dict[str, Any] = {}
    if values.get("key"):
        node["@id"] = f"{_base_url()}/id/{name}/{values['key']}"
    if name == "institution":
        node |= {
            "@type": "Organization",
            "name": values["name"],
            "alternateName": [
                lb["text"] for lb in values["labels"] if lb["text"] != values["name"]
            ],
            "url": values["website"] or None,
            "description": values["description"] or None,
            "address": {"@type": "PostalAddress", "addressCountry": values["country"]}
            if values["country"]
            else None,
            "parentOrganization": _held(values, "parent"),
        }
    elif name == "course":
        node |= {
            "@type": "Course",
            "name": values["title"],
            "description": values["description"] or None,
            "provider": _held(values, "provider"),
            "educationalLevel": values["level"],
            "inLanguage": values["language"] or None,
            "about": [_ref("topic", key) for key in values["topics"]],
            "audience": [
                {"@type": "Audience", "audienceType": key} for key in values["target_groups"]
            ],
        }
    elif name == "training_event":
        node |= {
            "@type": "CourseInstance",
            "name": values["title"],
            # An unreconciled host is named as written, never guessed (issue 14).
            "organizer": _held(values, "host"),
            "contributor": [_ref("institution", p["institution"]) for p in values["partners"]],
            "startDate": values["start"],
            "endDate": values["end"],
            "courseMode": values["delivery_mode"],
            "location": {
                "@type": "Place",
                "address": {
                    "@type": "PostalAddress",
                    "addressLocality": values["city"] or None,
                    "addressCountry": values["country"] or None,
                },
            },
            "isPartOf": _ref("course", values["course"]),
            "maximumAttendeeCapacity": None,
            "nscap:participants": values["participants"],
            "nscap:participantsQualifier": values["participants_qualifier"],
        }
    elif name == "source":
        node |= {
            "@type": "CreativeWork",
            "name": values["title"],
            "author": values["authors"] or None,
            "publisher": values["publisher"] or None,
            "datePublished": values["published"],
            "url": values["url"] or None,
            "inLanguage": values["language"] or None,
        }
    else:
        node["@type"] = "nscap:" + "".join(part.title() for part in name.split("_"))
    # Every value schema.org has no term for keeps its nscap term (a parent's role, a
    # claim's confirmation, a figure's qualifier): nothing the export holds is left out.
    targets = link_targets(name) if targets is None else targets
    if name == "citation":  # names the cited record by its table and key
        node["nscap:citing_record"] = _ref(values["citing_type"], values["citing_record"])
    for field_name, value in values.items():
        if field_name in MAPPED.get(name, ()) or field_name in ("key", "citing_record"):
            continue
        if field_name in targets and isinstance(value, str):
            value = _ref(targets[field_name], value)
        elif field_name in targets and isinstance(value, list):
            value = [_ref(targets[field_name], key) for key in value]
        node[f"nscap:{field_name}"] = value
    return {k: v for k, v in node.items() if v not in (None, [], "")}


def write_document(out: IO[bytes], tables_rows: Iterable[tuple[str, Iterator[dict]]]) -> None:
    """Write the document to ``out`` one node at a time (memory stays one node)."""
    context = {"@vocab": "https://schema.org/", "nscap": f"{_base_url()}/ns#"}
    out.write(b'{\n "@context": ' + json.dumps(context).encode() + b',\n "@graph": [')
    first = True
    for name, rows in tables_rows:
        targets = link_targets(name)
        for values in rows:
            out.write(b"\n  " if first else b",\n  ")
            node = node_of(name, values, targets)
            out.write(json.dumps(node, ensure_ascii=False).encode("utf-8"))
            first = False
    out.write(b"\n ]\n}\n")
