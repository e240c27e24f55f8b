"""API errors as plain JSON: 400 names the bad query parameter, 404 the missing record;
401/403 say why the caller was refused, 409 the conflict, 412 the failed If-Match, 422
lists every bad field as ``{"detail": [{"field", "message", "change"}]}``, 413 refuses a body
over the size limit (and 400 one nested too deeply, ``core.request_limits``), and 503 says the
database cannot be reached (restarting, failing over): a client should retry, a write with the
same Idempotency-Key."""

import logging

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError

RETRY_AFTER_SECONDS = 5


class BadQuery(Exception):
    """A query parameter that is not allowed or cannot be read."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


class PreconditionFailed(Exception):
    """``If-Match`` names a version of the record that is no longer current (412)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def field_errors(errors: list[dict]) -> list[dict]:
    """Ninja's body validation errors as ``{"field", "message", "change"}`` items."""
    items = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        # ("body", "<parameter>", "field", ...) -> "field..."; the body itself -> None
        path = loc[2:] if len(loc) > 2 and loc[0] == "body" else loc[1:]
        items.append(
            {
                "field": ".".join(path) or None,
                "message": str(error.get("msg", _("invalid"))).removeprefix("Value error, "),
                "change": None,
            }
        )
    return items


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
        return api.create_response(request, {"detail": field_errors(exc.errors)}, status=422)

    @api.exception_handler(PreconditionFailed)
    def precondition_failed(request, exc: PreconditionFailed):
        return api.create_response(request, {"detail": exc.message}, status=412)

    @api.exception_handler(Http404)
    def not_found(request, exc: Http404):
        return api.create_response(request, {"detail": str(exc) or _("Not found.")}, status=404)

    def database_unavailable(request, exc: Exception):
        # A lost or refused connection is the server's state, not the request's fault: 503 and
        # a hint when to retry instead of a 500 and a traceback (bench/crash_safety.py).
        logging.getLogger("nscap.api").warning("database unavailable: %s", exc)
        response = api.create_response(
            request,
            {
                "detail": _(
                    "The database cannot be reached at the moment. Try again in a few "
                    "seconds; send a write again with the same Idempotency-Key."
                )
            },
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    api.add_exception_handler(OperationalError, database_unavailable)
    api.add_exception_handler(InterfaceError, database_unavailable)

    from nscap.core.request_limits import BodyRefused, too_large_message

    @api.exception_handler(BodyRefused)
    def body_refused(request, exc: BodyRefused):
        return api.create_response(request, {"detail": exc.message}, status=exc.status)

    @api.exception_handler(RequestDataTooBig)
    def body_too_large(request, exc: RequestDataTooBig):
        # Whoever read the body first without ``read_json`` (a future handler): 413, not a 500.
        return api.create_response(request, {"detail": too_large_message()}, status=413)
