"""The API's answer to a refused or invalid contribution (``contributions.errors``).

Installed beside ``core.api_errors`` by ``nscap.api``: the ground floor may not import the
contributions app (``core.hooks``).
"""

from __future__ import annotations

from ninja import NinjaAPI

from nscap.accounts.api_auth import audit_refusal
from nscap.contributions.errors import ContributionError, Invalid, NotAllowed


def install_contribution_handlers(api: NinjaAPI) -> None:
    """Invalid input is a 422 naming the fields; a refusal keeps its status and is audited."""

    @api.exception_handler(ContributionError)
    def contribution_error(request, exc: ContributionError):
        if isinstance(exc, Invalid):
            return api.create_response(request, {"detail": exc.errors}, status=422)
        if isinstance(exc, NotAllowed):
            audit_refusal(request, 403, "not_allowed", message=exc.message)
        return api.create_response(request, {"detail": exc.message}, status=exc.status)
