"""The home page: headline counts and the brief's headline figures, all through visibility."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nscap.activities.charts import courses_by_provider_chart, provider_course_counts
from nscap.analytics.figures import figures
from nscap.core.page_cache import cached_content
from nscap.core.selectors import citations_for, headline_counts, headline_quantities

# The catalogue figures the home page shows (docs/figures.md).
HOME_FIGURES = ("centers", "countries_with_center", "claims_total")


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
