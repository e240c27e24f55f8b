"""Search reads: hits, counts per type, facets and "did you mean", all for one viewer.

Every read starts from ``visible_entries(user)``: the index entries whose record
``Model.objects.visible_to(user)`` returns, tested per entry with a correlated ``EXISTS`` on
the record's primary key (the shape ``core.visibility`` explains). The index itself stores no
sensitivity, owner or link, so it cannot disagree with the one read filter; a hidden record is
never a hit, never counted in a type or a facet, and never offered as a suggestion.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from nscap.core.templatetags.nscap_ui import country_name
from nscap.search.choices import ResultType
from nscap.search.documents import DOCUMENTS, KIND_LABELS, fold
from nscap.search.matching import words_q
from nscap.search.models import SearchEntry
from nscap.vocabularies.models import Topic

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
FACET_VALUES = 12  # values shown per facet, most frequent first
TYPE_ORDER = {value: position for position, value in enumerate(ResultType.values)}


@dataclass(frozen=True)
class SearchFilters:
    """What a search is narrowed to; ``None`` is "any"."""

    type: str | None = None
    country: str | None = None
    kind: str | None = None
    topic: str | None = None  # a topic key
    year: int | None = None


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class Search:
    """One viewer's search: the folded words, and the querysets every figure is read from."""

    text: str
    words: list[str]
    filters: SearchFilters
    user: Any
    counts: dict[str, int] = field(default_factory=dict)
    tallies: dict[str, Counter] = field(default_factory=dict)
    topic_ids: Counter[int] = field(default_factory=Counter)  # hits per topic id
    base: QuerySet[SearchEntry] | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def visible_entries(user: Any) -> QuerySet[SearchEntry]:
    """The index entries of the records ``user`` may see (the one read filter, per type)."""
    condition = Q(pk__in=[])
    for result_type, document in DOCUMENTS.items():
        visible = document.model.objects.visible_to(user).filter(pk=OuterRef("object_id"))
        condition |= Q(record_type=result_type) & Q(Exists(visible))
    return SearchEntry.objects.filter(condition)


def query_words(text: str) -> list[str]:
    """The folded words of a query (NFKC, case, accents, width, punctuation folded)."""
    return fold((text or "")[:MAX_QUERY_LENGTH]).split()[:MAX_WORDS]


def start(text: str, user: Any, filters: SearchFilters | None = None) -> Search:
    """A search for ``text`` as ``user`` sees the registry, with its counts per type and the
    tallies its facets are read from.

    One pass over the visible hits (type, country, kind, year and topics of each) gives both:
    the counts per type before the type filter (the groups), and the facet tallies after it.
    A GROUP BY per facet would test visibility on every hit again (five times the work at
    100,000 events), and SQLite led some of them with a scan of the whole index instead of the
    text index's hits.
    """
    search = Search(
        text=text, words=query_words(text), filters=filters or SearchFilters(), user=user
    )
    if not search.words:
        return search
    wanted = search.filters.type
    counts: Counter[str] = Counter()
    tallies: dict[str, Counter] = {name: Counter() for name in ("country", "kind", "year")}
    topic_ids: Counter[int] = Counter()
    rows = (
        _filtered(search, with_type=False)
        .order_by()
        .values_list("pk", "record_type", "country", "kind", "year", "topics")
    )
    seen: set[int] = set()  # an entry with several topics comes once per topic
    for pk, result_type, country, kind, year, topic_id in rows.iterator(chunk_size=10_000):
        counted = wanted is None or result_type == wanted
        if counted and topic_id is not None:
            topic_ids[topic_id] += 1
        if pk in seen:
            continue
        seen.add(pk)
        counts[result_type] += 1
        if not counted:
            continue
        if country:
            tallies["country"][country] += 1
        if kind:
            tallies["kind"][kind] += 1
        if year is not None:
            tallies["year"][year] += 1
    search.counts = {t: counts[t] for t in ResultType.values if counts.get(t)}
    search.tallies = tallies
    search.topic_ids = topic_ids
    return search


