"""Choosing one course by typing its title or key (the event form's course field)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from nscap.activities.models import Course
from nscap.core.record_fields import NotOneRecord, Suggestion, suggest_by_title

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    Viewer = AbstractBaseUser | AnonymousUser | None

SUGGESTIONS = 10


def pick_course(text: str, user: Viewer) -> Course:
    """The one visible course whose key or title (any case) is ``text``."""
    text = text.strip()
    visible = Course.objects.visible_to(user)
    by_key = visible.filter(key=text).first()
    if by_key is not None:
        return by_key
    same_title = list(
        visible.filter(title__iexact=text)
        .select_related("provider")
        .order_by("provider__name", "key")[:6]
    )
    if len(same_title) == 1:
        return same_title[0]
    if same_title:
        raise NotOneRecord(
            _(
                "Several courses are called “%(text)s”: %(courses)s. "
                "Type the key of the one you mean."
            )
            % {
                "text": text,
                "courses": "; ".join(
                    f"{c.provider.name if c.provider else c.provider_text} ({c.key})"
                    for c in same_title
                ),
            }
        )
    raise NotOneRecord(_("No course you can see is called “%(text)s”.") % {"text": text})


def suggest_courses(text: str, user: Viewer, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """Visible courses whose title contains ``text``, those starting with it first."""
    return suggest_by_title(Course.objects.visible_to(user), text, "provider__name", limit)
