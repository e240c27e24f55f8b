"""The institutions a viewer may see, and the centers among them.

One definition each, read by pages, API, figures and tests alike, always through
``visible_to(user)``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nscap.institutions.models import Institution

CENTER_KINDS = ["center_of_excellence", "nssc"]


def visible_institutions(user: Any) -> QuerySet[Institution]:
    """The institutions ``user`` may see."""
    return Institution.objects.visible_to(user)


def visible_centers(user: Any) -> QuerySet[Institution]:
    """The centers ``user`` may see: centers of excellence and NSSCs alike (``CENTER_KINDS``)."""
    return visible_institutions(user).filter(kind__in=CENTER_KINDS)


def center_countries(user: Any) -> list[str]:
    """The countries with a center, as sorted ISO codes: the countries *of the centers
    themselves*, over what ``user`` may see.

    This is the one definition of "countries" in the registry's headline figures (the brief's
    "seven COE in six East Asian countries"). Counting every visible institution's country
    instead counted the United States, home of partner bodies that are not centers, and gave
    seven (issue 15, found 1). The home page, the institution list's "any center" view and the
    tests that compare with the brief all call this function.
    """
    return sorted(set(visible_centers(user).exclude(country="").values_list("country", flat=True)))
