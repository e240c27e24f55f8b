"""API schema of quantities: every number a source gives, with qualifier, unit and period."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from ninja import Field

from nscap.core.api_support import (
    CitationIndex,
    PageQuery,
    RecordSchema,
    Ref,
    enum_of,
    partial,
    record_fields,
    ref,
    related,
    visible,
)
from nscap.core.choices import Qualifier
from nscap.quantities.choices import QuantityStatus

QualifierValue = enum_of("QualifierValue", Qualifier)
QuantityStatusValue = enum_of("QuantityStatusValue", QuantityStatus)


class QuantitySchema(RecordSchema):
    """A sourced number: "more than 1,500 experts". What it is about, and when it holds."""

    measure: str
    description: str
    value: int | float
    qualifier: str
    unit: str
    status: str
    quote: str
    institution: Ref | None
    network: Ref | None
    aggregate_claim: Ref | None
    needs_assessment: Ref | None
    target_group: Ref | None = None  # a demand figure's cell (issue 14)
    topic: Ref | None = None
    country: str
    region: str
    period_start: str | None
    period_start_precision: str | None
    period_end: str | None
    period_end_precision: str | None
    as_of: str | None
    as_of_precision: str | None


class QuantityQuery(PageQuery):
    measure: str | None = Field(None, description="Measure code, e.g. people_trained.")
    institution: str | None = Field(None, description="Institution key.")
    network: str | None = Field(None, description="Network key.")
    qualifier: QualifierValue | None = None
    status: QuantityStatusValue | None = None


def number(value: Decimal) -> int | float:
    """A stored decimal as a JSON number: an integer when it is whole."""
    return int(value) if value == value.to_integral_value() else float(value)


def visible_quantities(user) -> QuerySet:
    """Visible quantities with what they are about loaded (hidden targets load as None)."""
    from nscap.activities.models import AggregateClaim
    from nscap.institutions.models import Institution
    from nscap.needs.models import NeedsAssessment
    from nscap.networks.models import Network
    from nscap.quantities.models import Quantity
    from nscap.vocabularies.models import TargetGroup, Topic

    return visible(Quantity, user).prefetch_related(
        Prefetch("institution", queryset=visible(Institution, user)),
        Prefetch("network", queryset=visible(Network, user)),
        Prefetch("aggregate_claim", queryset=visible(AggregateClaim, user)),
        Prefetch("needs_assessment", queryset=visible(NeedsAssessment, user)),
        Prefetch("target_group", queryset=visible(TargetGroup, user)),
        Prefetch("topic", queryset=visible(Topic, user)),
    )


def quantity_item(quantity, citations: CitationIndex) -> dict:
    return {
        **record_fields(quantity, citations),
        "measure": quantity.measure,
        "description": quantity.description,
        "value": number(quantity.value),
        "qualifier": quantity.qualifier,
        "unit": quantity.unit,
        "status": quantity.status,
        "quote": quantity.quote,
        "institution": ref(related(quantity, "institution")),
        "network": ref(related(quantity, "network")),
        "aggregate_claim": ref(related(quantity, "aggregate_claim"), None),
        "needs_assessment": ref(related(quantity, "needs_assessment"), "title"),
        "target_group": ref(related(quantity, "target_group")),
        "topic": ref(related(quantity, "topic")),
        "country": quantity.country,
        "region": quantity.region,
        **partial(quantity, "period_start"),
        **partial(quantity, "period_end"),
        **partial(quantity, "as_of"),
    }
