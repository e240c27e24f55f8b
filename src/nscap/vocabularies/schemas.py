"""API schemas of the controlled vocabularies: topics and target groups."""

from __future__ import annotations

from ninja import Field

from nscap.core.api_support import (
    CitationIndex,
    PageQuery,
    RecordSchema,
    Ref,
    record_fields,
    ref,
    related,
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
