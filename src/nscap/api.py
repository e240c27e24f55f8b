"""The API: one NinjaAPI with a router per domain app, OpenAPI 3 at /api/schema.

Reads are open (a token or session widens what the viewer sees); writes go through
``contributions.api`` (changesets) and need a write-scope token or a session with CSRF.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger

from nscap.accounts.api_auth import read_auth
from nscap.accounts.api_errors import install_refusal_handlers
from nscap.contributions.api_errors import install_contribution_handlers
from nscap.core.api_errors import install_error_handlers
from nscap.core.api_support import add_etag
from nscap.core.request_limits import JsonParser


class RegistryAPI(NinjaAPI):
    """NinjaAPI that puts an ETag on detail reads (and answers If-None-Match with 304)."""

    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        return add_etag(request, response)

    def get_openapi_schema(self, **kwargs: Any):
        """The schema, with reads marked as open to visitors (security ``{}`` is "none")."""
        schema = super().get_openapi_schema(**kwargs)
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                if method == "get" and "/changesets" not in path and "security" in operation:
                    operation["security"] = [*operation["security"], {}]
        # The write bodies are read raw (so every bad field is reported at once, by name) and
        # documented by the record types' input schemas.
        schema.setdefault("components", {}).setdefault("schemas", {}).update(input_components())
        _document_headers(schema)
        _document_body_limits(schema)
        return schema


_ETAG = {
    "description": "Weak ETag of the record (its key and version); send it back as "
    "If-None-Match (reads) or If-Match (writes).",
    "schema": {"type": "string"},
}
_LOCATION = {"description": "The record, or the changeset.", "schema": {"type": "string"}}


def _document_headers(schema: dict) -> None:
    """Response headers the handlers set: ETag on detail reads and applied writes, Location."""
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation.get("responses", {})
            if method == "get" and path.endswith("/{key}") and "200" in responses:
                responses["200"].setdefault("headers", {})["ETag"] = _ETAG
            if method in ("post", "put", "patch", "delete") and "/changesets" not in path:
                for status in ("200", "201", "202"):
                    if status in responses:
                        headers = responses[status].setdefault("headers", {})
                        headers["Location"] = _LOCATION
                        if status != "202":
                            headers["ETag"] = {**_ETAG, "required": False}


def _document_body_limits(schema: dict) -> None:
    """Operations that read a body may answer 413 (too large) and 400 (nested too deeply),
    each as ``{"detail": ...}`` (``core.request_limits``)."""
    message = {"$ref": "#/components/schemas/MessageSchema"}
    for operations in schema["paths"].values():
        for method, operation in operations.items():
            if method not in ("post", "put", "patch"):
                continue
            responses = operation.setdefault("responses", {})  # ninja's keys are ints
            responses[413] = {
                "description": "The body is larger than the server accepts.",
                "content": {"application/json": {"schema": message}},
            }
            bad = responses.setdefault("400" if "400" in responses else 400, {"description": ""})
            content = bad.setdefault("content", {}).setdefault("application/json", {})
            known = content.get("schema")
            content["schema"] = {"anyOf": [known, message]} if known else message
            bad["description"] = "; ".join(
                filter(None, (bad["description"], "or a JSON body nested too deeply"))
            )


api = RegistryAPI(
    title="nscap API",
    version="1",
    description="Registry of nuclear security capacity building: institutions, courses, "
    "events, collaboration claims, networks, needs, quantities and their sources.",
    openapi_url="/schema",
    docs_url="/docs",
    # Served from ninja's bundled static files; no validator badge (it would call swagger.io).
    docs=Swagger(settings={"validatorUrl": None}),
    urls_namespace="api",
    auth=read_auth(),
    parser=JsonParser(),  # size and nesting limits on JSON bodies (core.request_limits)
)
install_error_handlers(api)
install_refusal_handlers(api)
install_contribution_handlers(api)

# Each app contributes `router` from its api.py.
from nscap.activities.api import router as activities_router  # noqa: E402
from nscap.collaboration.api import router as collaboration_router  # noqa: E402
from nscap.contributions.api import add_write_operations  # noqa: E402
from nscap.contributions.api import router as contributions_router  # noqa: E402
from nscap.contributions.api_schemas import input_components  # noqa: E402
from nscap.institutions.api import router as institutions_router  # noqa: E402
from nscap.needs.api import router as needs_router  # noqa: E402
from nscap.networks.api import router as networks_router  # noqa: E402
from nscap.quantities.api import router as quantities_router  # noqa: E402
from nscap.sources.api import router as sources_router  # noqa: E402
from nscap.vocabularies.api import router as vocabularies_router  # noqa: E402

# Writes share the read paths, so they join the routers that serve those paths.
for _router, _record_types in (
    (institutions_router, ("institution", "milestone")),
    (activities_router, ("course", "training_event", "aggregate_claim")),
    (collaboration_router, ("collaboration_claim",)),
    (sources_router, ("source",)),
    (needs_router, ("needs_assessment", "needs_figure")),
    (vocabularies_router, ("topic", "target_group")),
):
    for _record_type in _record_types:
        add_write_operations(_router, _record_type)

api.add_router("/", institutions_router)
api.add_router("/", activities_router)
api.add_router("/", collaboration_router)
api.add_router("/", networks_router)
api.add_router("/", needs_router)
api.add_router("/", quantities_router)
api.add_router("/", sources_router)
api.add_router("/", vocabularies_router)
api.add_router("/", contributions_router)

from nscap.contributions.recent_api import router as recent_changes_router  # noqa: E402

api.add_router("/", recent_changes_router)

from nscap.interchange.api import router as interchange_router  # noqa: E402

api.add_router("/", interchange_router)

# Analytics of collaboration depth and duplicated effort (issue 4).
from nscap.activities.overlaps_api import router as overlaps_router  # noqa: E402
from nscap.collaboration.analytics_api import router as collaboration_analytics_router  # noqa: E402

api.add_router("/analytics/collaboration", collaboration_analytics_router)
api.add_router("/analytics/overlaps", overlaps_router)

from nscap.analytics.api import router as analytics_router  # noqa: E402

api.add_router("/", analytics_router)

from nscap.contributions.answer_api import router as answer_router  # noqa: E402
from nscap.linkage.api import router as linkage_router  # noqa: E402
from nscap.notifications.api import router as notifications_router  # noqa: E402
from nscap.reconciliation.api import router as reconciliation_router  # noqa: E402
from nscap.reconciliation.w3c import router as w3c_router  # noqa: E402

api.add_router("/", linkage_router)
api.add_router("/", notifications_router)
api.add_router("/", answer_router)
api.add_router("/", reconciliation_router)
api.add_router("/", w3c_router)

from nscap.reports.api import router as reports_router  # noqa: E402

api.add_router("/", reports_router)

from nscap.search.api import router as search_router  # noqa: E402

api.add_router("/", search_router)
