"""What each searchable record contributes to the index: its names, its words and its facets.

One ``Document`` per record type says which model it reads, how to load a batch of records
(with what they nest) and how one record becomes an entry. ``search.services`` writes entries
from these; nothing here decides who may see a record (``search.selectors`` does, through
``visible_to``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import translation

from nscap.activities.choices import CourseKind
from nscap.activities.models import Course, TrainingEvent
from nscap.core.templatetags.nscap_ui import country_name
from nscap.institutions.choices import InstitutionKind, LabelKind
from nscap.institutions.models import Institution, Label
from nscap.institutions.normalize import normalize_label
from nscap.networks.models import Network
from nscap.search.choices import ResultType
from nscap.sources.choices import SourceKind
from nscap.sources.models import Source

# The readable name of every ``kind`` an entry can carry (no two vocabularies share a value).
KIND_LABELS: dict[str, str] = {
    **dict(InstitutionKind.choices),
    **dict(CourseKind.choices),
    **dict(SourceKind.choices),
}


def fold(text: str) -> str:
    """The form both the index and a query are compared in: NFKC (full-width ``ＩＮＳＡ`` is
    ``insa``), case folded, Latin accents stripped (``Việt`` is ``viet``), punctuation as
    spaces, British spellings folded (``centre`` is ``center``). The same folding as label
    resolution (``institutions.normalize``), so search and imports agree on what a name is."""
    return normalize_label(text)


@dataclass
class EntryData:
    """The fields of one ``SearchEntry`` before it is written."""

    key: str
    object_id: int
    title: str
    names: list[str]
    words: list[str]
    country: str = ""
    kind: str = ""
    year: int | None = None
    topic_ids: list[int] = field(default_factory=list)

    def folded_names(self) -> str:
        folded = dict.fromkeys(name for name in (fold(n) for n in self.names) if name)
        return "|" + "|".join(folded) + "|"

    def folded_text(self) -> str:
        folded = dict.fromkeys(w for w in (fold(t) for t in (*self.names, *self.words)) if w)
        return " | ".join(folded)


@dataclass(frozen=True)
class Document:
    """How records of one type are indexed and linked to: ``batch(pks)`` reads the records with
    those ids (plain values, not model instances: 1M events are indexed in minutes, not an
    hour) and returns their entry data."""

    result_type: str
    model: type[models.Model]
    batch: Callable[[list[int]], list[EntryData]]
    url_name: str

    def url(self, key: str) -> str:
        return reverse(self.url_name, kwargs={"key": key})


def _year(value: dt.date | None) -> int | None:
    return value.year if value else None


@lru_cache(maxsize=512)
def _country_words(code: str) -> tuple[str, ...]:
    """The country's English name, so "japan" finds what is in Japan."""
    if not code:
        return ()
    with translation.override("en"):
        return (str(country_name(code)),)


def _grouped(pairs: Iterable[tuple[int, Any]]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for owner_id, value in pairs:
        grouped[owner_id].append(value)
    return grouped


def _topics(model: type[models.Model], pks: list[int]) -> dict[int, list[int]]:
    """Topic ids of the records ``pks`` of ``model`` (courses, events)."""
    through = model.topics.through
    column = f"{model._meta.model_name}_id"
    return _grouped(
        through.objects.filter(**{f"{column}__in": pks}).values_list(column, "topic_id")
    )


def _institutions(pks: list[int]) -> list[EntryData]:
    labels = _grouped(
        Label.objects.filter(institution_id__in=pks)
        .exclude(kind=LabelKind.LEARNED)
        .values_list("institution_id", "text")
    )
    rows = Institution.objects.filter(pk__in=pks).values_list(
        "pk", "key", "name", "description", "country", "kind"
    )
    # No topics: they live on the center profile, a record with its own sensitivity, and a
    # facet count must not tell what a hidden profile says.
    return [
        EntryData(
            key=key,
            object_id=pk,
            title=name,
            names=[name, *labels.get(pk, [])],
            words=[description, *_country_words(country)],
            country=country,
            kind=kind,
        )
        for pk, key, name, description, country, kind in rows
    ]


def _courses(pks: list[int]) -> list[EntryData]:
    topics = _topics(Course, pks)
    rows = Course.objects.filter(pk__in=pks).values_list(
        "pk", "key", "title", "description", "target_groups_text", "guidance", "kind",
        "first_offered", "provider__country",
    )  # fmt: skip
    return [
        EntryData(
            key=key,
            object_id=pk,
            title=title,
            names=[title],
            words=[description, groups, guidance],
            country=country,  # the provider's
            kind=kind,
            year=_year(first_offered),
            topic_ids=topics.get(pk, []),
        )
        for pk, key, title, description, groups, guidance, kind, first_offered, country in rows
    ]


def _events(pks: list[int]) -> list[EntryData]:
    topics = _topics(TrainingEvent, pks)
    rows = TrainingEvent.objects.filter(pk__in=pks).values_list(
        "pk", "key", "title", "city", "host_text", "country", "start"
    )
    return [
        EntryData(
            key=key,
            object_id=pk,
            title=title,
            names=[title],
            words=[city, host_text, *_country_words(country)],
            country=country,
            # No kind: an event's course may be hidden while the event is shown, and the
            # course's kind must not show through a facet.
            year=_year(start),
            topic_ids=topics.get(pk, []),
        )
        for pk, key, title, city, host_text, country, start in rows
    ]


def _sources(pks: list[int]) -> list[EntryData]:
    rows = Source.objects.filter(pk__in=pks).values_list(
        "pk", "key", "title", "authors", "publisher", "kind", "published"
    )
    return [
        EntryData(
            key=key,
            object_id=pk,
            title=title,
            names=[title],
            words=[authors, publisher],
            kind=kind,
            year=_year(published),
        )
        for pk, key, title, authors, publisher, kind, published in rows
    ]


def _networks(pks: list[int]) -> list[EntryData]:
    rows = Network.objects.filter(pk__in=pks).values_list(
        "pk", "key", "name", "acronym", "description", "established"
    )
    return [
        EntryData(
            key=key,
            object_id=pk,
            title=name,
            names=[name, acronym],
            words=[description],
            year=_year(established),
        )
        for pk, key, name, acronym, description, established in rows
    ]


DOCUMENTS: dict[str, Document] = {
    ResultType.INSTITUTION: Document(
        ResultType.INSTITUTION, Institution, _institutions, "institutions:detail"
    ),
    ResultType.COURSE: Document(ResultType.COURSE, Course, _courses, "activities:course"),
    ResultType.EVENT: Document(ResultType.EVENT, TrainingEvent, _events, "activities:event"),
    ResultType.NETWORK: Document(ResultType.NETWORK, Network, _networks, "networks:detail"),
    ResultType.SOURCE: Document(ResultType.SOURCE, Source, _sources, "sources:detail"),
}

# The changeset services' record type names -> the result type they are indexed as.
RECORD_TYPE_RESULTS: dict[str, str] = {
    "institution": ResultType.INSTITUTION,
    "course": ResultType.COURSE,
    "training_event": ResultType.EVENT,
    "source": ResultType.SOURCE,
}
