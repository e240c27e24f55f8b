"""Reader filters of collaboration claims (issue 15, build 7): partner country, the claimant's
parent and "any center" (the claimant is a center of either kind). Table 3's page and the
claims API build them here; every part reads through visibility (``institutions.filters``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nscap.core.record_fields import bind_viewer
from nscap.core.templatetags.nscap_ui import country_name
from nscap.institutions.fields import InstitutionField
from nscap.institutions.filters import center_q, parent_q, partner_institutions
from nscap.institutions.visible import visible_institutions


@dataclass
class ClaimFilters:
    """Allow-listed filters of the claims; None / False means "any"."""

    partner_country: str | None = None
    parent: str | None = None
    center: bool = False

    def __bool__(self) -> bool:
        return bool(self.partner_country or self.parent or self.center)


def claim_filter_q(filters: ClaimFilters, user: Any) -> Q:
    """The claims matching ``filters``. A claim's partner country is the country it names, or
    the country of its partner institution when ``user`` may see that institution."""
    condition = Q()
    if filters.partner_country:
        condition &= Q(partner_country=filters.partner_country) | Q(
            partner__in=partner_institutions(filters.partner_country, user)
        )
    if filters.parent:
        condition &= parent_q(filters.parent, user, "claimant__")
    if filters.center:
        condition &= center_q("claimant__")
    return condition


class ClaimFilterForm(forms.Form):
    """The GET filters of Table 3's page; choices are what the viewer may see."""

    partner_country = forms.ChoiceField(label=_("Partner country"), required=False)
    parent = InstitutionField(label=_("Claimant part of (parent institution)"), required=False)
    center = forms.BooleanField(
        label=_("Any center (center of excellence or NSSC)"), required=False
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bind_viewer(self, user)
        codes = set(
            visible_institutions(user).exclude(country="").values_list("country", flat=True)
        )
        from nscap.collaboration.models import CollaborationClaim

        codes |= set(
            CollaborationClaim.objects.visible_to(user)
            .exclude(partner_country="")
            .values_list("partner_country", flat=True)
        )
        self.fields["partner_country"].choices = [("", _("Any"))] + sorted(
            ((code, country_name(code)) for code in codes), key=lambda c: str(c[1])
        )


def filtered_groups(groups: list, filters: ClaimFilters, user: Any) -> list:
    """Table 3's claimant groups keeping only the claims matching ``filters`` (groups left
    empty are dropped). Two-sidedness stays read over every visible claim, as unfiltered."""
    from nscap.collaboration.models import CollaborationClaim

    kept = set(
        CollaborationClaim.objects.visible_to(user)
        .filter(claim_filter_q(filters, user))
        .values_list("pk", flat=True)
    )
    out = []
    for group in groups:
        readings = tuple(r for r in group.readings if r.claim.pk in kept)
        if readings:
            out.append(replace(group, readings=readings))
    return out
