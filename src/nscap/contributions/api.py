"""The write API: create, update and delete records through changesets; review changesets.

Each write is one ``services.propose(origin="api")`` call, so the API validates, checks
permissions and records history exactly like web forms and imports. A write answers 201/200
with the record when the policy applies it at once, or 202 with the changeset when it waits
for a steward. ``If-Match`` (412) guards against lost updates; ``Idempotency-Key`` makes a
retried request return the first answer instead of making a second changeset.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Query, Router
from ninja import Query as QueryParam
from ninja.responses import Status
from pydantic import ValidationError as PydanticError

from nscap.accounts.api_auth import signed_in_auth, write_auth
from nscap.accounts.selectors import can_contribute, institution_ids_of
from nscap.contributions import services
from nscap.contributions.api_schemas import (
    WRITE_PATHS,
    ChangesetDetailSchema,
    ChangesetQuery,
    ChangesetSummarySchema,
    FieldErrorsSchema,
    MessageSchema,
    ReviewInput,
    WriteResultSchema,
    request_body,
)
from nscap.contributions.choices import ChangeAction, ChangesetStatus
from nscap.contributions.errors import Invalid, NotAllowed, NotFound, Stale
from nscap.contributions.models import Changeset
from nscap.contributions.record_types import RECORD_TYPES, RecordType, snapshot
from nscap.contributions.redaction import Redaction, redact_changes
from nscap.core.api_errors import PreconditionFailed
from nscap.core.api_support import (
    QueryErrorSchema,
    check_query,
    if_match_version,
    page_schema,
    paginate,
)
from nscap.core.request_limits import body_bytes, read_json
from nscap.core.visibility import is_steward

router = Router(tags=["changesets"])

API_ROOT = "/api/"
MAX_IDEMPOTENCY_KEY = 200

# Fields the server owns: a client that sends one is told so by name (when the record type's
# schema does not have a field of that name, e.g. milestones do have a ``status``).
SERVER_OWNED = frozenset(
    {
        "id",
        "pk",
        "version",
        "status",
        "author",
        "confirmation",
        "changeset",
        "citations",
        "created_at",
        "updated_at",
        "reviewed_by",
        "reviewed_at",
        "institution",
    }
)

WRITE_ERRORS: dict[int, Any] = {
    400: QueryErrorSchema,
    401: MessageSchema,
    403: MessageSchema,
    404: MessageSchema,
    409: MessageSchema,
    412: MessageSchema,
    422: FieldErrorsSchema,
}

IdempotencyKey = Header(
    None,
    alias="Idempotency-Key",
    description="Any unique text (e.g. a UUID); a retry with the same key gets the first "
    "answer and never makes a second changeset.",
)
Comment = QueryParam(
    "", max_length=5000, description="Why: shown to the steward and kept in the history."
)
IfMatch = Header(
    None,
    alias="If-Match",
    description="The ETag of the record as last read; 412 when the record changed since.",
)


# --- answers ---------------------------------------------------------------------------------


def changeset_url(changeset: Changeset) -> str:
    return f"{API_ROOT}changesets/{changeset.pk}"


def changeset_summary(changeset: Changeset) -> dict:
    return {
        "id": changeset.pk,
        "status": changeset.status,
        "origin": changeset.origin,
        "url": changeset_url(changeset),
        "author": changeset.author.get_username(),
        "comment": changeset.comment,
        "review_comment": changeset.review_comment,
        "created_at": changeset.created_at,
        "reviewed_at": changeset.reviewed_at,
    }


def _diff(action: str, before: dict, after: dict) -> list[dict]:
    names = list(after) if action != ChangeAction.DELETE else list(before)
    return [
        {"field": name, "before": before.get(name), "after": after.get(name)}
        for name in names
        if before.get(name) != after.get(name)
    ]


def changeset_detail(changeset: Changeset, user: Any) -> dict:
    """The changeset with each change's values as ``user`` may see them (``redaction``): links
    to hidden records blank, a version the user may not see left out (``withheld``)."""
    changes = list(changeset.changes.order_by("position"))
    shown = redact_changes(Redaction(user), changes, changeset.author_id)
    return {
        **changeset_summary(changeset),
        "changes": [
            {
                "position": change.position,
                "action": change.action,
                "record_type": change.record_type,
                "record_key": change.record_key,
                "base_version": change.base_version,
                "data": data or {},
                "before": before or {},
                "diff": _diff(change.action, before or {}, data or {}),
                "withheld": before is None or data is None,
            }
            for change, (before, data) in zip(changes, shown, strict=True)
        ],
        "sources": sorted(changeset.sources.values_list("key", flat=True)),
    }


def _answer(request: HttpRequest, changeset: Changeset, response: HttpResponse) -> Status:
    """201/200 with the record when the changeset was applied, else 202 with the changeset."""
    response["Location"] = changeset_url(changeset)
    if changeset.status != ChangesetStatus.APPLIED:
        return Status(202, changeset_summary(changeset))
    change = changeset.changes.order_by("position").first()
    rt = RECORD_TYPES[change.record_type]
    instance = rt.model.objects.visible_to(request.user).filter(key=change.record_key).first()
    deleted = change.action == ChangeAction.DELETE or instance is None
    url = None if deleted else f"{API_ROOT}{WRITE_PATHS[rt.name]}/{instance.key}"
    if not deleted:
        response["ETag"] = f'W/"{instance.key}-v{instance.version}"'
        response["Location"] = url
    result = {
        "record_type": rt.name,
        "key": change.record_key,
        "version": None if deleted else instance.version,
        "url": url,
        "deleted": deleted,
        "values": Redaction(request.user).links(
            rt, change.before if deleted else snapshot(rt, instance)
        ),
        "changeset": changeset_summary(changeset),
    }
    return Status(201 if change.action == ChangeAction.CREATE else 200, result)


# --- checks before proposing ------------------------------------------------------------------


def _error(field: str | None, message: str) -> dict:
    return {"change": 0, "field": field, "message": message}


def _body(request: HttpRequest, required: bool = True) -> dict:
    """The JSON object the request carries (422 naming the problem when it is not one)."""
    if not body_bytes(request).strip():
        if required:
            raise Invalid([_error(None, _("The request needs a JSON object as its body."))])
        return {}
    try:
        body = read_json(request)  # 413 when too large, 400 when nested too deeply
    except (ValueError, UnicodeDecodeError) as exc:
        message = _("The body is not valid JSON: %(error)s") % {"error": exc}
        raise Invalid([_error(None, message)]) from exc
    if not isinstance(body, dict):
        raise Invalid([_error(None, _("The body must be a JSON object of field values."))])
    return body


def _check_fields(rt: RecordType, body: dict) -> None:
    """Refuse server-owned and unknown fields, each by name, all at once."""
    allowed = rt.schema.model_fields
    errors = []
    for name in body:
        if name in allowed:
            continue
        if name in SERVER_OWNED:
            errors.append(_error(name, _("'%(field)s' is set by the server.") % {"field": name}))
        else:
            errors.append(
                _error(
                    name,
                    _("Unknown field '%(field)s'. Allowed: %(allowed)s")
                    % {"field": name, "allowed": ", ".join(allowed)},
                )
            )
    if errors:
        raise Invalid(errors)


def _default_owner(request: HttpRequest, rt: RecordType, body: dict) -> None:
    """A new record left without its owner field is for the author's institution (a member of
    several must name one). Who may name which owner is the services' rule (``rules``)."""
    user, field = request.user, rt.owner
    if is_steward(user) or not field or field in body:
        return
    from nscap.institutions.models import Institution

    own_keys = sorted(
        Institution.objects.filter(pk__in=institution_ids_of(user)).values_list("key", flat=True)
    )
    if len(own_keys) > 1:
        raise Invalid(
            [
                _error(
                    field,
                    _("Name the institution this is for: one of %(keys)s.")
                    % {"keys": ", ".join(own_keys)},
                )
            ]
        )
    if own_keys:
        body[field] = own_keys[0]


