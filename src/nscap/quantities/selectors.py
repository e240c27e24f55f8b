"""Shared reads of quantities, through visibility."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nscap.quantities.models import Quantity


def visible_quantities(user: Any) -> QuerySet:
    """Quantities ``user`` may see, with everything they are about also visible."""
    return Quantity.objects.visible_to(user).select_related(
        "institution", "network", "needs_assessment"
    )
