"""Paging of long HTML lists: Django's Paginator, with pager links that keep the other filters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, items: Sequence[Any], per_page: int) -> tuple[Page, str]:
    """The requested page of ``items`` and the start of its pager links (``?q=…&page=``).

    The links keep every other query parameter (the filters and search), so they work as plain
    links without JavaScript.

    ``get_page`` clamps: a page that is not a number gives the first, one past the end the last.
    """
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    return page, f"?{query}&page=" if query else "?page="
