"""Every schema the API documents has a name of its own (issue 12, finding 21).

django-ninja names an OpenAPI component after the Pydantic class and silently reuses the name
when a second class has it: ``/api/networks`` was documented with the collaboration analytics'
``NetworkSchema``. This walks every class reachable from any operation (parameters, bodies,
responses, nested fields) and the record input schemas, and fails when two distinct classes
share a name.
"""

from __future__ import annotations

import enum
import types
import typing
from collections import defaultdict

from pydantic import BaseModel

from nscap.api import api
from nscap.contributions.record_types import RECORD_TYPES

# Wrappers ninja generates per operation; they never become components.
NINJA_WRAPPERS = {"NinjaResponseSchema"}


def _classes_in(annotation: typing.Any) -> list[type]:
    """The Pydantic models and enums an annotation names (through lists, unions, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, (BaseModel, enum.Enum)):
        return [annotation]
    if typing.get_origin(annotation) is not None or isinstance(annotation, types.UnionType):
        return [c for arg in typing.get_args(annotation) for c in _classes_in(arg)]
    return []


def _operation_roots() -> list[tuple[str, type]]:
    roots = []
    for bound_router in api._get_bound_routers():
        for path, path_view in bound_router.path_operations.items():
            for operation in path_view.operations:
                where = f"{'/'.join(operation.methods)} {bound_router.prefix}{path}"
                models = [*operation.models, *operation.response_models.values()]
                roots += [(where, model) for model in models if isinstance(model, type)]
    roots += [(f"{name} input", rt.schema) for name, rt in RECORD_TYPES.items()]
    return roots


def schema_classes() -> dict[str, dict[type, str]]:
    """Every class reachable from an operation, by name: {name: {class: where it is used}}."""
    by_name: dict[str, dict[type, str]] = defaultdict(dict)
    stack = _operation_roots()
    seen: set[type] = set()
    while stack:
        where, cls = stack.pop()
        if cls in seen:
            continue
        seen.add(cls)
        if cls.__name__ not in NINJA_WRAPPERS and not getattr(cls, "__ninja_param_source__", None):
            by_name[cls.__name__].setdefault(cls, where)
        if issubclass(cls, BaseModel):
            for field in cls.model_fields.values():
                stack += [(where, child) for child in _classes_in(field.annotation)]
    return by_name


def test_the_walk_reaches_nested_schemas():
    names = schema_classes()
    assert {"NetworkSchema", "TrainingEventSchema", "ParticipantCountryInput"} <= set(names)


def test_no_two_schema_classes_share_a_name():
    clashes = {
        name: {f"{cls.__module__}.{cls.__qualname__} ({where})" for cls, where in classes.items()}
        for name, classes in schema_classes().items()
        if len(classes) > 1
    }
    assert not clashes, f"OpenAPI component names used by more than one class: {clashes}"


def test_networks_list_is_documented_with_the_network_record_schema(client):
    schema = client.get("/api/schema").json()
    item = schema["paths"]["/api/networks"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    page = schema["components"]["schemas"][item["$ref"].rsplit("/", 1)[-1]]
    network = schema["components"]["schemas"][
        page["properties"]["items"]["items"]["$ref"].rsplit("/", 1)[-1]
    ]
    assert "key" in network["properties"] and "density" not in network["properties"]
