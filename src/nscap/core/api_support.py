"""Shared pieces of the read API: pagination, allow-listed query parameters, references,
partial dates and citations.

Every list endpoint declares one query schema (a subclass of ``PageQuery``); its fields are the
allow-list, so the OpenAPI schema, the validation and the "Unknown query parameter" check can
never disagree. Every read goes through ``visible(Model, user)``, nested lists and counts too.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, BaseModel, ConfigDict, create_model

from nscap.core import hooks
from nscap.core.api_errors import BadQuery, PreconditionFailed
from nscap.core.partial_dates import PartialDate
from nscap.core.prepared import prepared_rows

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# Databases keep offsets in 64 bits; past a billion there is nothing to page to anyway.
MAX_OFFSET = 1_000_000_000
# The largest value of a PositiveIntegerField on every database Django supports (PostgreSQL's
# ``integer``): the upper bound of integer fields in write schemas and query parameters.
POSITIVE_INTEGER_MAX = 2_147_483_647


# --- visibility -------------------------------------------------------------------------------


def visible(model: type[models.Model], user: Any) -> models.QuerySet:
    """The records of ``model`` that ``user`` may see: the one read filter, by its short name."""
    return model.objects.visible_to(user)


def by_key(model: type[models.Model], user: Any, key: str) -> models.QuerySet:
    """The visible record of ``model`` with ``key`` (empty when unknown or hidden), for filters."""
    return visible(model, user).filter(key=key)


def get_visible_or_404(request: HttpRequest, queryset: models.QuerySet, key: str, noun: str):
    """One record from an already visible queryset; the same 404 for unknown and hidden keys.

    A hidden record answers exactly like a missing one, so the API never confirms it exists.
    """
    check_query(request, ())
    obj = queryset.filter(key=key).first()
    if obj is None:
        raise not_found(noun, key)
    request.nscap_record = obj  # the API adds its ETag to the response (see ``add_etag``)
    return obj


def not_found(noun: str, key: str) -> Http404:
    """The 404 of an unknown or hidden key (the same for both)."""
    return Http404(_("No %(noun)s with key '%(key)s'.") % {"noun": noun, "key": key})


# --- ETag / If-None-Match / If-Match -----------------------------------------------------------

ETAG_PATTERN = re.compile(r'^(?:W/)?"(?P<key>.+)-v(?P<version>\d+)(?:-[0-9a-f]+)?"$')


def record_etag(obj: Any, content: bytes | None = None) -> str:
    """A weak ETag for a record as a viewer sees it: ``W/"<key>-v<version>-<digest>"``.

    The version names the record's state (If-Match compares it); the digest of the body covers
    what the detail nests (milestones, partners) and what this viewer may see of it, so a 304
    is never given for a body that changed. Writes answer ``W/"<key>-v<version>"``.
    """
    tag = f"{obj.key}-v{obj.version}"
    if content is not None:
        tag += "-" + hashlib.sha256(content).hexdigest()[:12]
    return f'W/"{tag}"'


def _opaque(tag: str) -> str:
    return tag.strip().removeprefix("W/")


def add_etag(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Give a detail read its ETag; answer 304 when ``If-None-Match`` names it (weak match)."""
    obj = getattr(request, "nscap_record", None)
    if obj is None or response.status_code != 200 or request.method not in ("GET", "HEAD"):
        return response
    etag = record_etag(obj, response.content)
    response["ETag"] = etag
    wanted = request.headers.get("If-None-Match")
    if wanted:
        tags = {_opaque(tag) for tag in wanted.split(",")}
        if "*" in tags or _opaque(etag) in tags:
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = etag
            for header in ("Vary", "Cache-Control"):
                if header in response:
                    not_modified[header] = response[header]
            return not_modified
    return response


def if_match_version(request: HttpRequest, obj: Any) -> int | None:
    """The version ``If-Match`` was based on (None when absent or ``*``); 412 on a mismatch.

    Accepts the ETag of a detail read or of a write answer (``W/"<key>-v<version>..."``).
    """
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    for tag in header.split(","):
        match = ETAG_PATTERN.match(tag.strip())
        if match and match["key"] == obj.key:
            version = int(match["version"])
            if version == obj.version:
                return version
            raise PreconditionFailed(
                _(
                    "If-Match names version %(sent)s of '%(key)s', but it is now at version "
                    "%(version)s; read it again and retry."
                )
                % {"sent": version, "key": obj.key, "version": obj.version}
            )
    raise PreconditionFailed(
        _("If-Match %(header)s does not match '%(key)s' (current ETag %(etag)s).")
        % {"header": header.strip(), "key": obj.key, "etag": record_etag(obj)}
    )


