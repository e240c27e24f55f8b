"""Schemas of the write API: what a write answers, changesets with their diff, and the request
bodies (each record type's input schema, from ``contributions.inputs``, as OpenAPI components).
"""

from __future__ import annotations

import copy
import datetime as dt
import enum
from typing import Any

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict

from nscap.contributions.choices import ChangesetStatus
from nscap.contributions.record_types import RECORD_TYPES
from nscap.core.api_support import PageQuery, enum_of

ChangesetStatusEnum: type[enum.Enum] = enum_of("ChangesetStatus", ChangesetStatus)

# The read API's list path of each writable record type; writes use the same paths.
WRITE_PATHS: dict[str, str] = {
    "institution": "institutions",
    "milestone": "milestones",
    "course": "courses",
    "training_event": "events",
    "collaboration_claim": "collaboration-claims",
    "aggregate_claim": "aggregate-claims",
    "source": "sources",
    "needs_assessment": "needs-assessments",
    "needs_figure": "needs-figures",
    "topic": "topics",
    "target_group": "target-groups",
}


class FieldErrorSchema(Schema):
    """One problem with a request: the field (dotted path, null for the whole body), the
    message, and the index of the change it belongs to (0 for a single-record write)."""

    field: str | None
    message: str
    change: int | None = None


class FieldErrorsSchema(Schema):
    """A 422: every problem found at once."""

    detail: list[FieldErrorSchema]


class MessageSchema(Schema):
    """A refusal (401, 403, 404, 409, 412): ``detail`` says why, in plain words."""

    detail: str


class ChangesetSummarySchema(Schema):
    """A changeset: who proposed what, its state, and the review comment the author sees."""

    id: int
    status: str = Field(description="pending, needs_more, applied, rejected or withdrawn")
    origin: str = Field(description="web, api or import")
    url: str = Field(description="This changeset in the API.")
    author: str
    comment: str
    review_comment: str
    created_at: dt.datetime
    reviewed_at: dt.datetime | None


class FieldDiffSchema(Schema):
    """One field whose value the change sets: before (null on create) and after."""

    field: str
    before: Any = None
    after: Any = None


class ChangeSchema(Schema):
    """One proposed create, update or delete, with the version it was based on."""

    position: int
    action: str
    record_type: str
    record_key: str
    base_version: int | None
    data: dict[str, Any]
    before: dict[str, Any]
    diff: list[FieldDiffSchema]
    withheld: bool = Field(
        False,
        description="True when ``before`` or ``data`` is a version you may not see (its "
        "sensitivity then): its values are left out. Links to records you may not see are "
        "always null or left out of lists.",
    )


class ChangesetDetailSchema(ChangesetSummarySchema):
    """A changeset with its changes (and a per-field diff of each) and cited sources."""

    changes: list[ChangeSchema]
    sources: list[str]


class WriteResultSchema(Schema):
    """A write that was applied at once: the record as it is now (``values`` in the shape of
    the record type's input schema), its new version, and the changeset that applied it."""

    record_type: str
    key: str
    version: int | None = Field(description="The record's version now; null once deleted.")
    url: str | None = Field(description="The record in the read API; null once deleted.")
    deleted: bool
    values: dict[str, Any]
    changeset: ChangesetSummarySchema


class ChangesetQuery(PageQuery):
    """Filters of the changeset list."""

    status: ChangesetStatusEnum | None = Field(None, description="Only changesets in this state.")


class ReviewInput(BaseModel):
    """The body of approve / reject / ask-for-more: a comment the author sees."""

    model_config = ConfigDict(extra="forbid")

    comment: str = Field("", max_length=5000)


# --- request bodies as OpenAPI components ----------------------------------------------------

REF_TEMPLATE = "#/components/schemas/{model}"


def _schema_of(model: type[BaseModel]) -> tuple[dict, dict]:
    schema = model.model_json_schema(ref_template=REF_TEMPLATE)
    defs = schema.pop("$defs", {})
    return schema, defs


def input_components() -> dict[str, dict]:
    """Every record type's input schema (``<Name>``) and its PATCH form (``<Name>Patch``: the
    same fields, none required), plus the nested schemas they refer to."""
    components: dict[str, dict] = {}
    for rt in RECORD_TYPES.values():
        schema, defs = _schema_of(rt.schema)
        components.update(defs)
        components[rt.schema.__name__] = schema
        patch = copy.deepcopy(schema)
        patch.pop("required", None)
        patch["title"] = f"{schema.get('title', rt.schema.__name__)} (partial)"
        patch["description"] = "Only the fields to change; the others keep their values."
        components[f"{rt.schema.__name__}Patch"] = patch
    review, defs = _schema_of(ReviewInput)
    components.update(defs)
    components["ReviewInput"] = review
    return components


def request_body(component: str, required: bool = True) -> dict:
    """``openapi_extra`` documenting a JSON request body by component name."""
    return {
        "requestBody": {
            "required": required,
            "content": {
                "application/json": {"schema": {"$ref": REF_TEMPLATE.format(model=component)}}
            },
        }
    }
