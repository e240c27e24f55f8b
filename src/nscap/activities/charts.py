"""Charts about courses and events, each over what the viewer may see."""

import datetime as dt
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from nscap.activities.models import Course
from nscap.activities.overlaps import OverlapReport
from nscap.core.charts import Chart, Column, vega_lite

# Past this many providers the chart's bars and table would bury the home page; the rest are
# summed in one row.
TOP_PROVIDERS = 20


def provider_course_counts(user: Any) -> list[dict]:
    """Visible courses per provider, most first: ``provider``, ``courses``, ``url`` per row.

    Cached per viewer class and data version (a count over every course: 70 ms at 1M events).
    """
    from nscap.analytics.cache import cached

    def compute() -> list[dict]:
        counts = (
            Course.objects.visible_to(user)
            .values("provider__key", "provider__name")
            .annotate(courses=Count("pk"))
            .order_by("-courses", "provider__name")
        )
        return [
            {
                "provider": row["provider__name"],
                "courses": row["courses"],
                "url": reverse("institutions:detail", args=[row["provider__key"]]),
            }
            if row["provider__key"]
            # Courses whose provider is held as written (issue 14): one row of their own,
            # counted, not dropped, and not given to a guessed provider.
            # The label is put in at read time: the cache is shared by viewers of every language.
            else {"provider": None, "courses": row["courses"], "url": reverse("activities:list")}
            for row in counts
        ]

    rows = cached("provider-course-counts", user, {}, compute)
    unreconciled = str(_("Provider not reconciled yet"))
    return [
        row if row["provider"] is not None else {**row, "provider": unreconciled} for row in rows
    ]


def courses_by_provider_chart(user: Any) -> Chart:
    """How many courses each provider offers (Table 2 of the brief, for the home page): the
    ``TOP_PROVIDERS`` with most courses, and the others summed in one row."""
    counts = provider_course_counts(user)
    rows = counts[:TOP_PROVIDERS]
    rest = counts[TOP_PROVIDERS:]
    if rest:
        rows.append(
            {
                "provider": _("%(count)s other providers") % {"count": len(rest)},
                "courses": sum(row["courses"] for row in rest),
                "url": "",
            }
        )
    title = _("Courses by provider")
    provider, courses = _("Provider"), _("Courses")
    spec = vega_lite(
        title=title,
        values=rows,
        mark={"type": "bar", "tooltip": True, "cursor": "pointer"},
        encoding={
            "y": {"field": "provider", "type": "nominal", "sort": "-x", "title": provider},
            "x": {"field": "courses", "type": "quantitative", "title": courses},
            "href": {"field": "url"},
        },
    )
    return Chart(
        name="courses-by-provider",
        title=title,
        spec=spec,
        columns=[Column("provider", provider, link_field="url"), Column("courses", courses)],
        rows=rows,
    )


def _month_after(day: dt.date) -> dt.date:
    """The first day of the month after ``day``'s: where a bar for that month ends."""
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def overlaps_chart(report: OverlapReport) -> Chart:
    """Overlap groups on a time line: one bar per group, from its first offering's month to the
    end of its last offering's month (so a group within one month still shows), never a band
    across years: each group lies within the report's window."""
    labels = {
        id(c): f"{n}. {c.topic_name} · {c.target_group_name} · {c.region_name}"
        for n, c in enumerate(report.clusters, start=1)
    }
    values = [
        {
            "cluster": labels[id(c)],
            "start": c.start.isoformat(),
            "end": c.end.isoformat(),
            "until": _month_after(c.end).isoformat(),
            "providers": ", ".join(c.providers),
            "offerings": len(c.offerings),
            "participants": c.participants,
        }
        for c in report.clusters
    ]
    title = _("Where providers repeat each other's courses")
    cluster, start, provider = _("Overlap cluster"), _("Start"), _("Providers")
    spec = vega_lite(
        title=title,
        values=values,
        mark={"type": "bar", "tooltip": True, "cornerRadius": 2},
        encoding={
            "y": {"field": "cluster", "type": "nominal", "sort": None, "title": cluster},
            "x": {"field": "start", "type": "temporal", "title": start},
            "x2": {"field": "until"},
            "color": {"field": "participants", "type": "quantitative", "title": _("Participants")},
            "tooltip": [
                {"field": "cluster", "title": cluster},
                {"field": "providers", "title": provider},
                {"field": "start", "type": "temporal", "title": start},
                {"field": "end", "type": "temporal", "title": _("Last start")},
                {"field": "offerings", "title": _("Offerings")},
                {"field": "participants", "title": _("Combined participants")},
            ],
        },
    )
    rows = [
        {
            "cluster": labels[id(c)],
            "topic": c.topic_name,
            "target_group": c.target_group_name,
            "region": c.region_name,
            "period": f"{c.start:%Y-%m} – {c.end:%Y-%m}",
            "providers": ", ".join(c.providers),
            "offerings": len(c.offerings),
            "participants": c.participants,
            "without_count": c.without_count,
        }
        for c in report.clusters
    ]
    columns = [
        Column("cluster", cluster),
        Column("topic", _("Topic")),
        Column("target_group", _("Target group")),
        Column("region", _("Region")),
        Column("period", _("Period")),
        Column("providers", _("Providers")),
        Column("offerings", _("Offerings")),
        Column("participants", _("Combined participants")),
        Column("without_count", _("Offerings without a count")),
    ]
    return Chart(
        name="course-overlaps",
        title=title,
        spec=spec,
        columns=columns,
        rows=rows,
        description=_(
            "Each bar is a group of offerings of one topic for one audience in one region, by "
            "two or more providers, all starting within %(window)d months of the group's first."
        )
        % {"window": report.window},
    )
