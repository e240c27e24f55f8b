"""``{% held_names "training_event" event.key as names %}``: a record's names still held as
written (unreconciled partners), for pages that already checked the viewer may see the record.
A tag, not an import, so the record's own app does not reach up into this one."""

from __future__ import annotations

from django import template

from nscap.reconciliation.choices import MentionState
from nscap.reconciliation.selectors import mentions_of

register = template.Library()


@register.simple_tag(takes_context=True)
def held_names(context, record_type: str, key: str, field: str = "partners") -> list[dict]:
    user = context.get("user")
    return [
        m
        for m in mentions_of(user, record_type, key)
        # A partner decided to be an institution is among the partners now; any other stays
        # shown as written ("not an institution" included).
        if m["field"] == field
        and not (m["state"] == MentionState.DECIDED and m["decision"] in ("pick", "new"))
    ]
