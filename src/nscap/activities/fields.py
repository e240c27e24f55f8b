"""A form field for one course, typed rather than picked from a list of every course."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from nscap.activities.picking import pick_course
from nscap.core.record_fields import RecordField


class CourseField(RecordField):
    """One course the viewer may see, by title or key; within the host a form has chosen
    (``host_of``: returns its key, or None) when a title alone names several."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("Its title or key; suggestions as you type."))
        super().__init__(pick_course, "activities:suggest", **kwargs)
        self.host_of: Callable[[], str | None] = lambda: None

    def resolve(self, text: str) -> Any:
        return pick_course(text, self.user, host=self.host_of())
