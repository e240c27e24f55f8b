"""A page's content rendered once per viewer class, data version, language and parameters.

The site's header and footer (the viewer's name, CSRF token, messages) are rendered per request;
only the content template, which holds nothing but what the viewer class may see, is cached.
Two viewers of one class see exactly the same records, and every write bumps the data version
(``nscap.analytics.cache``), so a cached content is never stale nor shown to another class.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from nscap.analytics.cache import cached


def cached_content(
    request: HttpRequest,
    name: str,
    template: str,
    build: Callable[[], dict[str, Any]],
    params: dict[str, Any] | None = None,
) -> SafeString:
    """``template`` rendered with ``build()``'s context, or its cached rendering."""

    def render() -> str:
        return render_to_string(template, build(), request)

    key = {**(params or {}), "language": get_language()}
    return mark_safe(cached(f"content-{name}", request.user, key, render))  # noqa: S308 (ours)
