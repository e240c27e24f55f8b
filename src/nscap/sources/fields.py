"""A form field for one source, typed rather than picked from a list of every document."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from nscap.core.record_fields import RecordField
from nscap.sources.picking import pick_source


class SourceField(RecordField):
    """One source the viewer may see, by title or key."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("Its title or key; suggestions as you type."))
        super().__init__(pick_source, "sources:suggest", **kwargs)
