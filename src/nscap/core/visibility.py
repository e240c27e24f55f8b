"""The one read filter: which records a viewer may see.

Every page, API response, search, count and export reads records through
``Model.objects.visible_to(user)``. A second read path that skips it is a leak.

Rules: public records are seen by everyone; stewards (the ``stewards`` group) and superusers see
everything; network and restricted records are otherwise hidden until accounts tie users to
institutions and networks (the crowdsourcing issue widens this, in this one place).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from nscap.core.choices import Sensitivity

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

STEWARDS_GROUP = "stewards"


def is_steward(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=STEWARDS_GROUP).exists()


class RecordQuerySet(models.QuerySet):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser | None) -> RecordQuerySet:
        if is_steward(user):
            return self
        return self.filter(sensitivity=Sensitivity.PUBLIC)


RecordManager = models.Manager.from_queryset(RecordQuerySet)
