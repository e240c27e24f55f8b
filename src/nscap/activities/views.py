"""Courses & events: a filtered list, one course (Table 2 row) and one training event."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from nscap.activities.charts import overlaps_chart
from nscap.activities.choices import CourseKind
from nscap.activities.fused_view import fused_block, fused_rows
from nscap.activities.models import Course, TrainingEvent
from nscap.activities.overlaps import DEFAULT_WINDOW, MAX_WINDOW, cached_overlaps
from nscap.activities.picking import suggest_courses
from nscap.activities.regions import REGIONS
from nscap.activities.selectors import (
    ActivityFilters,
    course_events,
    event_partners,
    filter_courses,
    filter_events,
)
from nscap.analytics.figures import OVERLAP_FIGURES, figures, overlap_values
from nscap.analytics.page_cache import cached_content
from nscap.core.record_fields import bind_viewer, suggestion_view
from nscap.core.templatetags.nscap_ui import country_name
from nscap.institutions.fields import InstitutionField
from nscap.institutions.views import ANY, cleaned_filters, filter_messages
from nscap.institutions.visible import visible_institutions
from nscap.sources.selectors import citations_for
from nscap.vocabularies.inferred import TARGET_GROUPS, TOPICS, with_basis
from nscap.vocabularies.models import TargetGroup, Topic


class ActivityFilterForm(forms.Form):
    """GET filters of the courses & events list; choices are what the viewer may see."""

    provider = InstitutionField(label=_("Provider or host"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    target_group = forms.ChoiceField(label=_("Target group"), required=False)
    partner_country = forms.ChoiceField(label=_("Partner country (events)"), required=False)
    parent = InstitutionField(label=_("Provider part of (parent institution)"), required=False)
    center = forms.BooleanField(
        label=_("Any center (center of excellence or NSSC)"), required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        bind_viewer(self, user)
        codes = set(
            visible_institutions(user).exclude(country="").values_list("country", flat=True)
        )
        countries = ANY + sorted(
            ((code, country_name(code)) for code in codes), key=lambda c: str(c[1])
        )
        self.fields["country"].choices = countries
        self.fields["partner_country"].choices = countries
        self.fields["kind"].choices = ANY + list(CourseKind.choices)
        self.fields["topic"].choices = ANY + [
            (t.key, t.name) for t in Topic.objects.visible_to(user)
        ]
        self.fields["target_group"].choices = ANY + [
            (g.key, g.name) for g in TargetGroup.objects.visible_to(user)
        ]


# The page shows at most this many courses and events (latest events first) with the full
# counts, so that it stays as fast with years of data as with the brief's; the filters and the
# API (paginated) reach the rest.
LIST_LIMIT = 200


def activity_list(request: HttpRequest) -> HttpResponse:
    """Courses and events, filtered; the content is rendered once per viewer class, data
    version and query (counting and ordering every event took 3 s at 1M events on SQLite)."""
    user = request.user
    form = ActivityFilterForm(request.GET or None, user=user)

    def build() -> dict:
        values = cleaned_filters(form) if request.GET else {}
        filters = ActivityFilters(**{name: values.get(name) for name in form.fields})
        courses = filter_courses(filters, user)
        events = filter_events(filters, user)
        shown_courses = list(courses[:LIST_LIMIT])
        shown_events = list(events[:LIST_LIMIT])
        return {
            "form": form,
            "courses": shown_courses,
            "courses_total": _total(courses, shown_courses),
            "events": shown_events,
            "events_total": _total(events, shown_events),
            "limit": LIST_LIMIT,
            "messages_list": filter_messages(form) if request.GET else [],
        }

    params = {"query": sorted(request.GET.items())}
    content = cached_content(request, "activities", "activities/_list_content.html", build, params)
    return render(request, "activities/list.html", {"section": "activities", "content": content})


def _total(queryset, shown: list) -> int:
    """How many rows the filtered, visible list has (no COUNT query when all are shown)."""
    return len(shown) if len(shown) < LIST_LIMIT else queryset.count()


def course_detail(request: HttpRequest, key: str) -> HttpResponse:
    course = get_object_or_404(
        Course.objects.visible_to(request.user).select_related("provider"), key=key
    )
    events = list(course_events(course, request.user))
    return render(
        request,
        "activities/course.html",
        {
            "section": "activities",
            "course": course,
            # Each label with its basis: stated by the source, or inferred (with evidence).
            "topics": with_basis(course, TOPICS, course.topics.visible_to(request.user)),
            "target_groups": with_basis(
                course, TARGET_GROUPS, course.target_groups.visible_to(request.user)
            ),
            "events": events,
            "citations": citations_for([course, *events], request.user),
        },
    )


def event_detail(request: HttpRequest, key: str) -> HttpResponse:
    visible = TrainingEvent.objects.visible_to(request.user).select_related("host", "course")
    event = get_object_or_404(visible, key=key)
    course = Course.objects.visible_to(request.user).filter(pk=event.course_id).first()
    return render(
        request,
        "activities/event.html",
        {
            "section": "activities",
            "event": event,
            "course": course,
            "partners": event_partners(event, request.user),
            "countries": list(event.participant_countries.order_by("-count", "country")),
            "topics": list(event.topics.visible_to(request.user)),
            "target_groups": list(event.target_groups.visible_to(request.user)),
            # What the counts use when the report states no topic: its course's, each with
            # its basis (a course's topic may be inferred, not stated).
            "course_topics": with_basis(course, TOPICS, course.topics.visible_to(request.user))
            if course
            else [],
            "citations": citations_for([event], request.user),
            **_fused_context(request.user, event),
        },
    )


def _fused_context(user, event: TrainingEvent) -> dict:
    """The fused event's rows and estimate for the page (none for a lone, unfused report)."""
    block = fused_block(user, event.pk)
    if (
        block is None
        or len(block["reports"]) < 2
        and not block["estimate"]
        and not any(f["basis"] == "inferred" for f in block["fields"].values())
    ):
        return {"fused": None}
    return {"fused": block, "fused_rows": fused_rows(block)}