# --- query parameters -------------------------------------------------------------------------


class PageQuery(Schema):
    """Pagination parameters every list takes; list query schemas add their filters."""

    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page (1 to 500, default 50)."
    )
    offset: int = Field(
        0, ge=0, le=MAX_OFFSET, description="Items to skip from the start of the list."
    )


def parameter_names(query_type: type[Schema] | Sequence[str]) -> list[str]:
    """The query parameter names a query schema accepts (aliases where declared)."""
    if not isinstance(query_type, type):
        return list(query_type)
    return [field.alias or name for name, field in query_type.model_fields.items()]


def check_query(request: HttpRequest, query_type: type[Schema] | Sequence[str]) -> None:
    """Refuse any query parameter that is not on the endpoint's allow-list (400)."""
    allowed = parameter_names(query_type)
    for parameter in request.GET:
        if parameter not in allowed:
            raise BadQuery(
                parameter,
                _("Unknown query parameter '%(parameter)s'. Allowed: %(allowed)s")
                % {
                    "parameter": parameter,
                    "allowed": ", ".join(allowed) if allowed else _("none"),
                },
            )


def _edtf(text: str) -> str:
    PartialDate.parse(text)  # raises ValueError with a plain message; ninja turns it into a 400
    return text.strip()


def _country(text: str) -> str:
    text = text.strip().upper()
    if len(text) != 2 or not text.isascii() or not text.isalpha():
        raise ValueError(f"{text!r} is not an ISO 3166-1 alpha-2 country code such as JP")
    return text


EdtfDate = Annotated[str, AfterValidator(_edtf)]
CountryCode = Annotated[str, AfterValidator(_country)]
Year = Annotated[int, Field(ge=1, le=9999)]


def enum_of(name: str, choices: type[models.TextChoices]) -> type[enum.Enum]:
    """A plain str enum of a TextChoices' values, for query parameters and response fields."""
    return enum.Enum(name, {value: value for value in choices.values}, type=str)


# --- pagination -------------------------------------------------------------------------------


def page_schema(item: type[Schema]) -> type[Schema]:
    """The response schema of a list of ``item``: ``count``, ``next``, ``previous``, ``items``."""
    name = item.__name__.removesuffix("Schema") + "Page"
    return create_model(
        name,
        __base__=OutSchema,
        count=(int, Field(description="Items in the whole filtered list.")),
        next=(str | None, Field(description="URL of the next page, or null.")),
        previous=(str | None, Field(description="URL of the previous page, or null.")),
        items=(list[item], ...),
    )


def _page_url(request: HttpRequest, offset: int, limit: int) -> str:
    params = request.GET.copy()
    params["limit"] = str(limit)
    if offset:
        params["offset"] = str(offset)
    else:
        params.pop("offset", None)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def paginate(
    request: HttpRequest,
    query: PageQuery,
    queryset: models.QuerySet,
    serialize: Callable[[list], list[dict]],
) -> dict:
    """One page of a visible, stably ordered queryset, with the filtered ``count`` and links.

    ``queryset`` must be ordered on a unique column last (the key), so that pages never repeat or
    skip an item. ``serialize`` turns the page's objects into items (and loads what they nest).
    """
    if not queryset.ordered:
        raise ValueError("paginate() needs an ordered queryset")
    return paginate_with(
        request,
        query,
        lambda limit, offset: list(queryset[offset : offset + limit]),
        queryset.count,
        serialize,
    )


def paginate_with(
    request: HttpRequest,
    query: PageQuery,
    fetch: Callable[[int, int], list],
    count_all: Callable[[], int],
    serialize: Callable[[list], list[dict]],
) -> dict:
    """``paginate`` over any stably ordered, visible list: ``fetch(limit, offset)`` reads one
    page of it and ``count_all()`` counts it."""
    check_query(request, type(query))
    limit, offset = query.limit, query.offset
    objects = fetch(limit, offset)
    # A page that is not full ends the list, so its count needs no COUNT query (the common case
    # of a narrow filter); otherwise count the filtered, visible rows.
    if len(objects) < limit and (objects or offset == 0):
        count = offset + len(objects)
    else:
        count = count_all()
    has_next = offset + limit < count
    has_previous = offset > 0
    return {
        "count": count,
        "next": _page_url(request, offset + limit, limit) if has_next else None,
        "previous": _page_url(request, max(0, min(offset, count) - limit), limit)
        if has_previous
        else None,
        "items": serialize(objects),
    }


