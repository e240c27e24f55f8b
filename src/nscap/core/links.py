"""Links to addresses that people typed: live only when their scheme cannot run code.

The record schemas refuse any web address that is not ``http``/``https``
(``nscap.contributions.fields.WebAddress``), but rows stored before that rule, or written by a
path that forgot it, may still hold ``javascript:alert(1)``. Every template that turns a stored
address into a link goes through :func:`external_link`, which prints any other scheme as plain
text, so the rule holds on output too.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.utils.html import format_html
from django.utils.safestring import SafeString

# Schemes shown as links; mailto is harmless to render, though no record field accepts it.
LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def is_link_safe(url: str) -> bool:
    """True when ``url`` has a scheme from ``LINK_SCHEMES`` (browsers ignore case, spaces and
    control characters in a scheme, hence the normalisation before ``urlsplit``)."""
    cleaned = "".join(ch for ch in url if ch > " " and ch != "\x7f")
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return False
    return scheme in LINK_SCHEMES


def external_link(url: str | None, text: str | None = None) -> SafeString | str:
    """``<a href=url>text</a>`` when the address is safe to follow, else the escaped text."""
    if not url:
        return text or ""
    if not is_link_safe(url):
        return text or url
    return format_html('<a href="{}" rel="nofollow noopener">{}</a>', url.strip(), text or url)