def _whole(rt: RecordType, body: dict, key: str) -> dict:
    """PUT: the body is the whole record; what it leaves out goes back to its default."""
    try:
        return rt.schema.model_validate({**body, "key": key}).model_dump(mode="json")
    except PydanticError as exc:
        raise Invalid(
            [
                _error(
                    ".".join(str(part) for part in err["loc"]) or None,
                    err["msg"].removeprefix("Value error, "),
                )
                for err in exc.errors()
            ]
        ) from exc


def _idempotency_key(value: str | None) -> str:
    value = (value or "").strip()
    if len(value) > MAX_IDEMPOTENCY_KEY:
        raise Invalid(
            [
                _error(
                    "Idempotency-Key",
                    _("The Idempotency-Key may be at most %(n)s characters.")
                    % {"n": MAX_IDEMPOTENCY_KEY},
                )
            ]
        )
    return value


def _earlier(request: HttpRequest, key: str, action: str, rt: RecordType, record_key: str | None):
    """The changeset an earlier request with this Idempotency-Key made, if any."""
    if not key or not request.user.is_authenticated:
        return None
    changeset = Changeset.objects.filter(author=request.user, idempotency_key=key).first()
    if changeset is None:
        return None
    change = changeset.changes.order_by("position").first()
    same = (
        change is not None
        and change.action == action
        and change.record_type == rt.name
        and (record_key is None or change.record_key == record_key)
    )
    if not same:
        raise Invalid(
            [
                _error(
                    "Idempotency-Key",
                    _(
                        "This Idempotency-Key was used for another request (changeset "
                        "%(id)s); use a new key for a new request."
                    )
                    % {"id": changeset.pk},
                )
            ]
        )
    return changeset


