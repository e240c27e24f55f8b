"""Read API of quantities."""

from __future__ import annotations

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
)
from nscap.institutions.models import Institution
from nscap.networks.models import Network
from nscap.quantities.models import Quantity
from nscap.quantities.schemas import (
    QuantityQuery,
    QuantitySchema,
    quantity_item,
    visible_quantities,
)

router = Router(tags=["quantities"])


def serialize_quantities(user, objects: list[Quantity]) -> list[dict]:
    citations = CitationIndex(user, objects)
    return [quantity_item(obj, citations) for obj in objects]


@router.get("/quantities", response=list_responses(QuantitySchema))
def list_quantities(request: HttpRequest, query: Query[QuantityQuery]):
    """Quantities by measure and key. Filters: measure, institution, network, qualifier, status."""
    check_query(request, QuantityQuery)
    user = request.user
    quantities = visible_quantities(user).order_by("measure", "key")
    if query.measure:
        quantities = quantities.filter(measure=query.measure)
    if query.institution:
        quantities = quantities.filter(institution__in=by_key(Institution, user, query.institution))
    if query.network:
        quantities = quantities.filter(network__in=by_key(Network, user, query.network))
    if query.qualifier:
        quantities = quantities.filter(qualifier=query.qualifier.value)
    if query.status:
        quantities = quantities.filter(status=query.status.value)
    return paginate(request, query, quantities, lambda objs: serialize_quantities(user, objs))


@router.get("/quantities/{key}", response=detail_responses(QuantitySchema))
def get_quantity(request: HttpRequest, key: str):
    """One quantity."""
    quantity = get_visible_or_404(request, visible_quantities(request.user), key, _("quantity"))
    return quantity_item(quantity, CitationIndex(request.user, [quantity]))
