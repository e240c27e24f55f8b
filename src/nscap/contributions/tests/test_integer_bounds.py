"""Integers out of their column's range are a field error on every write path and never queued
(issue 12, finding 13), plus the guard: every integer field of every record schema is bounded by
its database column, so a new unbounded one fails here."""

from __future__ import annotations

import types
import typing

import pytest
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.test import Client
from pydantic import BaseModel

from nscap.accounts.tokens import create_token
from nscap.activities.models import TrainingEvent
from nscap.contributions.models import Changeset
from nscap.contributions.record_types import RECORD_TYPES
from nscap.interchange.importer import run_import
from nscap.testing.factories import make_institution
from nscap.testing.roles import make_user

TOO_BIG = 2**63  # the reviewer's number: past SQLite's 64 bits
PAST_INTEGER = 2**31  # past PostgreSQL's ``integer`` (a PositiveIntegerField)
COLUMN_RANGES = BaseDatabaseOperations.integer_field_ranges  # the same on every backend


# --- the guard --------------------------------------------------------------------------------


def _nested_models(annotation: typing.Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation holds (``list[X]``, ``X | None``, ...)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if typing.get_origin(annotation) in (list, typing.Union, types.UnionType, typing.Annotated):
        return [m for arg in typing.get_args(annotation) for m in _nested_models(arg)]
    return []


def _integer_schemas(property_schema: dict) -> list[dict]:
    """The integer alternatives of one JSON-schema property (``anyOf`` for optional fields)."""
    alternatives = property_schema.get("anyOf", [property_schema])
    return [alt for alt in alternatives if alt.get("type") == "integer"]


def _schema_integer_fields() -> list[tuple[str, type[BaseModel], str, type[models.Model]]]:
    """(record type, schema, field, model) for every integer field, nested schemas included."""
    found = []
    for name, rt in RECORD_TYPES.items():
        stack = [(rt.schema, rt.model)]
        while stack:
            schema, model = stack.pop()
            properties = schema.model_json_schema()["properties"]
            for field_name, info in schema.model_fields.items():
                nested = _nested_models(info.annotation)
                if nested:
                    related = model._meta.get_field(field_name).related_model
                    stack.extend((child, related) for child in nested)
                elif _integer_schemas(properties[field_name]):
                    found.append((name, schema, field_name, model))
    return found


INTEGER_FIELDS = _schema_integer_fields()


def test_the_guard_finds_the_integer_fields_we_know():
    names = {(schema.__name__, field) for _, schema, field, _ in INTEGER_FIELDS}
    assert {
        ("TrainingEventInput", "participants"),
        ("ParticipantCountryInput", "count"),
    } <= names


@pytest.mark.parametrize(
    ("record_type", "schema", "field", "model"),
    INTEGER_FIELDS,
    ids=[f"{schema.__name__}.{field}" for _, schema, field, _ in INTEGER_FIELDS],
)
def test_every_integer_field_of_every_record_schema_fits_its_column(
    record_type, schema, field, model
):
    column = model._meta.get_field(field)
    low, high = COLUMN_RANGES.get(column.get_internal_type(), COLUMN_RANGES["IntegerField"])
    for alternative in _integer_schemas(schema.model_json_schema()["properties"][field]):
        assert "minimum" in alternative and "maximum" in alternative, (
            f"{schema.__name__}.{field} has no bounds: use contributions.fields.Count or "
            f"Field(ge=..., le=...) within the column's {low}..{high}"
        )
        assert low <= alternative["minimum"] and alternative["maximum"] <= high, (
            f"{schema.__name__}.{field} allows {alternative['minimum']}.."
            f"{alternative['maximum']}, but the column {column.get_internal_type()} "
            f"holds {low}..{high}"
        )


# --- every path refuses, nothing is queued ------------------------------------------------------


@pytest.fixture
def host(db):
    return make_institution(key="host-inst")


@pytest.fixture
def contributor(host):
    """A contributor whose changes wait for review (the path where approval used to fail)."""
    return make_user("contributor-host", institution=host)


def _api_post(user, path: str, body: dict):
    token = create_token(user, "test", "write")[1]
    return Client(raise_request_exception=False).post(
        f"/api{path}",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.mark.django_db
@pytest.mark.parametrize("number", [TOO_BIG, PAST_INTEGER, 10**30])
@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"participants": None}, "participants"),
        ({"participant_countries": [{"country": "JP", "count": None}]}, "participant_countries"),
    ],
)
def test_api_refuses_out_of_range_integers_and_queues_nothing(
    contributor, host, number, extra, field
):
    body = {"host": host.key, "title": "Regional course"}
    for name, value in extra.items():
        body[name] = value if value is not None else number
        if isinstance(value, list):
            body[name] = [{**value[0], "count": number}]
    response = _api_post(contributor, "/events", body)
    assert response.status_code == 422, response.content
    fields = {error["field"] for error in response.json()["detail"]}
    assert any(f.startswith(field) for f in fields), fields
    assert not Changeset.objects.exists()


@pytest.mark.django_db
def test_the_largest_value_the_column_holds_is_accepted_and_approved(contributor, host, steward):
    response = _api_post(
        contributor, "/events", {"host": host.key, "title": "Big", "participants": 2**31 - 1}
    )
    assert response.status_code == 202, response.content
    changeset_id = response.json()["id"]
    approved = _api_post(steward, f"/changesets/{changeset_id}/approve", {})
    assert approved.status_code == 200, approved.content
    assert TrainingEvent.objects.get(title="Big").participants == 2**31 - 1


@pytest.mark.django_db
def test_web_form_refuses_out_of_range_participants(contributor, host):
    client = Client()
    client.force_login(contributor)
    response = client.post(
        "/contribute/training_event/new/",
        {
            "title": "Regional course",
            "host": host.key,
            "delivery_mode": "unknown",
            "participants": str(TOO_BIG),
            "participants_qualifier": "exact",
            "sensitivity": "public",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "participants" in response.context["form"].errors
    assert not Changeset.objects.exists()


@pytest.mark.django_db
def test_import_refuses_out_of_range_participants_by_row_and_column(contributor, host):
    data = f"key,host,title,participants\nev-1,{host.key},Regional course,{TOO_BIG}\n".encode()
    result = run_import(contributor, "training_event.csv", data)
    assert not result.plan.ok
    assert [(e.row, e.column) for e in result.plan.errors] == [(2, "participants")]
    assert result.changeset is None
    assert not Changeset.objects.exists()
