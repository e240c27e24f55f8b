"""Reads of sources for the web UI: what cites a source, grouped by record type."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType

from nscap.core.selectors import record_url
from nscap.core.visibility import RecordQuerySet
from nscap.sources.models import Citation, Source


@dataclass(frozen=True)
class CitingRecord:
    """A record that cites the source, where the UI shows it, and its citations of it."""

    record: Any
    url: str | None
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class CitingGroup:
    """All visible records of one type that cite the source."""

    label: str
    records: tuple[CitingRecord, ...]


def records_citing(source: Source, user: Any) -> list[CitingGroup]:
    """Every record ``user`` may see that cites ``source``, grouped by type, sorted by name.

    A citation of a hidden record, or of a model without a visibility filter, is left out.
    """
    by_type: dict[int, dict[int, list[Citation]]] = defaultdict(lambda: defaultdict(list))
    for citation in Citation.objects.filter(source=source).order_by("footnote", "id"):
        by_type[citation.content_type_id][citation.object_id].append(citation)
    groups = []
    for content_type_id, by_id in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None or not isinstance(model._default_manager.all(), RecordQuerySet):
            continue
        records = model.objects.visible_to(user).filter(pk__in=list(by_id))
        rows = sorted(
            (CitingRecord(r, record_url(r), tuple(by_id[r.pk])) for r in records),
            key=lambda row: str(row.record),
        )
        if rows:
            groups.append(
                CitingGroup(str(model._meta.verbose_name_plural).capitalize(), tuple(rows))
            )
    return sorted(groups, key=lambda g: g.label)
