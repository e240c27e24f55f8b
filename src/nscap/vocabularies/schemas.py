"""API schemas of the controlled vocabularies: topics and target groups."""

from __future__ import annotations

from ninja import Field

from nscap.core.api_support import (
    CitationIndex,
    OutSchema,
    PageQuery,
    RecordSchema,
    Ref,
    record_fields,
    ref,
    related,
)


class InferredLabelSchema(OutSchema):
    """A topic or target group that nscap read into the source's words, not one they state
    (``vocabularies.inferred``; docs/data-formats.md, "Stated and inferred labels")."""

    field: str = Field(description="topics or target_groups.")
    key: str = Field(description="The label's key (it is also in the record's list).")
    evidence: str = Field(description="The source's words the label was read from, verbatim.")
    matched: str = Field(
        description="The vocabulary alias found in them, or empty when a person read it."
    )


class TopicSchema(RecordSchema):
    """A subject of training, mapped to IAEA Nuclear Security Series publications."""

    name: str
    name_zh: str
    description: str
    nss_references: list[str]
    aliases: list[str]
    parent: Ref | None


class TargetGroupSchema(RecordSchema):
    """Who a course is for: regulators, operators, police, customs, ..."""

    name: str
    name_zh: str
    description: str
    aliases: list[str]


class TopicQuery(PageQuery):
    parent: str | None = Field(None, description="Key of the broader topic.")
    q: str | None = Field(None, description="Text in the name (English or Chinese).")


class TargetGroupQuery(PageQuery):
    q: str | None = Field(None, description="Text in the name (English or Chinese).")


def topic_item(topic, citations: CitationIndex) -> dict:
    return {
        **record_fields(topic, citations),
        "name": topic.name,
        "name_zh": topic.name_zh,
        "description": topic.description,
        "nss_references": [str(r) for r in topic.nss_references or []],
        "aliases": [str(a) for a in topic.aliases or []],
        "parent": ref(related(topic, "parent")),
    }


def target_group_item(group, citations: CitationIndex) -> dict:
    return {
        **record_fields(group, citations),
        "name": group.name,
        "name_zh": group.name_zh,
        "description": group.description,
        "aliases": [str(a) for a in group.aliases or []],
    }
