"""Read API of needs assessments."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router

from nscap.core.api_support import (
    CitationIndex,
    by_key,
    check_query,
    detail_responses,
    get_visible_or_404,
    list_responses,
    paginate,
    visible,
)
from nscap.institutions.models import Institution
from nscap.needs.models import NeedsAssessment
from nscap.needs.schemas import NeedsAssessmentQuery, NeedsAssessmentSchema, needs_item
from nscap.quantities.schemas import visible_quantities
from nscap.vocabularies.models import TargetGroup, Topic

router = Router(tags=["needs"])


def _assessments(user) -> QuerySet:
    return visible(NeedsAssessment, user).prefetch_related(
        Prefetch("assessor", queryset=visible(Institution, user)),
        Prefetch("target_group", queryset=visible(TargetGroup, user)),
        Prefetch("topic", queryset=visible(Topic, user)),
        Prefetch(
            "quantities",
            queryset=visible_quantities(user).order_by("measure", "key"),
            to_attr="visible_quantities",
        ),
    )


def _serialize(user):
    def serialize(objects: list[NeedsAssessment]) -> list[dict]:
        nested = [q for obj in objects for q in obj.visible_quantities]
        citations = CitationIndex(user, objects, nested)
        return [needs_item(obj, citations) for obj in objects]

    return serialize


@router.get("/needs-assessments", response=list_responses(NeedsAssessmentSchema))
def list_needs_assessments(request: HttpRequest, query: Query[NeedsAssessmentQuery]):
    """Needs assessments by key. Filters: assessor, country, target_group, topic."""
    check_query(request, NeedsAssessmentQuery)
    user = request.user
    assessments = _assessments(user).order_by("key")
    if query.assessor:
        assessments = assessments.filter(assessor__in=by_key(Institution, user, query.assessor))
    if query.country:
        assessments = assessments.filter(country=query.country)
    if query.target_group:
        assessments = assessments.filter(
            target_group__in=by_key(TargetGroup, user, query.target_group)
        )
    if query.topic:
        assessments = assessments.filter(topic__in=by_key(Topic, user, query.topic))
    return paginate(request, query, assessments, _serialize(user))


@router.get("/needs-assessments/{key}", response=detail_responses(NeedsAssessmentSchema))
def get_needs_assessment(request: HttpRequest, key: str):
    """One needs assessment with its figures."""
    assessment = get_visible_or_404(request, _assessments(request.user), key, _("needs assessment"))
    return _serialize(request.user)([assessment])[0]