def _write(
    request: HttpRequest,
    response: HttpResponse,
    rt: RecordType,
    action: str,
    key: str | None,
    idempotency_key: str | None,
    mode: str = "",
) -> Status:
    check_query(request, ("comment",))
    if not can_contribute(request.user):
        raise NotAllowed(_("Only stewards and members of an institution may propose changes."))
    comment = request.GET.get("comment", "")
    idem = _idempotency_key(idempotency_key)
    earlier = _earlier(request, idem, action, rt, key)
    if earlier is not None:
        return _answer(request, earlier, response)
    instance, base_version = None, None
    if key is not None:
        instance = rt.model.objects.visible_to(request.user).filter(key=key).first()
        if instance is None:
            raise NotFound(
                _("No %(type)s with key '%(key)s'.")
                % {"type": rt.name.replace("_", " "), "key": key}
            )
        base_version = if_match_version(request, instance)
    values: dict[str, Any] = {}
    if action != ChangeAction.DELETE:
        values = _body(request)
        _check_fields(rt, values)
        if key is not None and values.get("key", key) != key:
            raise Invalid([_error("key", _("The key of a record cannot be changed."))])
        if instance is None:
            _default_owner(request, rt, values)
        if mode == "put":
            values = _whole(rt, values, key)
    change = services.ProposedChange(action, rt.name, key, values, base_version)
    try:
        changeset = services.propose(
            request.user, [change], comment=comment, origin="api", idempotency_key=idem
        )
    except Stale as exc:
        if base_version is not None:
            raise PreconditionFailed(exc.message) from exc
        raise
    return _answer(request, changeset, response)


# --- write operations, added to each app's router so they share the read paths ----------------


def _create_view(rt: RecordType) -> Callable:
    def create(
        request: HttpRequest,
        response: HttpResponse,
        comment: str = Comment,
        idempotency_key: str = IdempotencyKey,
    ):
        return _write(request, response, rt, ChangeAction.CREATE, None, idempotency_key)

    create.__doc__ = (
        f"Propose a new {rt.name.replace('_', ' ')} (body: {rt.schema.__name__}); 201 when "
        "applied at once, 202 when it waits for a steward."
    )
    return create


def _update_view(rt: RecordType, mode: str) -> Callable:
    def update(
        request: HttpRequest,
        response: HttpResponse,
        key: str,
        comment: str = Comment,
        idempotency_key: str = IdempotencyKey,
        if_match: str = IfMatch,
    ):
        return _write(request, response, rt, ChangeAction.UPDATE, key, idempotency_key, mode)

    what = "the fields sent" if mode == "patch" else "the whole record (left-out fields reset)"
    update.__doc__ = (
        f"Propose a change to {what} of a {rt.name.replace('_', ' ')}; 200 when applied at "
        "once, 202 when it waits for a steward."
    )
    return update


def _delete_view(rt: RecordType) -> Callable:
    def delete(
        request: HttpRequest,
        response: HttpResponse,
        key: str,
        comment: str = Comment,
        idempotency_key: str = IdempotencyKey,
        if_match: str = IfMatch,
    ):
        return _write(request, response, rt, ChangeAction.DELETE, key, idempotency_key)

    delete.__doc__ = (
        f"Propose deleting a {rt.name.replace('_', ' ')}; 200 when applied at once, 202 when "
        "it waits for a steward."
    )
    return delete


def _named(view: Callable, name: str) -> Callable:
    view.__name__ = view.__qualname__ = name
    return view