class ErrorSchema(Schema):
    """A 404 (unknown or hidden key) or other error: ``detail`` says what went wrong."""

    detail: str


class QueryErrorSchema(Schema):
    """A 400: ``parameter`` names the query parameter that is unknown or malformed."""

    detail: str
    parameter: str


def list_responses(item: type[Schema]) -> dict[int, type[Schema]]:
    """The documented responses of a list endpoint: a page of ``item`` or a 400."""
    return {200: page_schema(item), 400: QueryErrorSchema, 401: ErrorSchema}


def detail_responses(schema: type[Schema]) -> dict[int, type[Schema]]:
    """The documented responses of a detail endpoint: the record (with its ETag), 304 when
    If-None-Match names that ETag, a 400, a 401 (a bad token) or a 404."""
    return {200: schema, 304: None, 400: QueryErrorSchema, 401: ErrorSchema, 404: ErrorSchema}


# --- shared output pieces ---------------------------------------------------------------------


class OutSchema(BaseModel):
    """Base of response schemas whose handlers build plain dicts (the ``*_item`` functions).

    Plain Pydantic, validated in pydantic-core: ninja's ``Schema`` wraps every nested object in
    a getter that reads Django attributes, which cost a page of 50 events about 270 Python
    calls per object level for data that is already a dict.
    """

    model_config = ConfigDict(from_attributes=True)


class Ref(OutSchema):
    """A reference to another record: its key (the stable id) and a readable name."""

    key: str
    name: str


def ref(obj: Any, name: str | None = "name") -> dict | None:
    """A reference to ``obj``, or None when it is absent or hidden from the viewer.

    ``name`` is the attribute that names it (None: its ``str()``).

    Callers load related records through ``Prefetch(..., queryset=visible(...))``, which leaves
    a hidden one as None, so a reference never reveals a record the viewer may not see.
    """
    if obj is None:
        return None
    label = getattr(obj, name) if name else str(obj)
    return key_ref(obj.key, label)


def key_ref(key: str, name: Any) -> dict:
    """A reference from a row's key and name (the key when the name is blank)."""
    return {"key": key, "name": str(name or key)}


def related(obj: Any, field: str) -> Any:
    """``obj.<field>``, or None when it was prefetched through a visible queryset and is hidden.

    A required foreign key that a ``Prefetch(queryset=visible(...))`` left empty raises
    ``DoesNotExist`` on access; to the API that is simply a reference the viewer may not see.
    """
    try:
        return getattr(obj, field)
    except ObjectDoesNotExist:
        return None


def edtf(date: dt.date | None, precision: str) -> str | None:
    """A stored partial date as EDTF text ("2014", "2014-09", "2014-09-12"), or None."""
    return PartialDate(date, precision).isoformat() if date else None


def partial(obj: Any, field: str) -> dict[str, str | None]:
    """``{field: "2014-09", field_precision: "month"}`` for a partial-date column pair."""
    date = getattr(obj, field)
    return {
        field: edtf(date, getattr(obj, f"{field}_precision")),
        f"{field}_precision": getattr(obj, f"{field}_precision") if date else None,
    }


class CitationSchema(OutSchema):
    """A record (optionally one field of it) citing a source at a locator."""

    source: str = Field(description="Key of the cited source.")
    record_type: str
    record_key: str
    field: str
    footnote: int | None
    locator: str
    quote: str


class RecordSchema(OutSchema):
    """Fields every registry record has. ``key`` is its stable id."""

    key: str
    sensitivity: str
    note: str
    version: int
    citations: list[CitationSchema]


# The API's name for each record type, and for rows that belong to a record, the path to it.
RECORD_TYPES: dict[str, str] = {
    "institution": "institutions.Institution",
    "center_profile": "institutions.CenterProfile",
    "milestone": "institutions.Milestone",
    "course": "activities.Course",
    "training_event": "activities.TrainingEvent",
    "aggregate_claim": "activities.AggregateClaim",
    "quantity": "quantities.Quantity",
    "collaboration_claim": "collaboration.CollaborationClaim",
    "network": "networks.Network",
    "membership": "networks.Membership",
    "meeting": "networks.Meeting",
    "needs_assessment": "needs.NeedsAssessment",
    "source": "sources.Source",
    "topic": "vocabularies.Topic",
    "target_group": "vocabularies.TargetGroup",
    "label": "institutions.Label",
    "event_partner": "activities.EventPartner",
    "event_participant_country": "activities.EventParticipantCountry",
}

