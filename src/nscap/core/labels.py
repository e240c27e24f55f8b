"""Readable, translated labels for the codes the registry stores (issue 15, found 6).

A reader never sees a stored code: choice values show their ``TextChoices`` label
(``get_FOO_display``), countries their name (``country_name``), a quantity's measure and a record
type a label from the tables below, a cited field its model field's verbose name. A code with no
label falls back to ``humanize_code`` ("people_trained" -> "People trained"), so a new code reads
as words until it gets its translated label. ``tests/test_readable_labels.py`` renders the pages
and fails when a raw code reaches visible text.
"""

from __future__ import annotations

import re
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

# What a quantity counts (``Quantity.measure``), as a reader would say it.
MEASURE_LABELS = {
    "centers": _("Centers"),
    "centers_operational": _("Centers operational"),
    "countries_with_centers": _("Countries with a center"),
    "courses_run": _("Courses run"),
    "network_countries": _("Countries in the network"),
    "network_member_institutions": _("Member institutions of the network"),
    "network_members": _("Members of the network"),
    "offsite_training_demand": _("Off-site training demand"),
    "participant_countries": _("Countries of participants"),
    "participants_hosted": _("Participants hosted"),
    "people_trained": _("People trained"),
    "people_trained_abroad": _("People trained abroad"),
    "people_trained_foreign": _("Foreign people trained"),
    "people_trained_per_year": _("People trained per year"),
    "people_needing_training": _("People needing training"),
    "power_reactors_under_construction": _("Power reactors under construction"),
    "professionals_with_security_responsibility": _(
        "Professionals with nuclear security responsibilities"
    ),
    "share_of_reactors_under_construction": _("Share of reactors under construction"),
    "trainers_trained": _("Trainers trained"),
    "training_capacity_share": _("Share covered by training capacity"),
}

# The kinds of record a contribution, an import row or a history entry is about.
RECORD_TYPE_LABELS = {
    "institution": _("Institution"),
    "label": _("Name"),
    "profile": _("Center profile"),
    "milestone": _("Milestone"),
    "course": _("Course"),
    "training_event": _("Training event"),
    "aggregate_claim": _("Aggregate claim"),
    "claim": _("Collaboration claim"),
    "collaboration_claim": _("Collaboration claim"),
    "network": _("Network"),
    "membership": _("Membership"),
    "meeting": _("Meeting"),
    "needs_assessment": _("Needs assessment"),
    "quantity": _("Figure"),
    "source": _("Source"),
    "citation": _("Citation"),
}


def humanize_code(code: Any) -> str:
    """A code as words, for codes without a label yet: "in_person" -> "In person"."""
    text = str(code or "").replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def measure_label(measure: str) -> str:
    """What a quantity counts, translated."""
    return str(MEASURE_LABELS.get(measure) or humanize_code(measure))


def record_type_label(record_type: str) -> str:
    """A record type (``training_event``) as a reader would name it."""
    return str(RECORD_TYPE_LABELS.get(record_type) or humanize_code(record_type))


def field_label(model: Any, field: str) -> str:
    """The translated verbose name of ``field`` of ``model`` (a model class, a ``ContentType``,
    its id or an ``app.Model`` label); the humanized code when the model has no such field."""
    if isinstance(model, int):
        model = ContentType.objects.get_for_id(model)
    if isinstance(model, ContentType):
        model = model.model_class()
    elif isinstance(model, str):
        model = apps.get_model(model)
    try:
        return humanize_code(str(model._meta.get_field(field).verbose_name))
    except (FieldDoesNotExist, AttributeError):
        return humanize_code(field)


_CODE = re.compile(r"^[a-z]+(?:_[a-z]+)+$")


def value_label(model: Any, field: str, value: Any) -> Any:
    """A stored value of ``model.field`` as a reader reads it: a choice's label, a country's
    name; inside rows of a list (a training event's partners or participant countries) the
    same for each cell. Other values are returned as they are."""
    from nscap.core.templatetags.nscap_ui import country_name

    if isinstance(value, list):
        return [
            {humanize_code(k): _cell(k, v, country_name) for k, v in item.items()}
            if isinstance(item, dict)
            else value_label(model, field, item)
            for item in value
        ]
    if not isinstance(value, str) or not value:
        return value
    if field.endswith("country"):
        return country_name(value)
    try:
        choices = dict(model._meta.get_field(field).flatchoices) if model else {}
    except FieldDoesNotExist:
        choices = {}
    return str(choices.get(value, value))


def _cell(key: str, value: Any, country_name: Any) -> Any:
    if isinstance(value, str) and key.endswith("country"):
        return country_name(value)
    if isinstance(value, str) and _CODE.match(value):
        return humanize_code(value)
    return value
