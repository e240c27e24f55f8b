"""Test helper: the brief's citations of one record."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from nscap.sources.models import Citation

BRIEF_SOURCE = "brief-coe-east-asia"


def citations_of(obj: models.Model, **filters) -> models.QuerySet[Citation]:
    """Citations of the brief attached to ``obj`` (optionally filtered further)."""
    return Citation.objects.filter(
        source__key=BRIEF_SOURCE,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        **filters,
    )
