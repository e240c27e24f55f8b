"""The columns of each record type's sheet: read from its input schema, explained for people.

One column per schema field, in the schema's order. ``FieldSpec.kind`` says how a cell is
written (see ``cells``); the meaning of each field is translated (English and Chinese).
"""

from __future__ import annotations

import enum
import functools
import types
import typing
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from nscap.contributions.record_types import RECORD_TYPES, RecordType


@dataclass(frozen=True)
class FieldSpec:
    """One column: its name, how its cells are written, whether a row must fill it."""

    name: str
    kind: str
    required: bool
    choices: type[models.TextChoices] | None = None
    target: str | None = None  # record type a reference names


KIND_TEXT: dict[str, Promise] = {
    "key": _("key: 1-120 lower-case letters, digits and hyphens"),
    "text": _("text"),
    "institution": _("institution: its key or any of its names, acronyms or aliases"),
    "reference": _("key of an existing record"),
    "keys": _("keys separated by ;"),
    "texts": _("texts separated by ;"),
    "date": _("partial date: YYYY, YYYY-MM or YYYY-MM-DD"),
    "integer": _("whole number"),
    "boolean": _("true or false (blank: unknown)"),
    "choice": _("one code of the allowed values"),
    "country": _("ISO 3166-1 alpha-2 country code, such as JP"),
    "labels": _("labels separated by ;, each: text (language, script, kind)"),
    "partners": _("partners separated by ;, each: institution (role) or just institution"),
    "participant_countries": _("countries separated by ;, each: CC:count"),
}

FIELD_HELP: dict[str, Promise] = {
    "key": _(
        "Stable id of the row. A key already in the registry updates that record; a new key "
        "creates one. Keep it, so that importing the file again changes nothing."
    ),
    "sensitivity": _(
        "Who may see the record: public, network (members of its institution's "
        "networks) or restricted (its institution and the stewards)."
    ),
    "note": _("What the source leaves ambiguous, in your words."),
    "name": _("Official name of the institution."),
    "country": _("Country."),
    "parent": _("Parent organisation (operator, regulator or agency)."),
    "parent_role": _("What the parent is to the institution."),
    "parent_relation": _("The relation to the parent in the source's words."),
    "website": _("Web address."),
    "description": _("Free description."),
    "labels": _("Other names: names in other languages, acronyms and aliases."),
    "institution": _("The institution the milestone belongs to."),
    "status": _("Status."),
    "date": _("When it happened or is expected."),
    "date_text": _("The date in the source's own words, such as 'late 2015'."),
    "provider": _("The institution that offers the course."),
    "title": _("Title."),
    "level": _("Level of the course."),
    "topics": _("Topics, as keys of the topic vocabulary."),
    "target_groups": _("Target groups, as keys of the target-group vocabulary."),
    "language": _("Language, as a BCP 47 tag such as en, zh-Hans, ja."),
    "iaea_endorsed": _("Endorsed by the IAEA."),
    "guidance": _("The guidance it follows, such as NSS 13."),
    "first_offered": _("When the course was first offered."),
    "host": _("The institution that hosted the event."),
    "course": _("The course this event is a run of (its key)."),
    "start": _("Start date."),
    "end": _("End date."),
    "city": _("City."),
    "delivery_mode": _("In person, online or hybrid."),
    "participants": _("Number of participants."),
    "participants_qualifier": _("How exact the number of participants is."),
    "partners": _("Partner institutions and their roles."),
    "participant_countries": _("Participants by country."),
    "reported_by": _("Who reported the event (institution key); blank when the host did."),
    "same_as": _("The record kept when this one duplicates it (same event or organisation)."),
    "claimant": _("The institution that makes the claim."),
    "partner": _("The partner institution, when it is in the registry."),
    "partner_country": _("The partner country, when the partner is a country."),
    "partner_text": _("The partner as the source names it, when it is not in the registry."),
    "type": _("Kind of collaboration."),
    "network": _("The network the collaboration belongs to (its key)."),
    "quote": _("The claim in the source's words."),
    "period_start": _("Start of the period the claim covers."),
    "period_end": _("End of the period the claim covers."),
    "authors": _("Authors."),
    "publisher": _("Publisher."),
    "published": _("Date of publication."),
    "url": _("Web address of the document."),
    "owner": _("The institution that owns the source, if any."),
    # needs assessments and their figures, aggregate figures, vocabularies (issue 14)
    "assessor": _("The institution that made the assessment, if it is in the registry."),
    "region": _("A named region (e.g. Southeast Asia) when the scope is not one country."),
    "target_group": _("Target group, as a key of the target-group vocabulary."),
    "topic": _("Topic, as a key of the topic vocabulary."),
    "method": _("How the demand was estimated."),
    "sources": _("The sources it comes from, as keys of source records."),
    "needs_assessment": _("The needs assessment the figure belongs to (its key)."),
    "year": _("The year the figure is for."),
    "people": _("How many people: needing training (needs), or trained (claims)."),
    "qualifier": _("How exact the number is, in the source's words."),
    "measure": _("What the figure counts."),
    "unit": _("What is counted (people)."),
    "courses": _("How many courses or events the claim states."),
    "courses_qualifier": _("How exact the number of courses is."),
    "people_qualifier": _("How exact the number of people is."),
    "name_zh": _("Name in Chinese."),
    "nss_references": _("IAEA Nuclear Security Series publications, such as NSS 13."),
    "aliases": _("Other names and synonyms in any language, used to recognise the term."),
}
KIND_HELP: dict[str, Promise] = {
    "institution": _("Kind of institution."),
    "milestone": _("Kind of milestone."),
    "course": _("Kind of course."),
    "source": _("Kind of document."),
}
# Per record type, where a field's meaning differs from the shared one.
TYPE_FIELD_HELP: dict[tuple[str, str], Promise] = {
    ("needs_figure", "people"): _("How many people need training (a whole number)."),
    ("aggregate_claim", "people"): _("How many people the claim says were trained."),
    ("topic", "parent"): _("The broader topic (its key)."),
    ("needs_assessment", "country"): _("The country assessed; blank with no region: worldwide."),
}

