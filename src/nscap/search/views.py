"""The search page: one box (also in every page's header) across institutions, courses, events,
networks and sources, grouped by type, with facets, paging and "did you mean"."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from nscap.core.paging import paginate
from nscap.core.templatetags.nscap_ui import country_name
from nscap.institutions.views import filter_messages
from nscap.search.choices import ResultType
from nscap.search.documents import KIND_LABELS
from nscap.search.forms import SearchForm
from nscap.search.selectors import facets, hit, ranked, start, type_label
from nscap.search.suggestions import did_you_mean
from nscap.vocabularies.models import Topic

PER_GROUP = 5  # hits of each type on the page of all types
PER_PAGE = 20  # hits on a page of one type
FACET_NAMES = {
    "type": _("Type"),
    "country": _("Country"),
    "kind": _("Kind"),
    "topic": _("Topic"),
    "year": _("Year"),
}


def search_results(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    text = form.text() if request.GET else ""
    filters = form.filters() if request.GET else None
    search = start(text, request.user, filters)
    context = {
        "section": "search",
        "form": form,
        "search_text": text,
        "search": search,
        "messages_list": filter_messages(form) if request.GET else [],
        "groups": [],
        "facets": [],
        "suggestions": [],
        "active_filters": [],
    }
    if search.words:
        context["groups"] = _groups(request, search)
        context["facets"] = _facet_links(request, search)
        context["active_filters"] = _active_filters(request, search)
        if not search.total:
            context["suggestions"] = did_you_mean(text, request.user)
    return render(request, "search/results.html", context)


def _groups(request: HttpRequest, search) -> list[dict]:
    """One group per type with hits: its count and its best hits (a page of them when the
    search is narrowed to that type)."""
    groups = []
    for result_type in ResultType.values:
        count = search.counts.get(result_type, 0)
        if not count or (search.filters.type and search.filters.type != result_type):
            continue
        group = {"type": result_type, "label": type_label(result_type), "count": count}
        entries = ranked(search, result_type)
        if search.filters.type:
            page, page_link = paginate(request, _Counted(entries, count), PER_PAGE)
            group.update(hits=[hit(e) for e in page.object_list], page=page, page_link=page_link)
        else:
            group["hits"] = [hit(e) for e in entries[:PER_GROUP]]
            group["more_link"] = _link(request, type=result_type, page=None)
        groups.append(group)
    return groups


class _Counted:
    """A queryset whose length is already known (the count per type), for the Paginator."""

    def __init__(self, queryset, count: int) -> None:
        self.queryset, self.count_value = queryset, count

    def count(self) -> int:
        return self.count_value

    def __len__(self) -> int:
        return self.count_value

    def __getitem__(self, index):
        return self.queryset[index]


def _facet_links(request: HttpRequest, search) -> list[dict]:
    """Each facet with its values, counts and the link that narrows the search to a value."""
    out = []
    for name, values in facets(search).items():
        if not values:
            continue
        current = request.GET.get(name, "")
        out.append(
            {
                "name": name,
                "label": FACET_NAMES[name],
                "values": [
                    {
                        "label": value.label,
                        "count": value.count,
                        "link": _link(request, **{name: value.value, "page": None}),
                        "current": current.upper() == value.value.upper(),
                    }
                    for value in values
                ],
            }
        )
    return out


def _active_filters(request: HttpRequest, search) -> list[dict]:
    """The filters in force, each with the link that removes it."""
    active = []
    for name in ("type", "country", "kind", "topic", "year"):
        value = getattr(search.filters, name)
        if value:
            active.append(
                {
                    "label": FACET_NAMES[name],
                    "value": _readable(name, value, request.user),
                    "remove_link": _link(request, **{name: None, "page": None}),
                }
            )
    return active


def _readable(name: str, value, user) -> str:
    """A filter value as readers name it (a country's name, a kind's label, a topic's name)."""
    if name == "type":
        return type_label(value)
    if name == "country":
        return country_name(value)
    if name == "kind":
        return str(KIND_LABELS.get(value, value))
    if name == "topic":
        topic = Topic.objects.visible_to(user).filter(key=value).first()
        return topic.name if topic else str(value)
    return str(value)


def _link(request: HttpRequest, **changes) -> str:
    params = request.GET.copy()
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = str(value)
    return f"?{params.urlencode()}"