RecordType = enum.Enum("RecordType", {name: name for name in RECORD_TYPES}, type=str)


def record_model(record_type: str) -> type[models.Model]:
    return apps.get_model(RECORD_TYPES[record_type])


def _type_of_model(model: type[models.Model]) -> str | None:
    label = model._meta.label
    return next((name for name, value in RECORD_TYPES.items() if value == label), None)


def visible_record_ids(record_type: str, user: Any) -> models.QuerySet:
    """Primary keys of the visible records of a type (parts of a record follow their owner)."""
    return visible(record_model(record_type), user).values("pk")


def citation_item(citation: Any, record_type: str, record_key: str) -> dict:
    return _citation_fields(
        record_type,
        record_key,
        citation.source.key,
        citation.field,
        citation.footnote,
        citation.locator,
        citation.quote,
    )


def _citation_fields(
    record_type: str,
    record_key: str,
    source: str,
    field: str,
    footnote: int | None,
    locator: str,
    quote: str,
) -> dict:
    return {
        "source": source,
        "record_type": record_type,
        "record_key": record_key,
        "field": field,
        "footnote": footnote,
        "locator": locator,
        "quote": quote,
    }


_CITATION_COLUMNS = ("content_type_id", "object_id", "source__key", "field", "footnote")
_CITATION_COLUMNS += ("locator", "quote")


class CitationIndex:
    """The visible citations of a set of records as API items, loaded in one query.

    ``CitationIndex(user, institutions, milestones)`` then ``index.of(milestone)``; the web UI
    reads the same query (``sources.selectors.citations_of``, the ``citations_of`` hook).
    ``rows`` adds records known by model and primary key only (``(model, pk)`` pairs), then
    ``index.of_row(model, pk, key)``.
    """

    def __init__(
        self,
        user: Any,
        *groups: Iterable[models.Model],
        rows: Iterable[tuple[type[models.Model], int]] = (),
    ):
        from django.contrib.contenttypes.models import ContentType

        by_type: dict[int, set[int]] = {}
        for record in itertools.chain(*groups):
            by_type.setdefault(ContentType.objects.get_for_model(record).pk, set()).add(record.pk)
        for model, pk in rows:
            by_type.setdefault(ContentType.objects.get_for_model(model).pk, set()).add(pk)
        self._by_record: dict[tuple[int, int], list[tuple]] = {}
        if not by_type:
            return
        shape = tuple((content_type, len(ids)) for content_type, ids in sorted(by_type.items()))
        values = [pk for _content_type, ids in sorted(by_type.items()) for pk in sorted(ids)]
        for content_type, pk, *rest in prepared_rows(
            "citations", user, lambda *marks: _citations(user, shape, marks), values, shape=shape
        ):
            self._by_record.setdefault((content_type, pk), []).append(rest)

    def of(self, obj: models.Model) -> list[dict]:
        return self.of_row(type(obj), obj.pk, obj.key)

    def of_row(self, model: type[models.Model], pk: int, key: str) -> list[dict]:
        from django.contrib.contenttypes.models import ContentType

        if not self._by_record:  # most pages cite nothing
            return []
        found = self._by_record.get((ContentType.objects.get_for_model(model).pk, pk))
        if not found:
            return []
        record_type = _type_of_model(model) or model._meta.model_name
        return [_citation_fields(record_type, key, *row) for row in found]


def _citations(user: Any, shape: tuple[tuple[int, int], ...], ids: Sequence[int]):
    citations_of = hooks.provided("citations_of")  # sources sits above core (core.hooks)
    by_type, start = {}, 0
    for content_type, count in shape:
        by_type[content_type] = ids[start : start + count]
        start += count
    return citations_of(by_type, user).values_list(*_CITATION_COLUMNS)


def record_fields(obj: Any, citations: CitationIndex) -> dict:
    """The fields of ``RecordSchema`` for ``obj``."""
    return {
        "key": obj.key,
        "sensitivity": obj.sensitivity,
        "note": obj.note,
        "version": obj.version,
        "citations": citations.of(obj),
    }
