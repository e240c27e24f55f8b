"""Template filters that show an institution profile's codes as labels in the reader's language."""

from __future__ import annotations

from django import template

from nscap.institutions.choices import ActivityFocus, GeographicScope

register = template.Library()


def _labels(codes, choices) -> str:
    labels = dict(choices)
    return ", ".join(str(labels.get(code, code)) for code in codes or [])


@register.filter
def scope_labels(codes) -> str:
    """["national", "regional"] → "National, Regional" in the current language."""
    return _labels(codes, GeographicScope.choices)


@register.filter
def activity_labels(codes) -> str:
    """Activity-focus codes as their labels in the current language."""
    return _labels(codes, ActivityFocus.choices)
