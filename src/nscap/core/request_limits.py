"""Limits on what a request body may be: how large, and how deeply nested its JSON.

Django refuses a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (files uploaded as multipart
excepted) with ``RequestDataTooBig``; left to itself that became a 500 in the API (ninja in
DEBUG) and a bare "Bad Request" page elsewhere. Here it is a 413 with a clear message: JSON for
the API (``install_error_handlers``), a page for the web (``bad_request``, Django's handler400).

Python's JSON decoder recurses once per nesting level, so ``[[[[...]]]]`` 50,000 levels deep
ended in a ``RecursionError`` (500), and anything that survived the decoder could still exhaust
the stack later (validation, history, redaction). No record nests more than a few levels, so
every JSON body is checked against ``MAX_JSON_DEPTH`` *before* it is decoded (``read_json``), at
the cost of one regular-expression pass over the bytes. Every reader of a JSON body — the write
endpoints' raw reader and ninja's parser (``JsonParser``) — goes through ``read_json``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from ninja.parser import Parser

# The deepest record body is three levels (an event, its partners, one partner); 32 leaves room
# for any JSON a client may reasonably send and is far below the interpreter's recursion limit.
MAX_JSON_DEPTH = 32

# A JSON string (its escapes included), or an unterminated one up to the end of the body: matching
# the unterminated case keeps the scan linear (no restart at every later quote).
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*+(?:"|\Z)', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


class BodyRefused(Exception):
    """A request body the server will not read: too large (413) or nested too deeply (400)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def too_large_message() -> str:
    """What a client is told when its body is over ``DATA_UPLOAD_MAX_MEMORY_SIZE``."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return _(
        "The request body is larger than this server accepts (%(size)s MB). Send fewer or "
        "smaller records per request, or upload a file on the import page."
    ) % {"size": f"{limit / (1024 * 1024):.1f}".removesuffix(".0")}


def too_deep_message() -> str:
    return _("The JSON body is nested more than %(depth)s levels deep.") % {"depth": MAX_JSON_DEPTH}


def json_depth(data: bytes, stop_above: int | None = None) -> int:
    """How deeply the arrays and objects of a JSON text nest (brackets inside strings aside).

    Linear in the body's size: strings are cut out and the other characters dropped by C code;
    the loop runs over the brackets only, and stops once the depth passes ``stop_above``.
    """
    brackets = _STRING.sub(b"", data).translate(None, _NOT_BRACKET)
    depth = deepest = 0
    for byte in brackets:
        if byte in b"[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_above is not None and deepest > stop_above:
                    break
        else:
            depth -= 1
    return deepest


def body_bytes(request: HttpRequest) -> bytes:
    """The raw body; ``BodyRefused`` (413) when it is over the configured size."""
    try:
        return request.body
    except RequestDataTooBig as exc:
        raise BodyRefused(413, too_large_message()) from exc


def read_json(request: HttpRequest) -> Any:
    """The request's JSON body, decoded; ``BodyRefused`` when too large or nested too deeply.

    Malformed JSON raises ``ValueError`` as ``json.loads`` does; callers report it their way.
    """
    data = body_bytes(request)
    if json_depth(data, stop_above=MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise BodyRefused(400, too_deep_message())
    return json.loads(data)


class JsonParser(Parser):
    """Ninja's body parser with the size and depth limits (for endpoints with Schema bodies)."""

    def parse_body(self, request: HttpRequest) -> Any:
        return read_json(request)


def refusal_response(request: HttpRequest, exc: BodyRefused) -> HttpResponse:
    """The web's answer to a refused body: JSON under /api/, a page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": exc.message}, status=exc.status)
    return render(request, "request_refused.html", {"message": exc.message}, status=exc.status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's handler400: a body over the size limit is a 413 saying so; any other refused
    request (a disallowed host, too many fields) keeps Django's plain page, or JSON for the API.
    """
    if isinstance(exception, RequestDataTooBig):
        return refusal_response(request, BodyRefused(413, too_large_message()))
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Bad request.")}, status=400)
    return defaults.bad_request(request, exception)
