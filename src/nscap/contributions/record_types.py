"""The writable record types: model, schema, references by key, and how to read and write one.

``snapshot(instance)`` gives a record as its schema's plain values (the "before" and "after" of
history, the rows of exports); ``write(instance, values)`` applies validated values to it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.text import slugify
from pydantic import BaseModel

from nscap.contributions import inputs
from nscap.core.partial_dates import PartialDate
from nscap.needs.choices import DemandMeasure


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
    # Schema fields stored under another model field name (a needs figure's people -> value).
    renamed: dict[str, str] = field(default_factory=dict)
    # Schema fields holding a year, stored as a partial date of year precision in the first
    # model field (read back from the first of them that is set).
    years: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The rows of the model this type covers (needs figures are the quantities of a needs
    # assessment, not every quantity).
    limit: dict[str, Any] = field(default_factory=dict)
    # Vocabularies: stewards extend them; contributors are refused.
    stewards_only: bool = False

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    def records(self) -> models.QuerySet:
        """Every row of this type (before the read filter)."""
        return self.model.objects.filter(**self.limit)

    def visible(self, user: Any) -> models.QuerySet:
        """The rows of this type ``user`` may see: the one read filter, then ``limit``."""
        return self.model.objects.visible_to(user).filter(**self.limit)

    def refusal(self, user: Any) -> str:
        """Why ``user`` may not write this type at all, or "" when they may."""
        from nscap.core.visibility import is_steward

        if self.stewards_only and not is_steward(user):
            return (
                f"Only stewards extend the vocabularies: a new or changed "
                f"{self.name.replace('_', ' ')} is a steward's decision. Ask a steward, or "
                "use a value the fields sheet lists."
            )
        return ""


REFERENCE_MODELS = {
    "institution": "institutions.Institution",
    "course": "activities.Course",
    "network": "networks.Network",
    "topic": "vocabularies.Topic",
    "target_group": "vocabularies.TargetGroup",
    "training_event": "activities.TrainingEvent",
    "needs_assessment": "needs.NeedsAssessment",
    "source": "sources.Source",
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


def _cited_sources(record) -> list[str]:
    """The keys of the sources a record cites (its ``sources`` field)."""
    from django.contrib.contenttypes.models import ContentType

    from nscap.sources.models import Citation

    return sorted(
        set(
            Citation.objects.filter(
                content_type=ContentType.objects.get_for_model(record), object_id=record.pk
            ).values_list("source__key", flat=True)
        )
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
            refs={"institution": "institution", "reported_by": "institution"},
            dates=("date",),
            title_field="description",
        ),
        RecordType(
            "course",
            "activities.Course",
            inputs.CourseInput,
            "activities.course",
            owner="provider",
            refs={"provider": "institution", "reported_by": "institution"},
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
            refs={"claimant": "institution", "reported_by": "institution"},
            dates=("period_start", "period_end"),
            title_field="description",
        ),
        RecordType(
            "source",
            "sources.Source",
            inputs.SourceInput,
            "sources.source",
            owner="owner",
            refs={"owner": "institution", "reported_by": "institution"},
            dates=("published",),
        ),
        # Demand (issue 14): an assessment, then its figures (one per cell and year).
        RecordType(
            "needs_assessment",
            "needs.NeedsAssessment",
            inputs.NeedsAssessmentInput,
            "needs.assessment",
            owner="assessor",
            refs={
                "assessor": "institution",
                "target_group": "target_group",
                "topic": "topic",
            },
            dates=("published",),
            children={"sources": _cited_sources},
        ),
        RecordType(
            "needs_figure",
            "quantities.Quantity",
            inputs.NeedsFigureInput,
            "needs.figure",
            owner=None,
            refs={
                "needs_assessment": "needs_assessment",
                "target_group": "target_group",
                "topic": "topic",
            },
            title_field="measure",
            renamed={"people": "value"},
            years={"year": ("period_start", "as_of")},
            # Demand counts only: a stated coverage share or a context figure of an
            # assessment (reactors under construction) is a quantity of another kind.
            limit={"needs_assessment__isnull": False, "measure__in": DemandMeasure.values},
        ),
    ]
}
RECORD_TYPES.update(
    {
        rt.name: rt
        for rt in [
            RecordType(
                "topic",
                "vocabularies.Topic",
                inputs.TopicInput,
                "vocabularies.topic",
                owner=None,
                refs={"parent": "topic"},
                title_field="name",
                stewards_only=True,
            ),
            RecordType(
                "target_group",
                "vocabularies.TargetGroup",
                inputs.TargetGroupInput,
                "vocabularies.target_group",
                owner=None,
                title_field="name",
                stewards_only=True,
            ),
        ]
    }
)
# The order in which an import writes its sheets: the vocabularies first, since courses, events
# and needs in the same file may use new terms; then the order of RECORD_TYPES.
WRITE_ORDER: tuple[str, ...] = tuple(
    sorted(RECORD_TYPES, key=lambda name: not RECORD_TYPES[name].stewards_only)
)


# How ``children`` functions order their rows (their query's order_by), for ``snapshot(given=)``.
CHILD_ORDER: dict[str, Callable[[dict], Any]] = {
    "labels": lambda lb: (lb["kind"], lb["language"], lb["text"]),
    "partners": lambda p: (p["institution"], p["role"]),
    "participant_countries": lambda c: c["country"],
    "sources": lambda key: key,
}


def record_type_of(instance: models.Model) -> RecordType | None:
    label = instance._meta.label
    return next(
        (
            rt
            for rt in RECORD_TYPES.values()
            if rt.model_label == label
            and all(_matches(instance, path, value) for path, value in rt.limit.items())
        ),
        None,
    )


def _matches(instance: models.Model, path: str, value: Any) -> bool:
    """Whether ``instance`` passes one ``limit`` lookup (``<fk>__isnull`` or ``<field>__in``)."""
    name, _sep, lookup = path.partition("__")
    if lookup == "isnull":
        return (getattr(instance, f"{name}_id") is None) == value
    if lookup == "in":
        return getattr(instance, name) in value
    raise ValueError(f"unsupported limit {path!r}")


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
        elif name in record_type.years:
            dates = [getattr(instance, stored) for stored in record_type.years[name]]
            values[name] = next((date.year for date in dates if date), None)
        else:
            value = getattr(instance, record_type.renamed.get(name, name))
            if isinstance(value, Decimal):
                value = int(value) if value == value.to_integral_value() else float(value)
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
    if "sources" in record_type.children:  # cited sources, by key
        keys = values.get("sources")
        for key in keys if isinstance(keys, list) else ():
            if isinstance(key, str) and key:
                yield "sources", "source", key
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
    forget_inferred_marks(instance, values, before or {})
    instance.full_clean()
    instance.save()
    for name, target in record_type.many.items():
        if name in values:
            getattr(instance, name).set([related(target, key, name) for key in values[name]])
    _write_children(record_type, instance, values, related)
    return instance


def forget_inferred_marks(
    instance: models.Model, values: dict[str, Any], before: dict[str, Any]
) -> None:
    """A person who changes a record's topics or target groups states them: the marks nscap
    stored for that field when it inferred the labels from the source's words no longer hold."""
    marks = getattr(instance, "inferred_labels", None)
    if not marks:
        return
    changed = {
        field
        for field in {mark.get("field") for mark in marks}
        if field in values and sorted(values[field] or ()) != sorted(before.get(field) or ())
    }
    if changed:
        instance.inferred_labels = [mark for mark in marks if mark.get("field") not in changed]


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
        elif name in record_type.years:
            stored = record_type.years[name][0]
            setattr(instance, stored, dt.date(value, 1, 1) if value else None)
            setattr(instance, f"{stored}_precision", "year")
        else:
            name = record_type.renamed.get(name, name)
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
    if "sources" in values and "sources" in record_type.children:
        _write_citations(instance, values["sources"], related)


def _write_citations(
    instance: models.Model, keys: list[str], related: Callable[[str, str, str], models.Model]
) -> None:
    """Cite exactly the sources ``keys`` names (new ones the author may see)."""
    from django.contrib.contenttypes.models import ContentType

    from nscap.sources.models import Citation

    sources = [related("source", key, "sources") for key in dict.fromkeys(keys)]
    cited = Citation.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_id=instance.pk
    )
    cited.exclude(source__in=sources).delete()
    have = set(cited.values_list("source_id", flat=True))
    for source in sources:
        if source.pk not in have:
            Citation.objects.create(source=source, record=instance)
