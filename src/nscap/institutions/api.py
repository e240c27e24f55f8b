"""Read API of institutions (with labels, profile, milestones), center profiles and milestones."""

from __future__ import annotations

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router

from nscap.core.api_support import (
    CitationIndex,
    QueryErrorSchema,
    by_key,
    check_query,
    detail_responses,
    get_visible_or_404,
    list_responses,
    paginate,
    ref,
    visible,
)
from nscap.institutions.filters import center_q, parent_q
from nscap.institutions.models import CenterProfile, Institution, Label, Milestone
from nscap.institutions.normalize import normalize_label
from nscap.institutions.resolution import resolve_label
from nscap.institutions.schemas import (
    CenterProfileQuery,
    CenterProfileSchema,
    InstitutionDetailSchema,
    InstitutionQuery,
    InstitutionSchema,
    MilestoneQuery,
    MilestoneSchema,
    ResolutionSchema,
    ResolveQuery,
    institution_item,
    label_item,
    milestone_item,
    profile_item,
)
from nscap.networks.models import Membership, Network
from nscap.vocabularies.models import Topic

router = Router(tags=["institutions"])

LABEL_ORDER = ("-preferred", "kind", "language", "text", "pk")


def _institutions(user) -> QuerySet:
    return visible(Institution, user).prefetch_related(
        Prefetch("parent", queryset=visible(Institution, user)),
        Prefetch("labels", queryset=Label.objects.order_by(*LABEL_ORDER)),
    )


def _milestones(user) -> QuerySet:
    """Visible milestones of visible institutions, by date (undated last) then key."""
    return (
        visible(Milestone, user)
        .filter(institution__in=visible(Institution, user))
        .prefetch_related(Prefetch("counterpart", queryset=visible(Institution, user)))
        .order_by(F("date").asc(nulls_last=True), "key")
    )


def _profiles(user) -> QuerySet:
    return (
        visible(CenterProfile, user)
        .filter(institution__in=visible(Institution, user))
        .prefetch_related(Prefetch("topics", queryset=visible(Topic, user).order_by("key")))
    )


def _profile_or_none(institution: Institution) -> CenterProfile | None:
    try:
        return institution.profile
    except CenterProfile.DoesNotExist:
        return None


@router.get("/institutions", response=list_responses(InstitutionSchema))
def list_institutions(request: HttpRequest, query: Query[InstitutionQuery]):
    """Institutions, by name. Filters: country, kind, topic, network, parent, center (both kinds
    of center), q (any label, any script)."""
    check_query(request, InstitutionQuery)
    user = request.user
    institutions = _institutions(user).order_by("name", "key")
    if query.country:
        institutions = institutions.filter(country=query.country)
    if query.kind:
        institutions = institutions.filter(kind=query.kind.value)
    if query.topic:
        profiles = visible(CenterProfile, user).filter(topics__in=by_key(Topic, user, query.topic))
        institutions = institutions.filter(pk__in=profiles.values("institution_id"))
    if query.network:
        members = visible(Membership, user).filter(network__in=by_key(Network, user, query.network))
        institutions = institutions.filter(pk__in=members.values("institution_id"))
    if query.parent:
        institutions = institutions.filter(parent_q(query.parent, user))
    if query.center:
        institutions = institutions.filter(center_q())
    if query.q and query.q.strip():
        text = query.q.strip()
        folded = normalize_label(text)
        matches = Q(name__icontains=text) | Q(key__iexact=text)
        if folded:
            labels = Label.objects.filter(normalized__contains=folded)
            matches |= Q(pk__in=labels.values("institution_id"))
        institutions = institutions.filter(matches)

    def serialize(objects: list[Institution]) -> list[dict]:
        citations = CitationIndex(user, objects)
        return [institution_item(obj, citations) for obj in objects]

    return paginate(request, query, institutions, serialize)


