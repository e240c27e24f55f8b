"""Read API of collaboration claims, with the one-/two-sided reading of Table 3."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router

from nscap.collaboration.filters import ClaimFilters, claim_filter_q
from nscap.collaboration.models import CollaborationClaim
from nscap.collaboration.schemas import (
    CollaborationClaimQuery,
    CollaborationClaimSchema,
    claim_item,
)
from nscap.collaboration.selectors import read_claim_rows
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
from nscap.networks.models import Network

router = Router(tags=["collaboration"])


def _claims(user) -> QuerySet:
    return visible(CollaborationClaim, user).prefetch_related(
        Prefetch("claimant", queryset=visible(Institution, user)),
        Prefetch("partner", queryset=visible(Institution, user)),
        Prefetch("network", queryset=visible(Network, user)),
    )


def _serialize(user):
    def serialize(objects: list[CollaborationClaim]) -> list[dict]:
        # Two-sidedness is read over every claim the viewer may see, not only this page or
        # filter, and never over hidden claims (the reading expects a visible queryset).
        readings = read_claim_rows(visible(CollaborationClaim, user))
        citations = CitationIndex(user, objects)
        return [claim_item(obj, readings.get(obj.pk), citations) for obj in objects]

    return serialize


@router.get("/collaboration-claims", response=list_responses(CollaborationClaimSchema))
def list_collaboration_claims(request: HttpRequest, query: Query[CollaborationClaimQuery]):
    """Collaboration claims by key. Filters: claimant, partner, type, status, confirmation,
    state (the answer), partner_country, parent (the claimant's), center (claimant of either
    kind of center)."""
    check_query(request, CollaborationClaimQuery)
    user = request.user
    claims = _claims(user).order_by("key")
    if query.claimant:
        claims = claims.filter(claimant__in=by_key(Institution, user, query.claimant))
    if query.partner:
        claims = claims.filter(partner__in=by_key(Institution, user, query.partner))
    if query.type:
        claims = claims.filter(type=query.type.value)
    if query.status:
        claims = claims.filter(status=query.status.value)
    if query.confirmation:
        claims = claims.filter(confirmation=query.confirmation.value)
    if query.state:
        # The state is read, not stored: over every visible claim, as the items' answers are.
        readings = read_claim_rows(visible(CollaborationClaim, user))
        wanted = [pk for pk, reading in readings.items() if reading.answer == query.state.value]
        claims = claims.filter(pk__in=wanted)
    claims = claims.filter(
        claim_filter_q(ClaimFilters(query.partner_country, query.parent, bool(query.center)), user)
    )
    return paginate(request, query, claims, _serialize(user))


@router.get("/collaboration-claims/{key}", response=detail_responses(CollaborationClaimSchema))
def get_collaboration_claim(request: HttpRequest, key: str):
    """One collaboration claim, marked one- or two-sided."""
    claim = get_visible_or_404(request, _claims(request.user), key, _("collaboration claim"))
    return _serialize(request.user)([claim])[0]