SPECIAL_KINDS = {
    "labels": "labels",
    "partners": "partners",
    "participant_countries": "participant_countries",
}


def _unwrap(annotation: typing.Any) -> typing.Any:
    """``X | None`` -> ``X``; ``Annotated[X, ...]`` -> ``X``."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else annotation
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    return annotation


def _kind(record_type: RecordType, name: str, annotation: typing.Any) -> tuple[str, typing.Any]:
    if name == "key":
        return "key", None
    if name in SPECIAL_KINDS:
        return SPECIAL_KINDS[name], None
    if name in record_type.refs:
        target = record_type.refs[name]
        return ("institution" if target == "institution" else "reference"), None
    if name in record_type.many or (name == "sources" and name in record_type.children):
        return "keys", None
    if name in record_type.dates:
        return "date", None
    base = _unwrap(annotation)
    if isinstance(base, type) and issubclass(base, enum.Enum):
        return "choice", base
    if base is bool:
        return "boolean", None
    if base is int:
        return "integer", None
    if typing.get_origin(base) is list:
        return "texts", None
    if name in ("country", "partner_country"):
        return "country", None
    return "text", None


def field_specs(record_type: RecordType) -> tuple[FieldSpec, ...]:
    """The columns of ``record_type``'s sheet, in the schema's order. ``key`` is required."""
    return _field_specs(record_type.name, record_type.schema)


@functools.lru_cache(maxsize=64)
def _field_specs(name: str, schema: type) -> tuple[FieldSpec, ...]:
    record_type = RECORD_TYPES[name]
    specs = []
    for name, info in record_type.schema.model_fields.items():
        kind, choices = _kind(record_type, name, info.annotation)
        target = record_type.refs.get(name) or record_type.many.get(name)
        if name == "sources" and name in record_type.children:
            target = "source"
        specs.append(FieldSpec(name, kind, info.is_required() or name == "key", choices, target))
    return tuple(specs)


def field_help(record_type: RecordType, name: str) -> Promise:
    """The meaning of field ``name`` of ``record_type``, translatable."""
    if name == "kind" and record_type.name in KIND_HELP:
        return KIND_HELP[record_type.name]
    if (record_type.name, name) in TYPE_FIELD_HELP:
        return TYPE_FIELD_HELP[(record_type.name, name)]
    return FIELD_HELP.get(name, _("See the record type's documentation."))


def specs_by_type() -> dict[str, tuple[FieldSpec, ...]]:
    """Every record type's columns, keyed by record type name."""
    return {name: field_specs(rt) for name, rt in RECORD_TYPES.items()}
