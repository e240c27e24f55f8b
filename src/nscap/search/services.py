"""Writes of the search index: after every applied changeset, and a rebuild after bulk loads.

``reindex_applied`` is registered with the changeset services (``contributions.hooks``), so an
edit, an import, a merge or a revert leaves the index as the records are, in the same
transaction. Loaders that write without changesets (the brief, the synthetic demo, the
benchmark's generator) call ``rebuild_index`` when they finish; so does ``nscap search_index``.
The index holds no visibility of its own: entries are joined back to ``visible_to`` on read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import transaction

from nscap.activities.models import Course
from nscap.search.documents import DOCUMENTS, RECORD_TYPE_RESULTS, EntryData
from nscap.search.models import SearchEntry

BATCH = 2_000  # records read and entries written at a time
_Topics = SearchEntry.topics.through


def reindex_applied(touched: Sequence[tuple[str, str]]) -> None:
    """Refresh the entries of the records a changeset created, changed or deleted.

    A changed institution also refreshes its courses (their country facet is the provider's).
    """
    keys: dict[str, set[str]] = defaultdict(set)
    for record_type, key in touched:
        result_type = RECORD_TYPE_RESULTS.get(record_type)
        if result_type:
            keys[result_type].add(key)
    if institutions := keys.get("institution"):
        provided = Course.objects.filter(provider__key__in=institutions).values_list(
            "key", flat=True
        )
        keys["course"].update(provided)
    for result_type, type_keys in keys.items():
        reindex(result_type, type_keys)


def reindex(result_type: str, keys: Iterable[str]) -> int:
    """Rewrite the entries of the records of ``result_type`` with ``keys``; a key whose record
    is gone loses its entry. Returns the number of entries written."""
    keys = list(keys)
    document = DOCUMENTS[result_type]
    written = 0
    with transaction.atomic():
        for start in range(0, len(keys), BATCH):
            chunk = keys[start : start + BATCH]
            _delete(SearchEntry.objects.filter(record_type=result_type, key__in=chunk))
            pks = list(document.model.objects.filter(key__in=chunk).values_list("pk", flat=True))
            written += _write_batch(result_type, document.batch(pks))
    return written


def rebuild_index(result_types: Iterable[str] | None = None) -> dict[str, int]:
    """Empty and rebuild the index (or the part of it for ``result_types``) from the records;
    the number of entries written per type."""
    counts: dict[str, int] = {}
    for result_type in result_types or DOCUMENTS:
        document = DOCUMENTS[result_type]
        with transaction.atomic():
            _delete(SearchEntry.objects.filter(record_type=result_type))
            pks = list(document.model.objects.order_by("pk").values_list("pk", flat=True))
            counts[result_type] = sum(
                _write_batch(result_type, document.batch(pks[start : start + BATCH]))
                for start in range(0, len(pks), BATCH)
            )
    return counts


def _delete(entries) -> None:
    """Delete entries and their topic rows without loading them (a rebuild deletes 1M).

    ``QuerySet.delete()`` loads every entry first because entries have a many-to-many
    relation; their topic rows are deleted first, so the plain DELETE leaves nothing behind."""
    _Topics.objects.filter(searchentry__in=entries.values("pk")).delete()
    entries._raw_delete(entries.db)


def _write_batch(result_type: str, batch: list[EntryData]) -> int:
    rows = SearchEntry.objects.bulk_create(
        [
            SearchEntry(
                record_type=result_type,
                object_id=item.object_id,
                key=item.key,
                title=item.title[:500],
                names=item.folded_names(),
                text=item.folded_text(),
                country=item.country or "",
                kind=item.kind or "",
                year=item.year,
            )
            for item in batch
        ]
    )
    _Topics.objects.bulk_create(
        [
            _Topics(searchentry_id=row.pk, topic_id=topic_id)
            for row, item in zip(rows, batch, strict=True)
            for topic_id in dict.fromkeys(item.topic_ids)
        ],
        batch_size=BATCH,
    )
    return len(rows)
