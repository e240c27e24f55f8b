"""Query and response schemas of ``GET /api/search``."""

from __future__ import annotations

import re
from typing import Annotated

from ninja import Field
from pydantic import AfterValidator, create_model

from nscap.core.api_support import CountryCode, OutSchema, PageQuery, Year, enum_of, page_schema
from nscap.search.choices import ResultType
from nscap.search.selectors import MAX_QUERY_LENGTH


def _slug(text: str) -> str:
    """Kinds and keys are slugs; anything else (a NUL byte) is a 400, not a database error."""
    if not re.fullmatch(r"[-a-zA-Z0-9_]{1,120}", text):
        raise ValueError(f"{text!r} is not a kind or a key (1-120 letters, digits, - and _)")
    return text


Slug = Annotated[str, AfterValidator(_slug)]
SearchResultType = enum_of("SearchResultType", ResultType)


class SearchQuery(PageQuery):
    q: str = Field(
        ...,
        min_length=1,
        max_length=MAX_QUERY_LENGTH,
        description="Words, prefixes or a name in any script; case, accents and width folded.",
    )
    type: SearchResultType | None = Field(None, description="Only hits of this type.")
    country: CountryCode | None = Field(None, description="ISO 3166-1 alpha-2 country code.")
    kind: Slug | None = Field(None, description="Institution, course or source kind.")
    topic: Slug | None = Field(None, description="Topic key.")
    year: Year | None = Field(
        None,
        description="Year of an event's start, a course's first "
        "offering, a source's publication or a network's founding.",
    )


class SearchHitSchema(OutSchema):
    """One record that matches: its type, key, title and facets, with its page's URL."""

    type: SearchResultType
    key: str
    title: str
    url: str = Field(description="The record's page (relative URL).")
    country: str = Field(description="ISO 3166-1 alpha-2, or empty.")
    country_name: str
    kind: str
    kind_name: str
    year: int | None


class SearchFacetValueSchema(OutSchema):
    """One value of a facet and how many hits have it."""

    value: str
    label: str
    count: int


class SearchFacetsSchema(OutSchema):
    """Hit counts by country, kind, topic and year (most frequent first, at most 12 each)."""

    country: list[SearchFacetValueSchema] = []
    kind: list[SearchFacetValueSchema] = []
    topic: list[SearchFacetValueSchema] = []
    year: list[SearchFacetValueSchema] = []


_SearchHitPage = page_schema(SearchHitSchema)

SearchPageSchema = create_model(
    "SearchPageSchema",
    __base__=_SearchHitPage,
    __doc__="A page of hits across types, with counts per type, facets and suggestions.",
    q=(str, Field(description="The query as sent.")),
    counts=(
        dict[str, int],
        Field(description="Hits per type (before the type filter): the groups and their sizes."),
    ),
    facets=(SearchFacetsSchema, ...),
    suggestions=(
        list[str],
        Field(description="'Did you mean' queries when nothing is found; otherwise empty."),
    ),
)
