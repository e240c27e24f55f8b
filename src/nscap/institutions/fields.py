"""A form field for one institution, typed rather than picked from a list of every center."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from nscap.core.record_fields import RecordField
from nscap.institutions.picking import pick_institution


class InstitutionField(RecordField):
    """One institution the viewer may see, by key, name, alias or acronym in any script."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("A name, an acronym or a key; suggestions as you type."))
        super().__init__(pick_institution, "institutions:suggest", **kwargs)
