"""Duplicated-effort API (``/api/analytics/overlaps``): overlap groups of offerings, each bounded
by one time window.

The same function as the page (``overlaps.find_overlaps``), over what the caller may see.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from nscap.activities.overlaps import DEFAULT_WINDOW, MAX_WINDOW, cached_overlaps
from nscap.activities.regions import REGIONS
from nscap.analytics.figures import overlap_values
from nscap.core.api_support import QueryErrorSchema, Ref, check_query

router = Router(tags=["analytics"])


class OverlapQuery(Schema):
    window: int = Field(
        DEFAULT_WINDOW,
        ge=0,
        le=MAX_WINDOW,
        description="Months between starts that still count as the same time (0 to 60).",
    )
    region: str | None = Field(
        None,
        description="A UN M49 sub-region slug: " + ", ".join(sorted(REGIONS)) + ".",
        pattern=r"^[a-z-]+$|^[A-Z]{2}$",
    )


class OfferingSchema(Schema):
    key: str = Field(description="The training event's key.")
    title: str
    provider: Ref
    start: str
    participants: int | None


class OverlapClusterSchema(Schema):
    """Offerings of one topic for one target group in one region, by different providers, all
    starting within ``window`` months of the group's first offering."""

    topic: Ref
    target_group: Ref
    region: str
    region_name: str
    start: str = Field(description="The first offering's start (the group's window opens).")
    end: str = Field(description="The last offering's start: at most `window` months later.")
    first: str = Field(description="Same as `start` (kept for existing clients).")
    last: str = Field(description="Same as `end` (kept for existing clients).")
    providers: list[str] = Field(description="The group's providers, two or more, by name.")
    participants: int = Field(description="Combined participants of the offerings with a count.")
    without_count: int
    offerings: list[OfferingSchema]


class OverlapReportSchema(Schema):
    window: int
    region: str | None
    offerings: int = Field(description="Offerings compared (visible, deduplicated, placed, dated).")
    undated: int
    unplaced: int
    unclassified: int
    groups: int = Field(description="How many overlap groups: the length of `clusters`.")
    offerings_in_groups: int = Field(
        description="Distinct offerings in any group (one in several groups counts once)."
    )
    providers_in_groups: int = Field(description="Distinct providers of those offerings.")
    participants_in_groups: int = Field(
        description="Participants of those offerings, each offering once (whole people)."
    )
    clusters: list[OverlapClusterSchema]


@router.get(
    "",
    response={200: OverlapReportSchema, 400: QueryErrorSchema},
    url_name="analytics_overlaps",
)
def overlaps(request: HttpRequest, query: Query[OverlapQuery]):
    """Overlap clusters, largest combined participants first."""
    check_query(request, OverlapQuery)
    report = cached_overlaps(request.user, window=query.window, region=query.region)
    # The catalogue's one function (docs/figures.md#overlap-groups), for this window and region.
    figures = overlap_values(report)
    return {
        "window": report.window,
        "region": report.region,
        "offerings": report.offerings,
        "undated": report.undated,
        "unplaced": report.unplaced,
        "unclassified": report.unclassified,
        "groups": figures["overlap_groups"],
        "offerings_in_groups": figures["overlap_offerings"],
        "providers_in_groups": figures["overlap_providers"],
        "participants_in_groups": figures["overlap_participants"],
        "clusters": [
            {
                "topic": {"key": c.topic, "name": c.topic_name},
                "target_group": {"key": c.target_group, "name": c.target_group_name},
                "region": c.region,
                "region_name": c.region_name,
                "start": c.start.isoformat(),
                "end": c.end.isoformat(),
                "first": c.start.isoformat(),
                "last": c.end.isoformat(),
                "providers": c.providers,
                "participants": c.participants,
                "without_count": c.without_count,
                "offerings": [
                    {
                        "key": o.key,
                        "title": o.title,
                        "provider": {"key": o.provider_key, "name": o.provider},
                        "start": o.start.isoformat(),
                        "participants": o.participants,
                    }
                    for o in c.offerings
                ],
            }
            for c in report.clusters
        ],
    }
