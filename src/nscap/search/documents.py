"""What each searchable record contributes to the index: its names, its words and its facets.

One ``Document`` per record type says which model it reads, how to load a batch of records
(with what they nest) and how one record becomes an entry. ``search.services`` writes entries
from these; nothing here decides who may see a record (``search.selectors`` does, through
``visible_to``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Prefetch
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
    """How records of one type are indexed and linked to."""

    result_type: str
    model: type[models.Model]
    load: Callable[[models.QuerySet], models.QuerySet]
    build: Callable[[models.Model], EntryData]
    url_name: str

    def url(self, key: str) -> str:
        return reverse(self.url_name, kwargs={"key": key})


def _year(value: dt.date | None) -> int | None:
    return value.year if value else None


def _country_words(code: str) -> list[str]:
    """The country's English name, so "japan" finds what is in Japan."""
    if not code:
        return []
    with translation.override("en"):
        return [country_name(code)]


def _topic_ids(obj: models.Model) -> list[int]:
    return [topic.pk for topic in obj.topics.all()]


def _institution(institution: Institution) -> EntryData:
    labels = [label.text for label in institution.search_labels]
    return EntryData(
        key=institution.key,
        object_id=institution.pk,
        title=institution.name,
        names=[institution.name, *labels],
        words=[institution.description, *_country_words(institution.country)],
        country=institution.country,
        kind=institution.kind,
        # No topics: they live on the center profile, a record with its own sensitivity, and
        # a facet count must not tell what a hidden profile says.
    )


def _course(course: Course) -> EntryData:
    return EntryData(
        key=course.key,
        object_id=course.pk,
        title=course.title,
        names=[course.title],
        words=[course.description, course.target_groups_text, course.guidance],
        country=course.provider.country,
        kind=course.kind,
        year=_year(course.first_offered),
        topic_ids=_topic_ids(course),
    )


def _event(event: TrainingEvent) -> EntryData:
    return EntryData(
        key=event.key,
        object_id=event.pk,
        title=event.title,
        names=[event.title],
        words=[event.city, event.host_text, *_country_words(event.country)],
        country=event.country,
        kind=event.course.kind if event.course_id else "",
        year=_year(event.start),
        topic_ids=_topic_ids(event),
    )


def _source(source: Source) -> EntryData:
    return EntryData(
        key=source.key,
        object_id=source.pk,
        title=source.title,
        names=[source.title],
        words=[source.authors, source.publisher],
        kind=source.kind,
        year=_year(source.published),
    )


def _network(network: Network) -> EntryData:
    return EntryData(
        key=network.key,
        object_id=network.pk,
        title=str(network.name),
        names=[network.name, network.acronym],
        words=[network.description],
        year=_year(network.established),
    )


DOCUMENTS: dict[str, Document] = {
    ResultType.INSTITUTION: Document(
        ResultType.INSTITUTION,
        Institution,
        lambda records: records.prefetch_related(
            Prefetch(
                "labels",
                queryset=Label.objects.exclude(kind=LabelKind.LEARNED),
                to_attr="search_labels",
            )
        ),
        _institution,
        "institutions:detail",
    ),
    ResultType.COURSE: Document(
        ResultType.COURSE,
        Course,
        lambda records: records.select_related("provider").prefetch_related("topics"),
        _course,
        "activities:course",
    ),
    ResultType.EVENT: Document(
        ResultType.EVENT,
        TrainingEvent,
        lambda records: records.select_related("course").prefetch_related("topics"),
        _event,
        "activities:event",
    ),
    ResultType.NETWORK: Document(
        ResultType.NETWORK, Network, lambda records: records, _network, "networks:detail"
    ),
    ResultType.SOURCE: Document(
        ResultType.SOURCE, Source, lambda records: records, _source, "sources:detail"
    ),
}

# The changeset services' record type names -> the result type they are indexed as.
RECORD_TYPE_RESULTS: dict[str, str] = {
    "institution": ResultType.INSTITUTION,
    "course": ResultType.COURSE,
    "training_event": ResultType.EVENT,
    "source": ResultType.SOURCE,
}


def entries(result_type: str, records: Iterable[models.Model]) -> Iterable[EntryData]:
    """The entry data of ``records`` (already loaded with ``Document.load``)."""
    build = DOCUMENTS[result_type].build
    return (build(record) for record in records)
