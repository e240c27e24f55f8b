"""Who a user is to the registry: stewards, institutions' contributors and admins."""

from __future__ import annotations

from typing import Any

from nscap.accounts.choices import AffiliationRole
from nscap.accounts.models import Affiliation
from nscap.core.visibility import is_steward, viewer_institutions


def affiliated_institution_ids(user: Any):
    """Ids of the institutions ``user`` is affiliated with, as a query (``core.hooks``:
    ``core.visibility`` asks this through the ``own_institutions`` hook)."""
    return Affiliation.objects.filter(user=user).values_list("institution_id", flat=True)


def institution_ids_of(user: Any) -> frozenset[int]:
    """Ids of the institutions ``user`` works for (empty for visitors and stewards)."""
    return viewer_institutions(user)[0]


def is_admin_of(user: Any, institution_id: int | None) -> bool:
    if institution_id is None or user is None or not user.is_authenticated:
        return False
    return Affiliation.objects.filter(
        user=user, institution_id=institution_id, role=AffiliationRole.ADMIN
    ).exists()


def can_contribute(user: Any) -> bool:
    """Stewards and anyone affiliated with an institution may propose changes."""
    return is_steward(user) or bool(institution_ids_of(user))
