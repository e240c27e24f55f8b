"""The collaboration page: Table 3 from the data, each claim marked one- or two-sided."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nscap.collaboration.selectors import table_three
from nscap.core.selectors import citations_for


def collaboration_index(request: HttpRequest) -> HttpResponse:
    groups = table_three(request.user)
    claims = [reading.claim for group in groups for reading in group.readings]
    return render(
        request,
        "collaboration/index.html",
        {
            "section": "collaboration",
            "groups": groups,
            "citations": citations_for(claims, request.user),
        },
    )
