"""API schemas of sources and citations."""

from __future__ import annotations

from ninja import Field

from nscap.core.api_support import (
    POSITIVE_INTEGER_MAX,
    CitationIndex,
    PageQuery,
    RecordSchema,
    RecordType,
    enum_of,
    partial,
    record_fields,
)
from nscap.sources.choices import SourceKind

SourceKindValue = enum_of("SourceKindValue", SourceKind)


class SourceSchema(RecordSchema):
    """A document that states facts: a policy brief, a report, a web page, a submission."""

    title: str
    kind: str
    authors: str
    publisher: str
    published: str | None
    published_precision: str | None
    url: str
    language: str


class SourceDetailSchema(SourceSchema):
    """A source with how many visible citations rely on it (listed at /api/citations)."""

    cited_count: int


class SourceQuery(PageQuery):
    kind: SourceKindValue | None = None
    q: str | None = Field(None, description="Text in the title, authors or publisher.")


class CitationQuery(PageQuery):
    source: str | None = Field(None, description="Source key.")
    record_type: RecordType | None = Field(None, description="Type of the citing record.")
    record: str | None = Field(None, description="Key of the citing record.")
    footnote: int | None = Field(
        None, ge=0, le=POSITIVE_INTEGER_MAX, description="The source's own note number."
    )


def source_item(source, citations: CitationIndex) -> dict:
    return {
        **record_fields(source, citations),
        "title": source.title,
        "kind": source.kind,
        "authors": source.authors,
        "publisher": source.publisher,
        **partial(source, "published"),
        "url": source.url,
        "language": source.language,
    }