class OverlapFilterForm(forms.Form):
    """GET filters of the overlaps page: the time window in months and a region."""

    window = forms.IntegerField(
        label=_("Window (months)"), min_value=0, max_value=MAX_WINDOW, required=False
    )
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = ANY + sorted(
            ((slug, str(name)) for slug, (name, _codes) in REGIONS.items()), key=lambda c: c[1]
        )


def course_overlaps(request: HttpRequest) -> HttpResponse:
    """Duplicated effort: where different providers offer the same thing to the same people."""
    form = OverlapFilterForm(request.GET or None)
    values = cleaned_filters(form) if request.GET else {}
    # cleaned_filters reads 0 as unset; a window of 0 months (same month) is a real choice.
    window = (
        form.cleaned_data.get("window") if request.GET and "window" not in form.errors else None
    )
    window = DEFAULT_WINDOW if window is None else window
    region = values.get("region")
    report = cached_overlaps(request.user, window=window, region=region)
    # The catalogue's figures at the defaults (docs/figures.md); with a filter, the same
    # function over the filtered groups, not marked as the catalogue's.
    at_defaults = window == DEFAULT_WINDOW and not region
    shown = overlap_values(report)
    return render(
        request,
        "activities/overlaps.html",
        {
            "section": "activities",
            "form": form,
            "report": report,
            "figures": list(figures(request.user, OVERLAP_FIGURES).values()) if at_defaults else [],
            "shown": shown,
            "chart": overlaps_chart(report),
            "messages_list": filter_messages(form) if request.GET else [],
        },
    )


# The <option> elements of a course field's suggestions (htmx): the provider beside the title.
course_suggestions = suggestion_view(suggest_courses)
