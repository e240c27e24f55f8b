"""Shared reads for the web UI: citations behind records, headline figures, record links.

Every function reads through ``visible_to(user)``: a record is shown only when the viewer may
see it *and* every record it names (a claim's partner, a course's provider), so nothing hidden
shows through a link, a name or a count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.urls import reverse

from nscap.institutions.models import Institution
from nscap.sources.models import Citation, Source

HEADLINE_QUANTITY_KEYS = [
    "wins-2013-professionals-worldwide",
    "wins-2013-capacity-share",
    "iaea-2014-courses",
    "iaea-2014-people-trained",
    "insa-planned-trainees-per-year",
    "reactors-under-construction-east-asia",
    "reactors-under-construction-world",
]

CENTER_KINDS = ["center_of_excellence", "nssc"]


def visible_institutions(user: Any) -> QuerySet[Institution]:
    """The institutions ``user`` may see."""
    return Institution.objects.visible_to(user)


class CitationIndex:
    """The visible citations of a set of records, looked up per record."""

    def __init__(self, citations: Iterable[Citation]):
        self._by_record: dict[tuple[int, int], list[Citation]] = defaultdict(list)
        for citation in citations:
            self._by_record[(citation.content_type_id, citation.object_id)].append(citation)

    def for_record(self, record: Model) -> list[Citation]:
        content_type = ContentType.objects.get_for_model(record)
        return self._by_record.get((content_type.pk, record.pk), [])

    def __bool__(self) -> bool:
        return bool(self._by_record)


def citations_for(records: Iterable[Model], user: Any) -> CitationIndex:
    """Citations of ``records`` whose source ``user`` may see, ordered by source and footnote."""
    by_type: dict[int, set[int]] = defaultdict(set)
    for record in records:
        by_type[ContentType.objects.get_for_model(record).pk].add(record.pk)
    if not by_type:
        return CitationIndex([])
    return CitationIndex(citations_of(by_type, user).select_related("source"))


def citations_of(by_type: dict[int, Iterable[int]], user: Any) -> QuerySet[Citation]:
    """Citations of the records ``{content type id: ids}`` whose source ``user`` may see,
    ordered by source and footnote (the API reads the same query, ``api_support``)."""
    condition = Q()
    for content_type_id, ids in by_type.items():
        condition |= Q(content_type_id=content_type_id, object_id__in=ids)
    return (
        Citation.objects.filter(condition)
        .filter(source__in=Source.objects.visible_to(user))
        .order_by("source__title", "footnote", "id")
    )


def visible_centers(user: Any) -> QuerySet[Institution]:
    """The centers ``user`` may see: centers of excellence and NSSCs alike (``CENTER_KINDS``)."""
    return visible_institutions(user).filter(kind__in=CENTER_KINDS)


def center_countries(user: Any) -> list[str]:
    """The countries with a center, as sorted ISO codes: the countries *of the centers
    themselves*, over what ``user`` may see.

    This is the one definition of "countries" in the registry's headline figures (the brief's
    "seven COE in six East Asian countries"). Counting every visible institution's country
    instead counted the United States, home of partner bodies that are not centers, and gave
    seven (issue 15, found 1). The home page, the institution list's "any center" view and the
    tests that compare with the brief all call this function.
    """
    return sorted(set(visible_centers(user).exclude(country="").values_list("country", flat=True)))


def headline_counts(user: Any) -> dict[str, int]:
    """Counts for the home page, each over what ``user`` may see.

    Cached per viewer class and data version: counting every visible course and claim took
    the home page 150 ms at 1M events.
    """
    from nscap.activities.models import Course
    from nscap.analytics.cache import cached
    from nscap.collaboration.models import CollaborationClaim

    def compute() -> dict[str, int]:
        institutions = visible_institutions(user)
        return {
            "institutions": institutions.count(),
            "centers": visible_centers(user).count(),
            "countries": len(center_countries(user)),
            "courses": Course.objects.visible_to(user).count(),
            "claims": CollaborationClaim.objects.visible_to(user).count(),
        }

    return cached("headline-counts", user, {}, compute)


def headline_quantities(user: Any) -> list:
    """The brief's headline figures that exist and ``user`` may see, in a fixed order."""
    found = {q.key: q for q in visible_quantities(user).filter(key__in=HEADLINE_QUANTITY_KEYS)}
    return [found[key] for key in HEADLINE_QUANTITY_KEYS if key in found]


def visible_quantities(user: Any) -> QuerySet:
    """Quantities ``user`` may see, with everything they are about also visible."""
    from nscap.quantities.models import Quantity

    return Quantity.objects.visible_to(user).select_related(
        "institution", "network", "needs_assessment"
    )


def record_url(record: Model) -> str | None:
    """Where the UI shows ``record``: its own page, or an anchor on the page that holds it."""
    name = record._meta.label_lower
    if name == "institutions.institution":
        return reverse("institutions:detail", args=[record.key])
    if name in {
        "institutions.milestone",
        "institutions.centerprofile",
        "activities.aggregateclaim",
    }:
        owner = getattr(record, "institution", None) or getattr(record, "claimant", None)
        return reverse("institutions:detail", args=[owner.key]) + f"#{record.key}"
    if name == "activities.course":
        return reverse("activities:course", args=[record.key])
    if name == "activities.trainingevent":
        return reverse("activities:event", args=[record.key])
    if name == "networks.network":
        return reverse("networks:detail", args=[record.key])
    if name in {"networks.membership", "networks.meeting"}:
        return reverse("networks:detail", args=[record.network.key]) + f"#{record.key}"
    if name == "collaboration.collaborationclaim":
        return reverse("collaboration:index") + f"#{record.key}"
    if name == "needs.needsassessment":
        return reverse("needs:index") + f"#{record.key}"
    if name == "quantities.quantity":
        return reverse("quantities:index") + f"#{record.key}"
    if name == "sources.source":
        return reverse("sources:detail", args=[record.key])
    return None
