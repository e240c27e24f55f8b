"""The needs page: assessments of how many people need training, with their figures."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nscap.institutions.visible import visible_institutions
from nscap.needs.models import NeedsAssessment
from nscap.quantities.selectors import visible_quantities
from nscap.sources.selectors import citations_for


def needs_index(request: HttpRequest) -> HttpResponse:
    user = request.user
    assessments = list(NeedsAssessment.objects.visible_to(user).select_related("topic"))
    visible_ids = set(visible_institutions(user).values_list("pk", flat=True))
    quantities = list(visible_quantities(user).filter(needs_assessment__in=assessments))
    for assessment in assessments:
        if assessment.assessor_id not in visible_ids:
            assessment.assessor = None
        assessment.figures = [q for q in quantities if q.needs_assessment_id == assessment.pk]
    return render(
        request,
        "needs/index.html",
        {
            "section": "needs",
            "assessments": assessments,
            "citations": citations_for([*assessments, *quantities], user),
        },
    )