def add_write_operations(router: Router, record_type: str) -> None:
    """POST on the list path, PATCH / PUT / DELETE on the detail path of ``record_type``."""
    rt = RECORD_TYPES[record_type]
    path = f"/{WRITE_PATHS[record_type]}"
    schema = rt.schema.__name__
    written = {200: WriteResultSchema, 201: WriteResultSchema, 202: ChangesetSummarySchema}
    router.add_api_operation(
        path,
        ["POST"],
        _named(_create_view(rt), f"create_{record_type}"),
        auth=write_auth(),
        response={**written, **WRITE_ERRORS},
        openapi_extra=request_body(schema),
    )
    for method, mode, body in (("PATCH", "patch", f"{schema}Patch"), ("PUT", "put", schema)):
        router.add_api_operation(
            f"{path}/{{key}}",
            [method],
            _named(_update_view(rt, mode), f"{mode}_{record_type}"),
            auth=write_auth(),
            response={**written, **WRITE_ERRORS},
            openapi_extra=request_body(body),
        )
    router.add_api_operation(
        f"{path}/{{key}}",
        ["DELETE"],
        _named(_delete_view(rt), f"delete_{record_type}"),
        auth=write_auth(),
        response={**written, **WRITE_ERRORS},
    )


# --- changesets -------------------------------------------------------------------------------


def _changesets(user) -> QuerySet:
    """Stewards see every changeset; anyone else their own."""
    changesets = Changeset.objects.select_related("author").order_by("-created_at", "-id")
    return changesets if is_steward(user) else changesets.filter(author=user)


READ_ERRORS = {400: QueryErrorSchema, 401: MessageSchema}


@router.get(
    "/changesets",
    auth=signed_in_auth(),
    response={200: page_schema(ChangesetSummarySchema), **READ_ERRORS},
)
def list_changesets(request: HttpRequest, query: Query[ChangesetQuery]):
    """Your changesets, newest first (stewards: everyone's). Filter: status."""
    changesets = _changesets(request.user)
    if query.status:
        changesets = changesets.filter(status=query.status.value)
    return paginate(
        request, query, changesets, lambda objects: [changeset_summary(c) for c in objects]
    )


@router.get(
    "/changesets/{changeset_id}",
    auth=signed_in_auth(),
    response={200: ChangesetDetailSchema, 404: MessageSchema, **READ_ERRORS},
)
def get_changeset(request: HttpRequest, changeset_id: int):
    """One changeset with its changes and a per-field diff (yours, or any for stewards)."""
    check_query(request, ())
    changeset = _changesets(request.user).filter(pk=changeset_id).first()
    if changeset is None:
        raise NotFound(_("No changeset %(id)s of yours.") % {"id": changeset_id})
    return changeset_detail(changeset, request.user)


REVIEW_RESPONSES = {
    200: ChangesetDetailSchema,
    400: QueryErrorSchema,
    401: MessageSchema,
    403: MessageSchema,
    404: MessageSchema,
    409: MessageSchema,
    422: FieldErrorsSchema,
}


def _review(request: HttpRequest, changeset_id: int, service: Callable) -> dict:
    check_query(request, ())
    if not is_steward(request.user):
        raise NotAllowed(_("Only stewards review changesets."))
    body = _body(request, required=False)
    try:
        review = ReviewInput.model_validate(body)
    except PydanticError as exc:
        raise Invalid(
            [
                {"change": None, "field": ".".join(map(str, e["loc"])) or None, "message": e["msg"]}
                for e in exc.errors()
            ]
        ) from exc
    changeset = service(request.user, changeset_id, review.comment)
    return changeset_detail(changeset, request.user)


@router.post(
    "/changesets/{changeset_id}/approve",
    auth=write_auth(),
    response=REVIEW_RESPONSES,
    openapi_extra=request_body("ReviewInput", required=False),
)
def approve_changeset(request: HttpRequest, changeset_id: int):
    """Stewards: apply the whole changeset in one transaction (409 if reviewed or stale)."""
    return _review(request, changeset_id, services.approve)


@router.post(
    "/changesets/{changeset_id}/reject",
    auth=write_auth(),
    response=REVIEW_RESPONSES,
    openapi_extra=request_body("ReviewInput", required=False),
)
def reject_changeset(request: HttpRequest, changeset_id: int):
    """Stewards: reject the changeset, with a comment the author sees."""
    return _review(request, changeset_id, services.reject)


@router.post(
    "/changesets/{changeset_id}/ask-for-more",
    auth=write_auth(),
    response=REVIEW_RESPONSES,
    openapi_extra=request_body("ReviewInput", required=False),
)
def ask_for_more_changeset(request: HttpRequest, changeset_id: int):
    """Stewards: send the changeset back to its author; the comment says what is needed."""
    return _review(request, changeset_id, services.ask_for_more)