@router.get("/institutions/resolve", response={200: ResolutionSchema, 400: QueryErrorSchema})
def resolve_institution(request: HttpRequest, query: Query[ResolveQuery]):
    """Ranked candidates for any name, acronym or alias; ambiguous text gives several."""
    check_query(request, ResolveQuery)
    candidates = resolve_label(query.q, user=request.user, limit=query.limit)
    # Resolution is asked to respect the viewer; the API checks again rather than trust it.
    shown = set(
        visible(Institution, request.user)
        .filter(pk__in=[c.institution.pk for c in candidates])
        .values_list("pk", flat=True)
    )
    return {
        "q": query.q,
        "candidates": [
            {
                "institution": ref(c.institution),
                "score": round(float(c.score), 4),
                "matched_label": label_item(c.matched_label),
            }
            for c in candidates
            if c.institution.pk in shown
        ],
    }


@router.get("/institutions/{key}", response=detail_responses(InstitutionDetailSchema))
def get_institution(request: HttpRequest, key: str):
    """One institution with its labels, parent, children, center profile and milestones."""
    user = request.user
    institutions = _institutions(user).prefetch_related(
        Prefetch("profile", queryset=_profiles(user)),
        Prefetch("milestones", queryset=_milestones(user), to_attr="visible_milestones"),
        Prefetch(
            "children",
            queryset=visible(Institution, user).order_by("name", "key"),
            to_attr="visible_children",
        ),
    )
    institution = get_visible_or_404(request, institutions, key, _("institution"))
    profile = _profile_or_none(institution)
    milestones = institution.visible_milestones
    citations = CitationIndex(user, [institution], [profile] if profile else [], milestones)
    return {
        **institution_item(institution, citations),
        "profile": profile_item(profile, citations) if profile else None,
        "milestones": [milestone_item(m, citations) for m in milestones],
        "children": [ref(child) for child in institution.visible_children],
    }


@router.get("/center-profiles", response=list_responses(CenterProfileSchema))
def list_center_profiles(request: HttpRequest, query: Query[CenterProfileQuery]):
    """Center profiles (Table 1), by key. Filters: institution, topic."""
    check_query(request, CenterProfileQuery)
    user = request.user
    profiles = _profiles(user).select_related("institution").order_by("key")
    if query.institution:
        profiles = profiles.filter(institution__in=by_key(Institution, user, query.institution))
    if query.topic:
        profiles = profiles.filter(
            pk__in=CenterProfile.objects.filter(topics__in=by_key(Topic, user, query.topic)).values(
                "pk"
            )
        )

    def serialize(objects: list[CenterProfile]) -> list[dict]:
        citations = CitationIndex(user, objects)
        return [profile_item(obj, citations) for obj in objects]

    return paginate(request, query, profiles, serialize)


@router.get("/center-profiles/{key}", response=detail_responses(CenterProfileSchema))
def get_center_profile(request: HttpRequest, key: str):
    """One center profile."""
    profiles = _profiles(request.user).select_related("institution")
    profile = get_visible_or_404(request, profiles, key, _("center profile"))
    return profile_item(profile, CitationIndex(request.user, [profile]))


@router.get("/milestones", response=list_responses(MilestoneSchema))
def list_milestones(request: HttpRequest, query: Query[MilestoneQuery]):
    """Milestones by date (undated last). Filters: institution, kind, status, year."""
    check_query(request, MilestoneQuery)
    user = request.user
    milestones = _milestones(user).select_related("institution")
    if query.institution:
        milestones = milestones.filter(institution__in=by_key(Institution, user, query.institution))
    if query.kind:
        milestones = milestones.filter(kind=query.kind.value)
    if query.status:
        milestones = milestones.filter(status=query.status.value)
    if query.year:
        milestones = milestones.filter(date__year=query.year)

    def serialize(objects: list[Milestone]) -> list[dict]:
        citations = CitationIndex(user, objects)
        return [milestone_item(obj, citations) for obj in objects]

    return paginate(request, query, milestones, serialize)


@router.get("/milestones/{key}", response=detail_responses(MilestoneSchema))
def get_milestone(request: HttpRequest, key: str):
    """One milestone."""
    milestones = _milestones(request.user).select_related("institution")
    milestone = get_visible_or_404(request, milestones, key, _("milestone"))
    return milestone_item(milestone, CitationIndex(request.user, [milestone]))
