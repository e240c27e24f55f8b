"""A form field for one course, typed rather than picked from a list of every course."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from nscap.activities.picking import pick_course
from nscap.core.record_fields import RecordField


class CourseField(RecordField):
    """One course the viewer may see, by title or key."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("Its title or key; suggestions as you type."))
        super().__init__(pick_course, "activities:suggest", **kwargs)
