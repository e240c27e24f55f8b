"""Put a synthetic set (``synthetic.generate``) into the registry, for tests and the demo.

Like the brief's loader this writes directly, in one transaction, rather than through
changesets: it is demonstration data with its own keys (``syn-...``), not contributions.
Hosts become institutions with their labels (name, acronym, native-script name), topics get
their labels in five languages as aliases, reports become training events whose
``reported_by`` says who reported them (blank = the host).
"""

from __future__ import annotations

from django.db import transaction

from nscap.activities.models import TrainingEvent
from nscap.core.partial_dates import PartialDate
from nscap.institutions.models import Institution, Label
from nscap.linkage.synthetic import IAEA, TOPICS, SyntheticData
from nscap.vocabularies.models import Topic

PREFIX = "syn-"
LANGUAGES = ("en", "zh-Hans", "ja", "ko", "vi")
SCRIPTS = ("Latn", "Hans", "Jpan", "Kore", "Latn")


def _institutions(data: SyntheticData) -> dict[str, Institution]:
    out = {}
    for host in data.hosts:
        institution, _created = Institution.objects.get_or_create(
            key=f"{PREFIX}{host.id}",
            defaults={"name": host.name, "kind": "center_of_excellence", "country": host.country},
        )
        out[host.id] = institution
        labels = [(host.name, "en", "Latn", "name"), (host.acronym, "en", "Latn", "acronym")]
        if host.script:
            labels.append((host.native, LANGUAGES[host.script], SCRIPTS[host.script], "name"))
        for text, language, script, kind in labels:
            Label.objects.get_or_create(
                institution=institution,
                text=text,
                language=language,
                kind=kind,
                defaults={"script": script},
            )
    out[IAEA], _created = Institution.objects.get_or_create(
        key=f"{PREFIX}iaea",
        defaults={"name": "International Atomic Energy Agency", "kind": "international_org"},
    )
    return out


def load_synthetic(data: SyntheticData) -> dict[str, TrainingEvent]:
    """Write ``data`` (idempotent by key); returns the events by report key."""
    with transaction.atomic():
        institutions = _institutions(data)
        topics = {}
        for key, labels in TOPICS.items():
            topics[key], _created = Topic.objects.get_or_create(
                key=f"{PREFIX}{key}",
                defaults={"name": labels[0], "name_zh": labels[1], "aliases": list(labels[2:])},
            )
        events = {}
        for record in data.records:
            start = PartialDate.parse(record["start"]) if record["start"] else None
            end = PartialDate.parse(record["end"]) if record["end"] else None
            reporter = record["reporter"]
            event, created = TrainingEvent.objects.get_or_create(
                key=f"{PREFIX}{record['key']}",
                defaults={
                    "host": institutions[record["host"]],
                    "reported_by": None if reporter == record["host"] else institutions[reporter],
                    "title": record["title"],
                    "start": start.date if start else None,
                    "start_precision": start.precision if start else "day",
                    "end": end.date if end else None,
                    "end_precision": end.precision if end else "day",
                    "city": record["city"] or "",
                    "country": record["country"] or "",
                    "participants": record["participants"],
                    "participants_qualifier": record["participants_qualifier"],
                },
            )
            if created and record["topics"]:
                event.topics.set([topics[t] for t in record["topics"]])
            events[record["key"]] = event
    return events
