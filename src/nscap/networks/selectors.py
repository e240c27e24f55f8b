"""Shared reads about networks that lower layers need."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from nscap.networks.models import Membership


def peer_institution_ids(institution_ids: Iterable[int]) -> QuerySet:
    """Ids of every institution in a network with one of ``institution_ids``, as one query
    (``core.visibility`` asks this through the ``peer_institutions`` hook)."""
    networks = Membership.objects.filter(institution_id__in=institution_ids).values("network_id")
    return Membership.objects.filter(network_id__in=networks).values_list(
        "institution_id", flat=True
    )
