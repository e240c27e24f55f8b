"""An OpenRefine-compatible reconciliation service over institutions (W3C Reconciliation API,
draft 0.2): ``/api/reconciliation/w3c``.

GET without ``queries`` answers the service manifest; GET or POST with ``queries`` (a JSON
object of named queries, each ``{"query", "limit", "type", "properties": [{"pid": "country",
"v": "MY"}]}``, as OpenRefine sends it in a form field) answers ranked candidates for each.
Candidates come from ``resolve_label`` for the caller (visitors: public institutions only),
checked again through the read filter; a ``country`` property ranks institutions of that
country first. ``match`` is true only when one candidate stands alone at an exact score, so
OpenRefine never auto-matches an ambiguous acronym.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router

from nscap.core.api_support import ErrorSchema
from nscap.institutions.models import Institution
from nscap.institutions.resolution import EXACT_ACRONYM, resolve_label

router = Router(tags=["reconciliation"])

TYPE = {"id": "institution", "name": "Institution"}
MAX_QUERIES = 50
MAX_LIMIT = 50


def manifest(request: HttpRequest) -> dict[str, Any]:
    base = request.build_absolute_uri("/")
    return {
        "versions": ["0.2"],
        "name": "nscap institutions",
        "identifierSpace": f"{base}id/institution/",
        "schemaSpace": f"{base}id/",
        "defaultTypes": [TYPE],
        "view": {"url": f"{base}institutions/{{{{id}}}}/"},
    }


def _answer(user: Any, query: dict[str, Any]) -> dict[str, Any]:
    text = str(query.get("query") or "")[:300]
    try:
        limit = max(1, min(int(query.get("limit") or 10), MAX_LIMIT))
    except (TypeError, ValueError):
        limit = 10
    country = ""
    for prop in query.get("properties") or []:
        if isinstance(prop, dict) and prop.get("pid") == "country":
            country = str(prop.get("v") or "").upper()
    found = resolve_label(text, user=user, limit=MAX_LIMIT)
    shown = set(
        Institution.objects.visible_to(user)
        .filter(pk__in=[c.institution.pk for c in found])
        .values_list("pk", flat=True)
    )
    found = [c for c in found if c.institution.pk in shown]
    found.sort(
        key=lambda c: -(c.score + (0.01 if country and c.institution.country == country else 0))
    )
    exact = [c for c in found if c.score >= EXACT_ACRONYM]
    if country and len(exact) > 1:
        exact = [c for c in exact if c.institution.country == country]
    return {
        "result": [
            {
                "id": c.institution.key,
                "name": c.institution.name,
                "score": round(c.score * 100, 1),
                "match": len(exact) == 1 and exact[0] is c,
                "type": [TYPE],
                "description": " · ".join(
                    p
                    for p in (c.institution.country, c.institution.kind, c.matched_label.text)
                    if p
                ),
            }
            for c in found[:limit]
        ]
    }


def _service(request: HttpRequest) -> JsonResponse:
    raw = request.POST.get("queries") or request.GET.get("queries")
    if not raw:
        return JsonResponse(manifest(request))
    try:
        queries = json.loads(raw)
    except ValueError:
        return JsonResponse({"detail": "queries: not JSON"}, status=400)
    if not isinstance(queries, dict) or len(queries) > MAX_QUERIES:
        return JsonResponse(
            {"detail": f"queries: an object of at most {MAX_QUERIES} named queries"}, status=400
        )
    return JsonResponse(
        {
            str(name)[:50]: _answer(request.user, query if isinstance(query, dict) else {})
            for name, query in queries.items()
        }
    )


@router.get("/reconciliation/w3c", response={200: dict, 400: dict, 401: ErrorSchema})
def service_get(request: HttpRequest):
    """The W3C reconciliation service (manifest, or candidates for ``queries``)."""
    return _service(request)


@router.post("/reconciliation/w3c", response={200: dict, 400: dict, 401: ErrorSchema})
def service_post(request: HttpRequest):
    """The same, with ``queries`` as a form field (how OpenRefine sends them)."""
    return _service(request)
