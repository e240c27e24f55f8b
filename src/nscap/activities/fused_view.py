"""The fused event as one viewer may see it: what the event page and ``/api/events/<key>`` show.

A fused event is stored from reports at least as visible as its kept report
(``linkage.fusing``), so it is already safe for whoever sees the kept report. This read checks
again, per field, and is the only way fused values leave the database: a field whose source
report the viewer cannot see is left out, labels and partner institutions the viewer cannot
see are left out, and the estimate is shown only when every report it drew on is visible.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext_lazy as _

from nscap.activities.models import FusedEvent, TrainingEvent
from nscap.core.prepared import prepared_rows
from nscap.institutions.models import Institution
from nscap.vocabularies.models import TargetGroup, Topic

LABELS = {
    "title": _("Title"),
    "start": _("Start"),
    "end": _("End"),
    "country": _("Country"),
    "city": _("City"),
    "delivery_mode": _("Delivery mode"),
    "participants": _("Participants"),
    "participants_qualifier": _("Participants qualifier"),
    "breakdown": _("Participants by country"),
    "topics": _("Topics"),
    "target_groups": _("Target groups"),
    "partners": _("Partners"),
}
HIDDEN_FIELDS = ("host", "start_precision", "end_precision")  # shown through other fields


def _stored(user: Any, event_id: int) -> dict | None:
    rows = prepared_rows(
        "events.fused",
        user,
        lambda mark: (
            FusedEvent.objects.visible_to(user).filter(event_id=mark).values_list("data")[:1]
        ),
        [event_id],
    )
    if not rows:
        return None
    data = rows[0][0]
    return json.loads(data) if isinstance(data, str) else data


def _refs(model: type, user: Any, keys: list[str]) -> list[dict]:
    names = dict(model.objects.visible_to(user).filter(key__in=keys).values_list("key", "name"))
    return [{"key": key, "name": names[key]} for key in keys if key in names]


def fused_block(user: Any, event_id: int) -> dict | None:
    """The fused values of the kept report ``event_id`` that ``user`` may see, with their
    sources (report keys) and basis; None when it has no fused event (or it is hidden)."""
    data = _stored(user, event_id)
    if data is None:
        return None
    seen = set(
        TrainingEvent.objects.visible_to(user)
        .filter(key__in=data.get("reports", ()))
        .values_list("key", flat=True)
    )
    fields: dict[str, dict] = {}
    for name, stored in data.get("fields", {}).items():
        sources = [s for s in stored.get("source", "").split(", ") if s]
        if name == "partners":
            fields[name] = _partners(user, stored["value"], seen)
            continue
        if not sources or not set(sources) <= seen:
            continue  # no report states it, or one the viewer may not see
        value = stored["value"]
        if name == "topics":
            value = _refs(Topic, user, value)
        elif name == "target_groups":
            value = _refs(TargetGroup, user, value)
        elif name == "breakdown":
            value = [{"country": c, "count": n} for c, n in value]
        elif name == "host":
            value = _institution_refs(user, [value]).get(value)
            if value is None:
                continue
        shown_labels = {ref["key"] for ref in value} if name in ("topics", "target_groups") else ()
        fields[name] = {
            "value": value,
            "sources": sources,
            "basis": stored.get("basis", "stated"),
            "evidence": [
                {"label": label, "report": report, "title": title}
                for label, report, title in stored.get("evidence", ())
                if report in seen and label in shown_labels
            ],
        }
    estimate = data.get("estimate")
    if estimate and set(data.get("reports", ())) <= seen:
        estimate = {
            **estimate,
            "countries": [
                {"country": c, "people": n, "low": low, "high": high}
                for c, n, low, high in estimate["countries"]
            ],
        }
    else:
        estimate = None
    return {
        "kept": data["kept"],
        "reports": [key for key in data.get("reports", ()) if key in seen],
        "fields": fields,
        "estimate": estimate,
    }


def _institution_refs(user: Any, ids: list[int]) -> dict[int, dict]:
    return {
        pk: {"key": key, "name": name}
        for pk, key, name in Institution.objects.visible_to(user)
        .filter(pk__in=ids)
        .values_list("pk", "key", "name")
    }


def _partners(user: Any, stored: list, seen: set[str]) -> dict:
    """Partners united over reports, each with the visible reports naming it."""
    refs = _institution_refs(user, [institution for institution, _role, _keys in stored])
    partners, sources = [], set()
    for institution, role, keys in stored:
        keys = [k for k in keys if k in seen]
        if institution in refs and keys:
            partners.append({"institution": refs[institution], "role": role, "reports": keys})
            sources |= set(keys)
    return {"value": partners, "sources": sorted(sources), "basis": "stated", "evidence": []}


def fused_rows(block: dict | None) -> list[dict]:
    """The fused fields as rows for the event page: label, value, sources, basis, evidence."""
    if not block:
        return []
    rows = []
    for name, label in LABELS.items():
        found = block["fields"].get(name)
        if not found or found["value"] in (None, "", []):
            continue
        rows.append({"name": name, "label": label, **found})
    return rows
