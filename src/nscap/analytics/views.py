"""Analytics pages: the index, training gaps (heatmap, ranked table, drill-down), achievements."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nscap.analytics.cache import cached
from nscap.analytics.charts import (
    gap_heatmap_chart,
    participants_by_center_chart,
    share_of_plan_chart,
    supply_by_year_chart,
)
from nscap.analytics.figures import ACHIEVEMENT_FIGURES, figures
from nscap.analytics.gaps import AXES, BadCell, Cell, cell_detail, needs_with_citations
from nscap.analytics.page_cache import cached_content
from nscap.analytics.regions import REGIONS
from nscap.analytics.selectors import achievements_report, gap_method, gaps_report
from nscap.analytics.templatetags.analytics_ui import cell_title
from nscap.core.record_fields import bind_viewer
from nscap.institutions.fields import InstitutionField

RANKED_ROWS = 100
# The achievements page charts and lists the centers with most participants (and every center
# with a plan) unless one center is chosen; the API and the CLI give them all.
TOP_CENTERS = 15
# The catalogue figures the analytics index and the gaps page show (docs/figures.md).
SUPPLY_FIGURES = ("people_trained", "people_estimated", "people_unitemised")
GAP_FIGURES = ("demand_total", "gap_total")


class GapFilterForm(forms.Form):
    """GET filters of the gaps page; a bad value is a 400 that names the field."""

    year = forms.IntegerField(
        label=gettext_lazy("Year"), required=False, min_value=1, max_value=9999
    )
    country = forms.RegexField(
        label=gettext_lazy("Country (ISO code)"), required=False, regex=r"^[A-Za-z]{2}$"
    )
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    axis = forms.ChoiceField(label=gettext_lazy("Heatmap columns"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", gettext_lazy("Any"))] + [
            (name, name) for name in sorted(REGIONS)
        ]
        self.fields["axis"].choices = [
            ("target_group", gettext_lazy("Target group")),
            ("topic", gettext_lazy("Topic")),
        ]


class AchievementFilterForm(forms.Form):
    institution = InstitutionField(label=gettext_lazy("Center"), required=False)
    year = forms.IntegerField(
        label=gettext_lazy("Year"), required=False, min_value=1, max_value=9999
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        bind_viewer(self, user)


def _bad_request(request: HttpRequest, form: forms.Form, template: str, context: dict):
    """Unknown parameters and bad values answer 400, naming each parameter."""
    problems = [
        _("Unknown parameter “%(name)s”.") % {"name": name}
        for name in request.GET
        if name not in form.fields
    ]
    for name, errors in form.errors.items():
        problems.append(
            _("%(name)s: “%(value)s” — %(error)s")
            % {"name": name, "value": request.GET.get(name, ""), "error": " ".join(errors)}
        )
    if not problems:
        return None
    return render(request, template, {**context, "form": form, "problems": problems}, status=400)


def analytics_index(request: HttpRequest) -> HttpResponse:
    report = gaps_report(request.user)
    return render(
        request,
        "analytics/index.html",
        {
            "section": "analytics",
            "headline": report["headline"],
            "totals": report["totals"],
            "supply_chart": supply_by_year_chart(report["supply_by_year"]),
            "figures": list(figures(request.user, SUPPLY_FIGURES).values()),
        },
    )


def gaps_page(request: HttpRequest) -> HttpResponse:
    form = GapFilterForm(request.GET or None)
    context = {"section": "analytics", "method": gap_method()}
    if request.GET and not form.is_valid() or any(n not in form.fields for n in request.GET):
        form.is_valid()
        return _bad_request(request, form, "analytics/gaps.html", context)
    values = form.cleaned_data if request.GET else {}
    axis = values.get("axis") or AXES[0]
    user = request.user
    report = gaps_report(
        user,
        year=values.get("year"),
        country=(values.get("country") or "").upper(),
        region=values.get("region") or "",
    )

    def build() -> dict:
        return {
            **context,
            "form": form,
            "report": report,
            "axis": axis,
            "heatmap": gap_heatmap_chart(report["rows"], axis),
            "ranked": report["rows"][:RANKED_ROWS],
            "more_rows": max(len(report["rows"]) - RANKED_ROWS, 0),
            # Totals over every row: shown only when no filter narrows the table.
            "figures": [] if request.GET else list(figures(user, GAP_FIGURES).values()),
        }

    # The content (report, heatmap, table, filter form) per viewer class, data version and
    # filters; the header with the viewer's CSRF token is rendered per request.
    params = {"filters": sorted(request.GET.items())}
    content = cached_content(request, "gaps", "analytics/_gaps_content.html", build, params)
    return render(
        request,
        "analytics/gaps.html",
        {"section": "analytics", "content": content, "has_chart": bool(report["rows"])},
    )


def gap_cell(request: HttpRequest, cell: str) -> HttpResponse:
    try:
        parsed = Cell.parse(cell)
    except BadCell as exc:
        return render(
            request,
            "analytics/gap_cell.html",
            {"section": "analytics", "problems": [str(exc)], "cell": cell},
            status=400,
        )
    detail = cell_detail(request.user, parsed)
    if not detail["rows"]:
        raise Http404(_("No assessed need in this cell."))
    return render(
        request,
        "analytics/gap_cell.html",
        {
            "section": "analytics",
            "cell": cell,
            "cell_title": cell_title(parsed, detail["rows"]),
            "detail": detail,
            "needs": needs_with_citations(request.user, detail["rows"]),
            "method": gap_method(),
        },
    )


def _top_centers(report: dict) -> int:
    """Keep the TOP_CENTERS centers with most participants (and those with a plan) in
    ``report``; return how many were left out."""
    centers = report["centers"]
    if len(centers) <= TOP_CENTERS:
        return 0
    ranked = sorted(centers, key=lambda c: (c["plan"] is None, -c["participants"], c["name"]))
    keep = {c["institution"] for c in ranked[:TOP_CENTERS]}
    report["centers"] = [c for c in centers if c["institution"] in keep]
    report["rows"] = [r for r in report["rows"] if r["institution"] in keep]
    report["claims"] = [c for c in report["claims"] if c["claimant"] in keep]
    return len(centers) - len(keep)


def achievements_page(request: HttpRequest) -> HttpResponse:
    form = AchievementFilterForm(request.GET or None, user=request.user)
    context = {"section": "analytics"}
    if request.GET and not form.is_valid() or any(n not in form.fields for n in request.GET):
        form.is_valid()
        return _bad_request(request, form, "analytics/achievements.html", context)
    values = form.cleaned_data if request.GET else {}
    user = request.user

    def report() -> dict:
        return achievements_report(
            user, institution=values.get("institution") or "", year=values.get("year")
        )

    def build() -> dict:
        shown = report()
        hidden = _top_centers(shown)
        return {
            **context,
            "form": form,
            "report": shown,
            "hidden_centers": hidden,
            "participants_chart": participants_by_center_chart(shown["rows"]),
            "plan_chart": share_of_plan_chart(shown["rows"]),
            # Over every center: shown only when no filter narrows the tables.
            "figures": [] if request.GET else list(figures(user, ACHIEVEMENT_FIGURES).values()),
        }

    # The content per viewer class, data version and filters (reading the cached report alone
    # takes a tenth of a second at 1M events, so a hit reads neither).
    params = {"filters": sorted(request.GET.items())}
    content = cached_content(
        request, "achievements", "analytics/_achievements_content.html", build, params
    )
    has_chart = cached("achievements-has-rows", user, params, lambda: bool(report()["rows"]))
    return render(
        request,
        "analytics/achievements.html",
        {"section": "analytics", "content": content, "has_chart": has_chart},
    )
