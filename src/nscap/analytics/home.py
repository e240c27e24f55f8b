"""The home page: headline counts and the brief's headline figures, all through visibility.

It sits in ``analytics`` because it reads across the apps (institutions, courses, claims,
quantities); ``core``, which every app builds on, may not import them (``core.hooks``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nscap.activities.charts import courses_by_provider_chart, provider_course_counts
from nscap.analytics.figures import figures
from nscap.analytics.page_cache import cached_content
from nscap.institutions.visible import center_countries, visible_centers, visible_institutions
from nscap.quantities.selectors import visible_quantities
from nscap.sources.selectors import citations_for

HEADLINE_QUANTITY_KEYS = [
    "wins-2013-professionals-worldwide",
    "wins-2013-capacity-share",
    "iaea-2014-courses",
    "iaea-2014-people-trained",
    "insa-planned-trainees-per-year",
    "reactors-under-construction-east-asia",
    "reactors-under-construction-world",
]

# The catalogue figures the home page shows (docs/figures.md).
HOME_FIGURES = ("centers", "countries_with_center", "claims_total")


def headline_counts(user: Any) -> dict[str, int]:
    """Counts for the home page, each over what ``user`` may see.

    Cached per viewer class and data version: counting every visible course and claim took
    the home page 150 ms at 1M events.
    """
    from nscap.activities.models import Course
    from nscap.analytics.cache import cached
    from nscap.collaboration.models import CollaborationClaim

    def compute() -> dict[str, int]:
        institutions = visible_institutions(user)
        return {
            "institutions": institutions.count(),
            "centers": visible_centers(user).count(),
            "countries": len(center_countries(user)),
            "courses": Course.objects.visible_to(user).count(),
            "claims": CollaborationClaim.objects.visible_to(user).count(),
        }

    return cached("headline-counts", user, {}, compute)


def headline_quantities(user: Any) -> list:
    """The brief's headline figures that exist and ``user`` may see, in a fixed order."""
    found = {q.key: q for q in visible_quantities(user).filter(key__in=HEADLINE_QUANTITY_KEYS)}
    return [found[key] for key in HEADLINE_QUANTITY_KEYS if key in found]


def home(request: HttpRequest) -> HttpResponse:
    """The registry at a glance; its content is rendered once per viewer class and data version."""
    user = request.user
    has_chart = bool(provider_course_counts(user))

    def build() -> dict:
        quantities = headline_quantities(user)
        return {
            "counts": headline_counts(user),
            "figures": figures(user, HOME_FIGURES),
            "courses_chart": courses_by_provider_chart(user),
            "quantities": quantities,
            "citations": citations_for(quantities, user),
        }

    content = cached_content(request, "home", "core/_home_content.html", build)
    return render(request, "core/home.html", {"content": content, "has_chart": has_chart})
