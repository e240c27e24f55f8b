"""Choosing one source by typing its title or key (the event form's "cite a source" field)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from nscap.core.record_fields import NotOneRecord, Suggestion, suggest_by_title
from nscap.sources.models import Source

SUGGESTIONS = 10


def pick_source(text: str, user: Any) -> Source:
    """The one visible source whose key or title (any case) is ``text``."""
    text = text.strip()
    visible = Source.objects.visible_to(user)
    by_key = visible.filter(key=text).first()
    if by_key is not None:
        return by_key
    same_title = list(visible.filter(title__iexact=text).order_by("key")[:6])
    if len(same_title) == 1:
        return same_title[0]
    if same_title:
        raise NotOneRecord(
            _("Several sources are called “%(text)s”: %(keys)s. Type the key of the one you mean.")
            % {"text": text, "keys": ", ".join(s.key for s in same_title)}
        )
    raise NotOneRecord(_("No source you can see is called “%(text)s”.") % {"text": text})


def suggest_sources(text: str, user: Any, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """Visible sources whose title contains ``text``, with their publisher beside them."""
    return suggest_by_title(Source.objects.visible_to(user), text, "publisher", limit)