def _filtered(search: Search, *, with_type: bool = True) -> QuerySet[SearchEntry]:
    """The visible hits after the filters (the type filter too unless ``with_type`` is off).

    The visibility condition is built once per search: resolving its ``EXISTS`` subqueries is
    most of the Python time of a narrow search.
    """
    if search.base is None:
        entries = visible_entries(search.user).filter(words_q(search.words))
        filters = search.filters
        if filters.country:
            entries = entries.filter(country=filters.country)
        if filters.kind:
            entries = entries.filter(kind=filters.kind)
        if filters.year:
            entries = entries.filter(year=filters.year)
        if filters.topic:
            topics = Topic.objects.visible_to(search.user).filter(key=filters.topic)
            entries = entries.filter(topics__in=topics)
        search.base = entries
    if with_type and search.filters.type:
        return search.base.filter(record_type=search.filters.type)
    return search.base


def ranked(search: Search, result_type: str | None = None) -> QuerySet[SearchEntry]:
    """The hits, best first: a name equal to the query, then a name starting with it, a word of
    a name starting with it, the query inside a name, the query as a phrase anywhere, and last
    the words scattered; then by type (grouped), title and key (a stable order for paging)."""
    entries = _filtered(search)
    if result_type:
        entries = entries.filter(record_type=result_type)
    phrase = " ".join(search.words)
    rank = Case(
        When(names__contains=f"|{phrase}|", then=Value(0)),
        When(names__contains=f"|{phrase}", then=Value(1)),
        When(names__contains=f" {phrase}", then=Value(2)),
        When(names__contains=phrase, then=Value(3)),
        When(text__contains=phrase, then=Value(4)),
        default=Value(5),
        output_field=IntegerField(),
    )
    type_order = Case(
        *(When(record_type=t, then=Value(n)) for t, n in TYPE_ORDER.items()),
        output_field=IntegerField(),
    )
    return entries.annotate(rank=rank, type_order=type_order).order_by(
        "rank", "type_order", "title", "key"
    )


def facets(search: Search) -> dict[str, list[FacetValue]]:
    """Counts of the hits (after the filters) by country, kind, topic and year: the most
    frequent values first (years: the latest first), at most ``FACET_VALUES`` of each."""
    if not search.words:
        return {}
    tallies = search.tallies
    countries = sorted(tallies["country"].items(), key=lambda item: (-item[1], item[0]))
    kinds = sorted(tallies["kind"].items(), key=lambda item: (-item[1], item[0]))
    years = sorted(tallies["year"].items(), reverse=True)
    per_topic = search.topic_ids
    visible_topics = Topic.objects.visible_to(search.user).filter(pk__in=list(per_topic))
    topics = sorted(
        ((topic.key, topic.name, per_topic[topic.pk]) for topic in visible_topics),
        key=lambda item: (-item[2], item[1]),
    )[:FACET_VALUES]
    return {
        "country": [
            FacetValue(code, country_name(code), n) for code, n in countries[:FACET_VALUES]
        ],
        "kind": [
            FacetValue(kind, str(KIND_LABELS.get(kind, kind)), n)
            for kind, n in kinds[:FACET_VALUES]
        ],
        "topic": [FacetValue(key, name, n) for key, name, n in topics],
        "year": [FacetValue(str(year), str(year), n) for year, n in years[:FACET_VALUES]],
    }


def hit(entry: SearchEntry) -> dict[str, Any]:
    """One hit as pages and the API show it."""
    return {
        "type": entry.record_type,
        "key": entry.key,
        "title": entry.title,
        "url": DOCUMENTS[entry.record_type].url(entry.key),
        "country": entry.country,
        "country_name": country_name(entry.country) if entry.country else "",
        "kind": entry.kind,
        "kind_name": str(KIND_LABELS.get(entry.kind, "")) if entry.kind else "",
        "year": entry.year,
    }


def type_label(result_type: str) -> str:
    return str(ResultType(result_type).label)
