"""The read API: one NinjaAPI with a router per domain app, OpenAPI 3 at /api/schema."""

from ninja import NinjaAPI, Swagger

from nscap.core.api_errors import install_error_handlers

api = NinjaAPI(
    title="nscap API",
    version="1",
    description="Registry of nuclear security capacity building: institutions, courses, "
    "events, collaboration claims, networks, needs, quantities and their sources.",
    openapi_url="/schema",
    docs_url="/docs",
    # Served from ninja's bundled static files; no validator badge (it would call swagger.io).
    docs=Swagger(settings={"validatorUrl": None}),
    urls_namespace="api",
)
install_error_handlers(api)

# Each app contributes `router` from its api.py.
from nscap.activities.api import router as activities_router  # noqa: E402
from nscap.collaboration.api import router as collaboration_router  # noqa: E402
from nscap.institutions.api import router as institutions_router  # noqa: E402
from nscap.needs.api import router as needs_router  # noqa: E402
from nscap.networks.api import router as networks_router  # noqa: E402
from nscap.quantities.api import router as quantities_router  # noqa: E402
from nscap.sources.api import router as sources_router  # noqa: E402
from nscap.vocabularies.api import router as vocabularies_router  # noqa: E402

api.add_router("/", institutions_router)
api.add_router("/", activities_router)
api.add_router("/", collaboration_router)
api.add_router("/", networks_router)
api.add_router("/", needs_router)
api.add_router("/", quantities_router)
api.add_router("/", sources_router)
api.add_router("/", vocabularies_router)
