"""Template filters for labels: each topic of a record with its basis, stated or inferred."""

from __future__ import annotations

from typing import Any

from django import template

from nscap.vocabularies.inferred import TOPICS, with_basis

register = template.Library()


@register.filter
def topics_with_basis(record: Any) -> list[dict[str, Any]]:
    """``record.topics`` (as loaded: through the visible queryset) with their basis."""
    return with_basis(record, TOPICS, record.topics.all())
