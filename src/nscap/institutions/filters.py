"""Filters a reader needs across the lists (issue 15, build 7): by parent institution, "any
center" (both kinds, ``CENTER_KINDS``) and by partner country.

Each returns a ``Q`` over the *visible* records only: a parent is looked up among the
institutions ``user`` may see, a partner among the visible partners. So filtering by a hidden
parent gives what filtering by a key that does not exist gives (nothing), and a hidden partner
in a country never makes an event or a claim match that country. The institution list, the
events list and Table 3, on the pages and in the API, build their filters from these.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from nscap.institutions.visible import CENTER_KINDS, visible_institutions


def center_q(prefix: str = "") -> Q:
    """The institution at ``prefix`` (``""``, ``"host__"``, ``"claimant__"``) is a center: a
    center of excellence or an NSSC."""
    return Q(**{f"{prefix}kind__in": CENTER_KINDS})


def parent_q(parent_key: str, user: Any, prefix: str = "") -> Q:
    """The institution at ``prefix`` is directly part of the visible institution ``parent_key``."""
    parents = visible_institutions(user).filter(key=parent_key)
    return Q(**{f"{prefix}parent__in": parents})


def partner_institutions(country: str, user: Any):
    """The visible institutions of ``country`` (the partners a partner-country filter means)."""
    return visible_institutions(user).filter(country=country)
