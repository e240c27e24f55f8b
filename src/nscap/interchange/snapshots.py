"""Records as one viewer may see them: the values exports write and imports compare against.

``snapshot`` (contributions.record_types) gives a record's full values; here every reference and
nested row that points at a record the viewer may not see is dropped (a reference becomes
blank), so an export never names a hidden record and an import of that export finds nothing
changed.
"""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps

from nscap.contributions.record_types import REFERENCE_MODELS, RecordType, snapshot
from nscap.contributions.redaction import drop_hidden_links


class VisibleKeys:
    """The keys of each kind of referenced record that one viewer may see (loaded once)."""

    def __init__(self, user: Any):
        self.user = user
        self._keys: dict[str, frozenset[str]] = {}

    def __call__(self, record_type_name: str) -> frozenset[str]:
        if record_type_name not in self._keys:
            model = apps.get_model(REFERENCE_MODELS[record_type_name])
            self._keys[record_type_name] = frozenset(
                model.objects.visible_to(self.user).values_list("key", flat=True)
            )
        return self._keys[record_type_name]


def redact(record_type: RecordType, values: dict[str, Any], visible: VisibleKeys) -> dict:
    """``values`` without references to records the viewer may not see (the one rule of
    ``contributions.redaction``, with every visible key of a type loaded once for an export)."""
    return drop_hidden_links(record_type, values, lambda target, key: key in visible(target))


def visible_snapshot(record_type: RecordType, instance: Any, visible: VisibleKeys) -> dict:
    """The record's values as the viewer may see them."""
    return redact(record_type, snapshot(record_type, instance), visible)


def canonical(value: Any) -> Any:
    """A form of ``value`` that compares equal when only the order of a list differs."""
    if isinstance(value, list):
        return sorted(json.dumps(item, sort_keys=True, ensure_ascii=False) for item in value)
    return value
