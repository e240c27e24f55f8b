"""The writable record types: model, schema, references by key, and how to read and write one.

``snapshot(instance)`` gives a record as its schema's plain values (the "before" and "after" of
history, the rows of exports); ``write(instance, values)`` applies validated values to it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.text import slugify
from pydantic import BaseModel

from nscap.contributions import inputs
from nscap.core.partial_dates import PartialDate


class UnknownReference(ValueError):
    """A value names a record that does not exist or that the author may not see."""

    def __init__(self, field: str, record_type: str, key: str):
        super().__init__(f"{field}: no {record_type.replace('_', ' ')} with key {key!r}")
        self.field, self.record_type, self.key = field, record_type, key


@dataclass(frozen=True)
class RecordType:
    name: str
    model_label: str
    schema: type[BaseModel]
    action_prefix: str
    owner: str | None  # the field naming the owner institution; "" = the record itself
    refs: dict[str, str] = field(default_factory=dict)  # field -> record type of the key
    many: dict[str, str] = field(default_factory=dict)  # m2m field -> record type
    dates: tuple[str, ...] = ()
    children: dict[str, Callable[[Any], list[dict]]] = field(default_factory=dict)
    title_field: str = "title"

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)


REFERENCE_MODELS = {
    "institution": "institutions.Institution",
    "course": "activities.Course",
    "network": "networks.Network",
    "topic": "vocabularies.Topic",
    "target_group": "vocabularies.TargetGroup",
    "training_event": "activities.TrainingEvent",
}


# Children are read with ``.all()`` and sorted here, not by the database, so that an export
# that prefetches them (``PREFETCH``) reads them in one query per chunk instead of one per record.
def _labels(institution) -> list[dict]:
    return [
        {
            "text": lb.text,
            "language": lb.language,
            "script": lb.script,
            "kind": lb.kind,
            **{
                name: getattr(lb, name)
                for name in ("context_country", "context_reporter")
                if getattr(lb, name)
            },
        }
        for lb in sorted(institution.labels.all(), key=lambda lb: (lb.kind, lb.language, lb.text))
    ]


def _partners(event) -> list[dict]:
    return sorted(
        ({"institution": p.institution.key, "role": p.role} for p in event.partners.all()),
        key=lambda p: (p["institution"], p["role"]),
    )


def _participant_countries(event) -> list[dict]:
    return sorted(
        ({"country": c.country, "count": c.count} for c in event.participant_countries.all()),
        key=lambda c: c["country"],
    )


# What to prefetch to snapshot many records of a type without a query per record.
PREFETCH: dict[str, tuple[str, ...]] = {
    "institution": ("labels",),
    "course": ("topics", "target_groups"),
    "training_event": ("topics", "target_groups", "partners__institution", "participant_countries"),
}


RECORD_TYPES: dict[str, RecordType] = {
    rt.name: rt
    for rt in [
        RecordType(
            "institution",
            "institutions.Institution",
            inputs.InstitutionInput,
            "institutions.institution",
            owner="",
            refs={"parent": "institution", "same_as": "institution"},
            children={"labels": _labels},
            title_field="name",
        ),
        RecordType(
            "milestone",
            "institutions.Milestone",
            inputs.MilestoneInput,
            "institutions.milestone",
            owner="institution",
            refs={"institution": "institution"},
            dates=("date",),
            title_field="description",
        ),
        RecordType(
            "course",
            "activities.Course",
            inputs.CourseInput,
            "activities.course",
            owner="provider",
            refs={"provider": "institution"},
            many={"topics": "topic", "target_groups": "target_group"},
            dates=("first_offered",),
        ),
        RecordType(
            "training_event",
            "activities.TrainingEvent",
            inputs.TrainingEventInput,
            "activities.training_event",
            owner="host",
            refs={
                "host": "institution",
                "course": "course",
                "reported_by": "institution",
                "same_as": "training_event",
            },
            many={"topics": "topic", "target_groups": "target_group"},
            dates=("start", "end"),
            children={"partners": _partners, "participant_countries": _participant_countries},
        ),
        RecordType(
            "collaboration_claim",
            "collaboration.CollaborationClaim",
            inputs.CollaborationClaimInput,
            "collaboration.claim",
            owner="claimant",
            refs={"claimant": "institution", "partner": "institution", "network": "network"},
            dates=("start", "end"),
            title_field="description",
        ),
        RecordType(
            "aggregate_claim",
            "activities.AggregateClaim",
            inputs.AggregateClaimInput,
            "activities.aggregate_claim",
            owner="claimant",
            refs={"claimant": "institution"},
            dates=("period_start", "period_end"),
            title_field="description",
        ),
        RecordType(
            "source",
            "sources.Source",
            inputs.SourceInput,
            "sources.source",
            owner="owner",
            refs={"owner": "institution"},
            dates=("published",),
        ),
    ]
}


# How ``children`` functions order their rows (their query's order_by), for ``snapshot(given=)``.
CHILD_ORDER: dict[str, Callable[[dict], Any]] = {
    "labels": lambda lb: (lb["kind"], lb["language"], lb["text"]),
    "partners": lambda p: (p["institution"], p["role"]),
    "participant_countries": lambda c: c["country"],
}


def record_type_of(instance: models.Model) -> RecordType | None:
    label = instance._meta.label
    return next((rt for rt in RECORD_TYPES.values() if rt.model_label == label), None)


def snapshot(
    record_type: RecordType, instance: models.Model, given: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The record as its schema's plain values: keys for references, EDTF text for dates.

    ``given``: the validated values just written to a new ``instance``; its references, m2m
    keys and child rows are taken from there (in the order the database would give them)
    instead of being read back, which bulk writes rely on.
    """
    values: dict[str, Any] = {}
    for name in record_type.schema.model_fields:
        if given is not None and name in (*record_type.refs, *record_type.many):
            value = given.get(name)
            values[name] = sorted(set(value or ())) if name in record_type.many else value or None
        elif given is not None and name in record_type.children:
            values[name] = sorted(given.get(name) or (), key=CHILD_ORDER[name])
        elif name in record_type.refs:
            related = getattr(instance, name)
            values[name] = related.key if related else None
        elif name in record_type.many:
            values[name] = sorted(related.key for related in getattr(instance, name).all())
        elif name in record_type.children:
            values[name] = record_type.children[name](instance)
        elif name in record_type.dates:
            date = getattr(instance, name)
            precision = getattr(instance, f"{name}_precision")
            values[name] = PartialDate(date, precision).isoformat() if date else None
        else:
            value = getattr(instance, name)
            if value == "" and record_type.schema.model_fields[name].default is None:
                value = None  # a blank choice column is "not given" to the schema (parent_role)
            values[name] = value if value is not None or name == "key" else None
    return values


