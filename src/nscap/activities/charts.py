"""Charts about courses and events, each over what the viewer may see."""

from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from nscap.activities.models import Course
from nscap.core.charts import Chart, Column, vega_lite


def courses_by_provider_chart(user: Any) -> Chart:
    """How many courses each provider offers (Table 2 of the brief, for the home page)."""
    counts = (
        Course.objects.visible_to(user)
        .values("provider__key", "provider__name")
        .annotate(courses=Count("pk"))
        .order_by("-courses", "provider__name")
    )
    rows = [
        {
            "provider": row["provider__name"],
            "courses": row["courses"],
            "url": reverse("institutions:detail", args=[row["provider__key"]]),
        }
        for row in counts
    ]
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
