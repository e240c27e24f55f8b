"""Template context: the inbox badge's number (lazy: counted only when a page shows it)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from nscap.notifications.services import unread_count


def inbox(request: HttpRequest) -> dict:
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(request.user))}
