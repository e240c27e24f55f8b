"""Reads of institutions for the web UI: filtered, searched lists and one institution's page.

All reads go through ``visible_to(user)``, which also hides records shown through a hidden
record, so a hidden record never shows in a list, a related list or a count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from nscap.institutions.filters import center_q, parent_q
from nscap.institutions.models import CenterProfile, Institution, Label, Milestone
from nscap.institutions.resolution import resolve_label
from nscap.institutions.visible import visible_institutions
from nscap.quantities.selectors import visible_quantities
from nscap.sources.selectors import CitationIndex, citations_for
from nscap.vocabularies.models import Topic


@dataclass
class InstitutionFilters:
    """Allow-listed filters of the institutions list; None means "any"."""

    country: str | None = None
    kind: str | None = None
    topic: str | None = None
    network: str | None = None
    parent: str | None = None
    center: bool = False
    q: str = ""


def search_institutions(text: str, user: Any, limit: int = 50) -> list[tuple[Institution, Label]]:
    """Institutions whose labels (any script) match ``text``, best first, with the label matched.

    Uses label resolution; until it is implemented, a plain case-insensitive label match.
    """
    visible_ids = set(visible_institutions(user).values_list("pk", flat=True))
    try:
        candidates = resolve_label(text, user=user, limit=limit)
        found = [(c.institution, c.matched_label) for c in candidates]
    except NotImplementedError:
        labels = (
            Label.objects.filter(Q(text__icontains=text) | Q(normalized__icontains=text.lower()))
            .select_related("institution")
            .order_by("institution__name")
        )
        found = [(label.institution, label) for label in labels]
    results, seen = [], set()
    for institution, label in found:
        if institution.pk in visible_ids and institution.pk not in seen:
            seen.add(institution.pk)
            results.append((institution, label))
    return results[:limit]


def filter_institutions(filters: InstitutionFilters, user: Any) -> QuerySet[Institution]:
    """Visible institutions matching the structured filters (country, kind, topic, network)."""
    from nscap.activities.models import Course
    from nscap.networks.models import Membership

    institutions = visible_institutions(user)
    if filters.country:
        institutions = institutions.filter(country=filters.country)
    if filters.kind:
        institutions = institutions.filter(kind=filters.kind)
    if filters.topic:
        profiles = CenterProfile.objects.visible_to(user).filter(topics__key=filters.topic)
        courses = Course.objects.visible_to(user).filter(topics__key=filters.topic)
        institutions = institutions.filter(
            Q(pk__in=profiles.values("institution_id")) | Q(pk__in=courses.values("provider_id"))
        )
    if filters.network:
        memberships = Membership.objects.visible_to(user).filter(network__key=filters.network)
        institutions = institutions.filter(pk__in=memberships.values("institution_id"))
    if filters.parent:
        institutions = institutions.filter(parent_q(filters.parent, user))
    if filters.center:
        institutions = institutions.filter(center_q())
    return institutions.select_related("parent").prefetch_related("labels")


class InstitutionRows(Sequence):
    """The list's rows for a queryset, built a slice at a time.

    A paginator counts it with one COUNT and slices one page, so a page of the list reads its
    page's institutions and labels, not the whole registry's (4,785 at benchmark scale).
    """

    def __init__(self, institutions: QuerySet[Institution], user: Any):
        self.institutions = institutions.order_by("name", "pk")  # a stable order across pages
        self.user = user

    def count(self) -> int:
        return self.institutions.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            index = index + len(self) if index < 0 else index
            if index < 0:
                raise IndexError(index)
            return self[index : index + 1][0]
        institutions = list(self.institutions[index])
        parents = {i.parent_id for i in institutions if i.parent_id}
        visible = set(
            visible_institutions(self.user).filter(pk__in=parents).values_list("pk", flat=True)
        )
        return [_row(i, None, visible) for i in institutions]


def _row(institution: Institution, label: Label | None, visible_ids: set[int]) -> dict:
    parent = institution.parent if institution.parent_id in visible_ids else None
    return {"institution": institution, "parent": parent, "matched_label": label}


def list_institutions(filters: InstitutionFilters, user: Any) -> Sequence[dict]:
    """Rows of the institutions list: each institution, and the label the search matched.

    Without a search the rows are built lazily, a page at a time (``InstitutionRows``); a
    search answers at most 50 rows, best match first.
    """
    institutions = filter_institutions(filters, user)
    if not filters.q:
        return InstitutionRows(institutions, user)
    found = search_institutions(filters.q, user)
    allowed = {i.pk: i for i in institutions.filter(pk__in=[inst.pk for inst, _ in found])}
    parents = {i.parent_id for i in allowed.values() if i.parent_id}
    visible_ids = set(
        visible_institutions(user).filter(pk__in=parents).values_list("pk", flat=True)
    )
    return [
        _row(allowed[inst.pk], label, visible_ids) for inst, label in found if inst.pk in allowed
    ]


@dataclass
class InstitutionPage:
    """Everything the institution page shows, each list already visibility-filtered."""

    institution: Institution
    parent: Institution | None
    children: list[Institution]
    labels: list[Label]
    profile: CenterProfile | None
    milestones: list[Milestone]
    courses: list
    events: list
    aggregate_claims: list
    claims_made: list
    claims_about: list
    memberships: list
    quantities: list
    citations: CitationIndex = field(default_factory=lambda: CitationIndex([]))
    courses_total: int = 0
    events_total: int = 0
    collaboration: Any = None  # analytics.figures.InstitutionCollaboration


def claims_touching(institution: Institution, user: Any) -> QuerySet:
    """The visible claims that can answer a claim made by or about ``institution``.

    Only the partner itself makes a claim two-sided; claims of its side (its parents, its
    children) or naming its country are read too, to be shown as named back by a related
    institution (``collaboration.selectors``). Reading only these keeps the page's cost with the
    institution's own claims, not with the whole registry's.
    """
    from nscap.collaboration.models import CollaborationClaim
    from nscap.collaboration.selectors import side_of

    side = side_of(institution)
    return CollaborationClaim.objects.visible_to(user).filter(
        Q(claimant__in=side)
        | Q(partner__in=side)
        | Q(partner__isnull=True, partner_country=institution.country or "-")
    )


# An institution page lists this many courses and events (latest first); the courses page,
# filtered by the institution, lists them all. A big provider's page stays one screenful.
PAGE_LIST_LIMIT = 50


def _first(queryset: QuerySet, limit: int = PAGE_LIST_LIMIT) -> tuple[list, int]:
    """Up to ``limit`` rows of ``queryset`` and how many there are in all (one COUNT only when
    the list is cut)."""
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return rows, len(rows)
    return rows[:limit], queryset.count()


def institution_page(institution: Institution, user: Any) -> InstitutionPage:
    """Read one (visible) institution and everything about it that ``user`` may see."""
    from nscap.activities.models import AggregateClaim, Course, TrainingEvent
    from nscap.collaboration.selectors import read_claims
    from nscap.networks.models import Membership

    visible = visible_institutions(user)
    parent = visible.filter(pk=institution.parent_id).first() if institution.parent_id else None
    profile = (
        CenterProfile.objects.visible_to(user)
        .filter(institution=institution)
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.visible_to(user)))
        .first()
    )
    readings = read_claims(claims_touching(institution, user))
    courses, courses_total = _first(Course.objects.visible_to(user).filter(provider=institution))
    events, events_total = _first(TrainingEvent.objects.visible_to(user).filter(host=institution))
    page = InstitutionPage(
        institution=institution,
        parent=parent,
        children=list(visible.filter(parent=institution)),
        labels=list(institution.labels.all()),
        profile=profile,
        milestones=list(
            Milestone.objects.visible_to(user)
            .filter(institution=institution)
            .select_related("counterpart")
            .order_by("date", "id")
        ),
        courses=courses,
        courses_total=courses_total,
        events=events,
        events_total=events_total,
        aggregate_claims=list(AggregateClaim.objects.visible_to(user).filter(claimant=institution)),
        claims_made=[r for r in readings if r.claim.claimant_id == institution.pk],
        claims_about=[r for r in readings if r.claim.partner_id == institution.pk],
        memberships=list(
            Membership.objects.visible_to(user)
            .filter(institution=institution)
            .select_related("network")
        ),
        quantities=list(visible_quantities(user).filter(institution=institution)),
    )
    if page.milestones:
        counterparts = {m.counterpart_id for m in page.milestones if m.counterpart_id}
        visible_ids = set(visible.filter(pk__in=counterparts).values_list("pk", flat=True))
        for milestone in page.milestones:
            if milestone.counterpart_id and milestone.counterpart_id not in visible_ids:
                milestone.counterpart = None  # named only in the source text, if at all
    from nscap.analytics.figures import collaboration_of

    page.collaboration = collaboration_of(user, institution)
    cited = [institution, *page.milestones, *page.courses, *page.events]
    cited += [*page.aggregate_claims, *page.memberships, *page.quantities]
    cited += [r.claim for r in page.claims_made + page.claims_about]
    if profile:
        cited.append(profile)
    page.citations = citations_for(cited, user)
    return page
