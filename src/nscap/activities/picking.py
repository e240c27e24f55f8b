"""Choosing one course by typing its title or key (the event form's course field)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from nscap.activities.models import Course
from nscap.core.country_names import fold
from nscap.core.record_fields import NotOneRecord, Suggestion, suggest_by_title

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    Viewer = AbstractBaseUser | AnonymousUser | None

SUGGESTIONS = 10


def pick_course(text: str, user: Viewer, host: str | None = None) -> Course:
    """The one visible course whose key or title (any case) is ``text``; with ``host`` (an
    institution's key), among that host's own courses first, titles compared with case and
    accents folded (issue 16: a title shared by several providers is then no longer "type the
    key")."""
    text = text.strip()
    visible = Course.objects.visible_to(user)
    by_key = visible.filter(key=text).first()
    if by_key is not None:
        return by_key
    if host:
        return _pick_within_host(text, visible, host) or _pick_anywhere(text, visible)
    return _pick_anywhere(text, visible)


def _pick_within_host(text: str, visible: QuerySet, host: str) -> Course | None:
    """The host's one course titled ``text`` (folded), None when it has none; several raise."""
    wanted = fold(text)
    mine = [
        course
        for course in visible.filter(provider__key=host).select_related("provider")
        if fold(course.title) == wanted or course.key == wanted
    ]
    if len(mine) > 1:
        raise NotOneRecord(
            _(
                "%(host)s has several courses called “%(text)s”: %(courses)s. "
                "Type the key of the one you mean."
            )
            % {
                "host": mine[0].provider.name,
                "text": text,
                "courses": "; ".join(f"{c.title} ({c.key})" for c in mine),
            }
        )
    return mine[0] if mine else None


def _pick_anywhere(text: str, visible: QuerySet) -> Course:
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
                "Choose the host first, or type the key of the one you mean."
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