def resolve(record_type_name: str, key: str, user: Any, field: str) -> models.Model:
    model = apps.get_model(REFERENCE_MODELS[record_type_name])
    found = model.objects.visible_to(user).filter(key=key).first()
    if found is None:
        raise UnknownReference(field, record_type_name, key)
    return found


def links(record_type: RecordType, values: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(field, record type, key) for every link ``values`` make to another record.

    Tolerates raw values not validated yet (what is not a key is left to the schema)."""
    for name, target in record_type.refs.items():
        key = values.get(name)
        if isinstance(key, str) and key:
            yield name, target, key
    for name, target in record_type.many.items():
        keys = values.get(name)
        for key in keys if isinstance(keys, list) else ():
            if isinstance(key, str) and key:
                yield name, target, key
    if "partners" in record_type.children:
        partners = values.get("partners")
        for partner in partners if isinstance(partners, list) else ():
            if isinstance(partner, dict) and isinstance(partner.get("institution"), str):
                yield "partners", "institution", partner["institution"]


def new_key(record_type: RecordType, values: dict[str, Any]) -> str:
    title = str(values.get(record_type.title_field) or record_type.name).replace("_", " ")
    base = slugify(title)[:60].strip("-")  # slugify keeps "_", which keys do not allow
    return f"{base or record_type.name.replace('_', '-')}-{secrets.token_hex(3)}"


def write(
    record_type: RecordType,
    instance: models.Model,
    values: dict[str, Any],
    user: Any,
    before: dict[str, Any] | None = None,
) -> models.Model:
    """Apply validated ``values`` to ``instance`` and save it, with its m2m and child rows.

    New links resolve as ``user`` sees them; links the record already had (``before``, its
    snapshot) are kept whoever writes, even to records ``user`` may not see (``rules``).
    """
    had = {(target, key) for _name, target, key in links(record_type, before or {})}

    def related(target: str, key: str, name: str) -> models.Model:
        if (target, key) in had:
            found = apps.get_model(REFERENCE_MODELS[target]).objects.filter(key=key).first()
            if found is not None:
                return found
        return resolve(target, key, user, name)

    assign(record_type, instance, values, related)
    instance.full_clean()
    instance.save()
    for name, target in record_type.many.items():
        if name in values:
            getattr(instance, name).set([related(target, key, name) for key in values[name]])
    _write_children(record_type, instance, values, related)
    return instance


def assign(
    record_type: RecordType,
    instance: models.Model,
    values: dict[str, Any],
    related: Callable[[str, str, str], Any],
) -> None:
    """Set validated ``values`` on ``instance`` (not saved; m2m and child rows left aside).

    ``related(record_type, key, field)`` gives the referenced record, or its primary key.
    """
    for name, value in values.items():
        if name in record_type.refs:
            found = related(record_type.refs[name], value, name) if value else None
            if isinstance(found, models.Model) or found is None:
                setattr(instance, name, found)
            else:
                setattr(instance, f"{name}_id", found)
        elif name in record_type.many or name in record_type.children:
            continue
        elif name in record_type.dates:
            partial = PartialDate.parse(value) if value else None
            setattr(instance, name, partial.date if partial else None)
            setattr(instance, f"{name}_precision", partial.precision if partial else "day")
        else:
            model_field = instance._meta.get_field(name)
            if value is None and isinstance(model_field, models.CharField):
                value = ""
            setattr(instance, name, value)


def _write_children(
    record_type: RecordType,
    instance,
    values: dict[str, Any],
    related: Callable[[str, str, str], models.Model],
) -> None:
    from nscap.activities.models import EventParticipantCountry, EventPartner
    from nscap.institutions.models import Label

    if "labels" in values and record_type.name == "institution":
        instance.labels.all().delete()
        for label in values["labels"]:
            Label(institution=instance, **label).save()
        if not instance.labels.filter(kind="name", text=instance.name).exists():
            Label(institution=instance, text=instance.name, language="en", kind="name").save()
    if "partners" in values:
        instance.partners.all().delete()
        for partner in values["partners"]:
            EventPartner.objects.create(
                event=instance,
                institution=related("institution", partner["institution"], "partners"),
                role=partner["role"],
            )
    if "participant_countries" in values:
        instance.participant_countries.all().delete()
        for row in values["participant_countries"]:
            EventParticipantCountry.objects.create(event=instance, **row)
