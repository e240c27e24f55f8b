"""Small factories for tests: each builds one valid record with sensible defaults.

Keys are made unique with a counter, so tests never collide and never share mutable fixtures.
"""

from __future__ import annotations

import itertools
from typing import Any

from nscap.activities.models import Course, TrainingEvent
from nscap.collaboration.models import CollaborationClaim
from nscap.institutions.models import Institution, Label
from nscap.needs.models import NeedsAssessment
from nscap.networks.models import Membership, Network
from nscap.quantities.models import Quantity
from nscap.sources.models import Citation, Source
from nscap.vocabularies.models import TargetGroup, Topic

_counter = itertools.count(1)


def _key(prefix: str) -> str:
    # "n" before the number: "inst-2014" would read as a key with a year to the readable-labels
    # guard, which would then fail or pass by how many records earlier tests made.
    return f"{prefix}-n{next(_counter)}"


def make_institution(**fields: Any) -> Institution:
    fields.setdefault("key", _key("inst"))
    fields.setdefault("name", f"Institution {fields['key']}")
    fields.setdefault("kind", "center_of_excellence")
    fields.setdefault("country", "JP")
    labels = fields.pop("labels", None)
    institution = Institution.objects.create(**fields)
    Label.objects.create(
        institution=institution, text=institution.name, language="en", kind="name", preferred=True
    )
    for text, language, script, kind in labels or []:
        Label.objects.create(
            institution=institution, text=text, language=language, script=script, kind=kind
        )
    return institution


def make_topic(**fields: Any) -> Topic:
    fields.setdefault("key", _key("topic"))
    fields.setdefault("name", f"Topic {fields['key']}")
    return Topic.objects.create(**fields)


def make_target_group(**fields: Any) -> TargetGroup:
    fields.setdefault("key", _key("group"))
    fields.setdefault("name", f"Group {fields['key']}")
    return TargetGroup.objects.create(**fields)


def make_course(**fields: Any) -> Course:
    fields.setdefault("key", _key("course"))
    fields.setdefault("title", f"Course {fields['key']}")
    if "provider" not in fields:
        fields["provider"] = make_institution()
    return Course.objects.create(**fields)


def make_event(**fields: Any) -> TrainingEvent:
    fields.setdefault("key", _key("event"))
    fields.setdefault("title", f"Event {fields['key']}")
    if "host" not in fields:
        fields["host"] = make_institution()
    return TrainingEvent.objects.create(**fields)


def make_claim(**fields: Any) -> CollaborationClaim:
    fields.setdefault("key", _key("claim"))
    fields.setdefault("type", "seminar")
    if "claimant" not in fields:
        fields["claimant"] = make_institution()
    if "partner" not in fields and not fields.get("partner_country"):
        fields["partner"] = make_institution()
    return CollaborationClaim.objects.create(**fields)


def make_network(**fields: Any) -> Network:
    fields.setdefault("key", _key("network"))
    fields.setdefault("name", f"Network {fields['key']}")
    return Network.objects.create(**fields)


def make_membership(**fields: Any) -> Membership:
    fields.setdefault("key", _key("membership"))
    return Membership.objects.create(**fields)


def make_needs(**fields: Any) -> NeedsAssessment:
    fields.setdefault("key", _key("needs"))
    fields.setdefault("title", f"Needs {fields['key']}")
    return NeedsAssessment.objects.create(**fields)


def make_quantity(**fields: Any) -> Quantity:
    fields.setdefault("key", _key("qty"))
    fields.setdefault("measure", "people_trained")
    fields.setdefault("description", "people trained")
    fields.setdefault("value", 10)
    fields.setdefault("unit", "people")
    return Quantity.objects.create(**fields)


def make_source(**fields: Any) -> Source:
    fields.setdefault("key", _key("source"))
    fields.setdefault("title", f"Source {fields['key']}")
    fields.setdefault("kind", "report")
    return Source.objects.create(**fields)


def cite(record: Any, source: Source | None = None, **fields: Any) -> Citation:
    from django.contrib.contenttypes.models import ContentType

    return Citation.objects.create(
        source=source or make_source(),
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        **fields,
    )
