"""Template context: the viewer's role, for the navigation (lazy: no query unless used)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from nscap.core.visibility import is_steward


def roles(request: HttpRequest) -> dict:
    return {"is_steward": SimpleLazyObject(lambda: is_steward(getattr(request, "user", None)))}
