"""The notifications API: one's own notifications and marking them read.

``GET /api/notifications`` (``unread``, ``limit``, ``offset``), ``POST
/api/notifications/{id}/read``, ``POST /api/notifications/read-all``. A token or a session;
someone else's notification answers 404, as one that does not exist.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from nscap.accounts.api_auth import signed_in_auth, write_auth
from nscap.contributions.api_schemas import MessageSchema
from nscap.core.api_support import PageQuery, check_query
from nscap.notifications import services
from nscap.notifications.models import Notification
from nscap.notifications.texts import body, title

router = Router(tags=["notifications"])
ERRORS: dict[int, Any] = {
    400: MessageSchema,
    401: MessageSchema,
    403: MessageSchema,
    404: MessageSchema,
}


class NotificationSchema(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


class NotificationPageSchema(Schema):
    count: int
    unread: int
    items: list[NotificationSchema]


class NotificationQuery(PageQuery):
    unread: bool = False


class ReadAllSchema(Schema):
    marked: int


def _item(notification: Notification) -> dict:
    return {
        "id": notification.pk,
        "kind": notification.kind,
        "kind_label": str(notification.get_kind_display()),
        "title": title(notification),
        "body": body(notification),
        "url": notification.url,
        "created_at": notification.created_at,
        "read_at": notification.read_at,
    }


@router.get(
    "/notifications",
    auth=signed_in_auth(),
    response={200: NotificationPageSchema, **ERRORS},
)
def list_notifications(request: HttpRequest, query: Query[NotificationQuery]):
    """Your notifications, newest first (``unread=true``: only those not read yet)."""
    check_query(request, NotificationQuery)
    mine = Notification.objects.filter(recipient=request.user)
    if query.unread:
        mine = mine.filter(read_at__isnull=True)
    return {
        "count": mine.count(),
        "unread": services.unread_count(request.user),
        "items": [_item(n) for n in mine[query.offset : query.offset + query.limit]],
    }


@router.post(
    "/notifications/{notification_id}/read",
    auth=write_auth(),
    response={200: NotificationSchema, **ERRORS},
)
def read_notification(request: HttpRequest, notification_id: int):
    """Mark one of your notifications read."""
    notification = services.mark_read(request.user, notification_id)
    if notification is None:
        raise HttpError(404, "no such notification")
    return _item(notification)


@router.post("/notifications/read-all", auth=write_auth(), response={200: ReadAllSchema, **ERRORS})
def read_all_notifications(request: HttpRequest):
    """Mark all your notifications read; answers how many were unread."""
    return {"marked": services.mark_all_read(request.user)}
