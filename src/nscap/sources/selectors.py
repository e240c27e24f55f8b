"""Reads of sources for the web UI: what cites a source, grouped by record type."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

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


class CitationIndex:
    """The visible citations of a set of records, looked up per record."""

    def __init__(self, citations: Iterable[Citation]):
        self._by_record: dict[tuple[int, int], list[Citation]] = defaultdict(list)
        for citation in citations:
            self._by_record[(citation.content_type_id, citation.object_id)].append(citation)

    def for_record(self, record: Model) -> list[Citation]:
        content_type = ContentType.objects.get_for_model(record)
        return self._by_record.get((content_type.pk, record.pk), [])

    def __bool__(self) -> bool:
        return bool(self._by_record)


def citations_for(records: Iterable[Model], user: Any) -> CitationIndex:
    """Citations of ``records`` whose source ``user`` may see, ordered by source and footnote."""
    by_type: dict[int, set[int]] = defaultdict(set)
    for record in records:
        by_type[ContentType.objects.get_for_model(record).pk].add(record.pk)
    if not by_type:
        return CitationIndex([])
    return CitationIndex(citations_of(by_type, user).select_related("source"))


def citations_of(by_type: dict[int, Iterable[int]], user: Any) -> QuerySet[Citation]:
    """Citations of the records ``{content type id: ids}`` whose source ``user`` may see,
    ordered by source and footnote (the API reads the same query, ``api_support``)."""
    condition = Q()
    for content_type_id, ids in by_type.items():
        condition |= Q(content_type_id=content_type_id, object_id__in=ids)
    return (
        Citation.objects.filter(condition)
        .filter(source__in=Source.objects.visible_to(user))
        .order_by("source__title", "footnote", "id")
    )


def visible_citations(user: Any) -> QuerySet[Citation]:
    """Citations the viewer may see: a visible source cited by a visible record."""
    return Citation.objects.visible_to(user)
