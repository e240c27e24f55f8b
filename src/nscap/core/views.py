"""The home page: headline counts and the brief's headline figures, all through visibility."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nscap.activities.charts import courses_by_provider_chart
from nscap.core.selectors import citations_for, headline_counts, headline_quantities


def home(request: HttpRequest) -> HttpResponse:
    quantities = headline_quantities(request.user)
    return render(
        request,
        "core/home.html",
        {
            "counts": headline_counts(request.user),
            "courses_chart": courses_by_provider_chart(request.user),
            "quantities": quantities,
            "citations": citations_for(quantities, request.user),
        },
    )
