"""``GET /api/search``: the search page's hits, counts per type and facets, a page at a time."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from nscap.core.api_support import ErrorSchema, QueryErrorSchema, paginate_with
from nscap.search.schemas import SearchPageSchema, SearchQuery
from nscap.search.selectors import SearchFilters, facets, hit, ranked, start
from nscap.search.suggestions import did_you_mean

router = Router(tags=["search"])


@router.get(
    "/search",
    response={200: SearchPageSchema, 400: QueryErrorSchema, 401: ErrorSchema},
)
def search(request: HttpRequest, query: Query[SearchQuery]):
    """Records of every type that match ``q``, best first (a name equal to the query, then one
    starting with it, …), only those the caller may see; filters: type, country, kind, topic,
    year."""
    filters = SearchFilters(
        type=query.type.value if query.type else None,
        country=query.country,
        kind=query.kind,
        topic=query.topic,
        year=query.year,
    )
    found = start(query.q, request.user, filters)
    if found.words:
        entries = ranked(found)
        total = found.counts.get(filters.type, 0) if filters.type else found.total
        page = paginate_with(
            request,
            query,
            lambda limit, offset: list(entries[offset : offset + limit]),
            lambda: total,
            lambda objects: [hit(entry) for entry in objects],
        )
        facet_values = {
            name: [value.__dict__ for value in values] for name, values in facets(found).items()
        }
    else:
        page = paginate_with(request, query, lambda limit, offset: [], lambda: 0, list)
        facet_values = {}
    return {
        **page,
        "q": query.q,
        "counts": found.counts,
        "facets": facet_values,
        "suggestions": [] if found.total else did_you_mean(query.q, request.user),
    }
