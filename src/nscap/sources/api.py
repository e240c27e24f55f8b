"""Read API of sources and of citations (which record cites which source, where)."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router

from nscap.core.api_support import (
    RECORD_TYPES,
    CitationIndex,
    CitationSchema,
    by_key,
    check_query,
    citation_item,
    detail_responses,
    get_visible_or_404,
    list_responses,
    paginate,
    record_model,
    visible,
)
from nscap.sources.models import Citation, Source
from nscap.sources.schemas import (
    CitationQuery,
    SourceDetailSchema,
    SourceQuery,
    SourceSchema,
    source_item,
)
from nscap.sources.selectors import visible_citations

router = Router(tags=["sources"])


@router.get("/sources", response=list_responses(SourceSchema))
def list_sources(request: HttpRequest, query: Query[SourceQuery]):
    """Sources by key. Filters: kind, q."""
    check_query(request, SourceQuery)
    user = request.user
    sources = visible(Source, user).order_by("key")
    if query.kind:
        sources = sources.filter(kind=query.kind.value)
    if query.q and query.q.strip():
        text = query.q.strip()
        sources = sources.filter(
            Q(title__icontains=text) | Q(authors__icontains=text) | Q(publisher__icontains=text)
        )

    def serialize(objects: list[Source]) -> list[dict]:
        citations = CitationIndex(user, objects)
        return [source_item(obj, citations) for obj in objects]

    return paginate(request, query, sources, serialize)


@router.get("/sources/{key}", response=detail_responses(SourceDetailSchema))
def get_source(request: HttpRequest, key: str):
    """One source, with the number of visible citations of it."""
    user = request.user
    source = get_visible_or_404(request, visible(Source, user), key, _("source"))
    item = source_item(source, CitationIndex(user, [source]))
    item["cited_count"] = visible_citations(user).filter(source=source).count()
    return item


def _record_keys(citations: list[Citation]) -> dict[tuple[int, int], tuple[str, str]]:
    """(record type, record key) of each citation's record, one query per record type.

    Rows that belong to a record (a label, an event partner) answer with their owner's key.
    """
    wanted: dict[int, set[int]] = defaultdict(set)
    for citation in citations:
        wanted[citation.content_type_id].add(citation.object_id)
    found: dict[tuple[int, int], tuple[str, str]] = {}
    for record_type in RECORD_TYPES:
        model = record_model(record_type)
        content_type = ContentType.objects.get_for_model(model)
        if content_type.pk not in wanted:
            continue
        owner = getattr(model, "visibility_owner", None)
        key_path = f"{owner}__key" if owner else "key"
        rows = model.objects.filter(pk__in=wanted[content_type.pk]).values_list("pk", key_path)
        for pk, key in rows:
            found[(content_type.pk, pk)] = (record_type, key)
    return found


@router.get("/citations", response=list_responses(CitationSchema))
def list_citations(request: HttpRequest, query: Query[CitationQuery]):
    """Citations by source, footnote and id. Filters: source, record_type, record, footnote.

    Only citations of a visible source by a visible record are listed.
    """
    check_query(request, CitationQuery)
    user = request.user
    citations = (
        visible_citations(user)
        .select_related("source")
        .order_by("source__key", F("footnote").asc(nulls_last=True), "pk")
    )
    if query.source:
        citations = citations.filter(source__in=by_key(Source, user, query.source))
    if query.record_type:
        model = record_model(query.record_type.value)
        citations = citations.filter(content_type=ContentType.objects.get_for_model(model))
    if query.record:
        keyed = Q(pk__in=[])
        types = [query.record_type.value] if query.record_type else list(RECORD_TYPES)
        for record_type in types:
            if hasattr(record_model(record_type), "visibility_owner"):
                continue
            model = record_model(record_type)
            keyed |= Q(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=model.objects.filter(key=query.record).values("pk"),
            )
        citations = citations.filter(keyed)
    if query.footnote is not None:
        citations = citations.filter(footnote=query.footnote)

    def serialize(objects: list[Citation]) -> list[dict]:
        keys = _record_keys(objects)
        return [
            citation_item(c, *keys[(c.content_type_id, c.object_id)])
            for c in objects
            if (c.content_type_id, c.object_id) in keys
        ]

    return paginate(request, query, citations, serialize)
