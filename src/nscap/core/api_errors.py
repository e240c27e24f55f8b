"""API errors as plain JSON: 400 names the bad query parameter, 404 the missing record."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError


class BadQuery(Exception):
    """A query parameter that is not allowed or cannot be read."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(BadQuery)
    def bad_query(request, exc: BadQuery):
        return api.create_response(
            request,
            {"detail": exc.message, "parameter": exc.parameter},
            status=400,
        )

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        query_errors = [e for e in exc.errors if e.get("loc", [None])[0] in ("query", "path")]
        if query_errors:
            first = query_errors[0]
            parameter = str(first["loc"][-1]) if first.get("loc") else ""
            return api.create_response(
                request,
                {
                    "detail": _("Query parameter '%(parameter)s': %(message)s")
                    % {"parameter": parameter, "message": first.get("msg", _("invalid"))},
                    "parameter": parameter,
                    "errors": [
                        {"parameter": str(e["loc"][-1]), "message": e.get("msg", "")}
                        for e in query_errors
                    ],
                },
                status=400,
            )
        return api.create_response(request, {"detail": exc.errors}, status=422)

    @api.exception_handler(Http404)
    def not_found(request, exc: Http404):
        return api.create_response(request, {"detail": str(exc) or _("Not found.")}, status=404)
