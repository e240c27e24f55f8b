"""Sources: the documents behind the registry's facts, and what cites each one."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from nscap.core.record_fields import suggestion_view
from nscap.sources.models import Source
from nscap.sources.picking import suggest_sources
from nscap.sources.selectors import records_citing


def source_list(request: HttpRequest) -> HttpResponse:
    sources = Source.objects.visible_to(request.user)
    return render(request, "sources/list.html", {"section": "sources", "sources": sources})


def source_detail(request: HttpRequest, key: str) -> HttpResponse:
    source = get_object_or_404(Source.objects.visible_to(request.user), key=key)
    return render(
        request,
        "sources/detail.html",
        {"section": "sources", "source": source, "groups": records_citing(source, request.user)},
    )


# The <option> elements of a source field's suggestions (htmx): the publisher beside the title.
source_suggestions = suggestion_view(suggest_sources)
