"""The one read filter: which records a viewer may see.

Every page, API response, search, count and export reads records through
``Model.objects.visible_to(user)``. A second read path that skips it is a leak.

Rules: public records are seen by everyone; stewards (the ``stewards`` group) and superusers see
everything; a restricted record is seen by the members of its owner institution; a network
record by signed-in members of any institution that shares a network with its owner (and by
the owner's own members). The owner of a record is the institution at ``visibility_owner_path``
(an institution is its own owner; a course's owner is its provider); a record with no owner is
public or steward-only.

A record is also hidden when a record it is shown *through* is hidden: a model lists those
foreign keys in ``visibility_links`` (a claim's claimant and partner, a course's provider), so a
hidden institution never shows as a name, a link or a count on somebody else's record. Rows that
are parts of a record (labels, event partners) follow their owner: ``visibility_owner``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from nscap.core.choices import Sensitivity

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

STEWARDS_GROUP = "stewards"


def is_steward(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """Stewards and superusers see every record. Cached on the user for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_nscap_is_steward", None)
    if cached is None:
        cached = user.groups.filter(name=STEWARDS_GROUP).exists()
        user._nscap_is_steward = cached
    return cached


def viewer_institutions(user) -> tuple[frozenset[int], frozenset[int]]:
    """(own, peers): ids of the user's institutions and of institutions sharing a network.

    Computed once per user object (one request) and cached on it.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset(), frozenset()
    cached = getattr(user, "_nscap_viewer_institutions", None)
    if cached is not None:
        return cached
    from nscap.accounts.models import Affiliation
    from nscap.networks.models import Membership

    own = frozenset(Affiliation.objects.filter(user=user).values_list("institution_id", flat=True))
    networks = Membership.objects.filter(institution_id__in=own).values("network_id")
    peers = (
        frozenset(
            Membership.objects.filter(network_id__in=networks).values_list(
                "institution_id", flat=True
            )
        )
        | own
    )
    user._nscap_viewer_institutions = (own, peers)
    return own, peers


def _own_sensitivity_visible(queryset: models.QuerySet, user) -> models.QuerySet:
    condition = Q(sensitivity=Sensitivity.PUBLIC)
    owner = getattr(queryset.model, "visibility_owner_path", "")
    own, peers = viewer_institutions(user)
    if owner and own:
        condition |= Q(sensitivity=Sensitivity.NETWORK, **{f"{owner}__in": peers})
        condition |= Q(sensitivity=Sensitivity.RESTRICTED, **{f"{owner}__in": own})
    return queryset.filter(condition)


def _linked_visible(queryset: models.QuerySet, field: str, user) -> models.QuerySet:
    related = queryset.model._meta.get_field(field).related_model
    visible = related.objects.visible_to(user).values("pk")
    if queryset.model._meta.get_field(field).null:
        return queryset.filter(Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__in": visible}))
    return queryset.filter(**{f"{field}__in": visible})


class RecordQuerySet(models.QuerySet):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser | None) -> RecordQuerySet:
        if is_steward(user):
            return self
        queryset = _own_sensitivity_visible(self, user)
        for field in getattr(self.model, "visibility_links", ()):
            queryset = _linked_visible(queryset, field, user)
        return queryset


class OwnedRowQuerySet(models.QuerySet):
    """Rows with no sensitivity of their own: seen exactly when their owner record is."""

    def visible_to(self, user: AbstractBaseUser | AnonymousUser | None) -> OwnedRowQuerySet:
        if is_steward(user):
            return self
        queryset = self
        for field in (self.model.visibility_owner, *getattr(self.model, "visibility_links", ())):
            queryset = _linked_visible(queryset, field, user)
        return queryset


RecordManager = models.Manager.from_queryset(RecordQuerySet)
OwnedRowManager = models.Manager.from_queryset(OwnedRowQuerySet)
