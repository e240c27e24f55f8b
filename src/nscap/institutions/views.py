"""Institution pages: the filtered, searchable list and one institution with its sources."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from nscap.analytics.page_cache import cached_content
from nscap.core.paging import paginate
from nscap.core.record_fields import bind_viewer, suggestion_view
from nscap.core.templatetags.nscap_ui import country_name
from nscap.institutions.choices import InstitutionKind
from nscap.institutions.fields import InstitutionField
from nscap.institutions.picking import suggest_institutions
from nscap.institutions.selectors import InstitutionFilters, institution_page, list_institutions
from nscap.institutions.visible import visible_institutions
from nscap.networks.models import Network
from nscap.vocabularies.models import Topic

ANY = [("", _("Any"))]
PER_PAGE = 100  # institutions on one page of the list


class InstitutionFilterForm(forms.Form):
    """The allow-listed GET filters of the institutions list; choices are what the viewer sees."""

    q = forms.CharField(label=_("Search names in any language"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    network = forms.ChoiceField(label=_("Network"), required=False)
    parent = InstitutionField(label=_("Part of (parent institution)"), required=False)
    center = forms.BooleanField(
        label=_("Any center (center of excellence or NSSC)"), required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        bind_viewer(self, user)
        countries = (
            visible_institutions(user)
            .exclude(country="")
            .values_list("country", flat=True)
            .distinct()
        )
        self.fields["country"].choices = ANY + sorted(
            ((code, country_name(code)) for code in set(countries)), key=lambda c: str(c[1])
        )
        self.fields["kind"].choices = ANY + list(InstitutionKind.choices)
        self.fields["topic"].choices = ANY + [
            (t.key, t.name) for t in Topic.objects.visible_to(user)
        ]
        self.fields["network"].choices = ANY + [
            (n.key, str(n)) for n in Network.objects.visible_to(user)
        ]
        for name in ("q",):
            self.fields[name].widget.input_type = "search"


def filter_messages(form: forms.Form) -> list[str]:
    """One plain sentence per rejected filter value (the filter is then ignored)."""
    messages = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else name
        value = form.data.get(name, "")
        messages.append(
            _("%(label)s: “%(value)s” is not a value you can filter by (%(error)s) — ignored.")
            % {"label": label, "value": value, "error": " ".join(errors)}
        )
    return messages


def cleaned_filters(form: forms.Form) -> dict:
    """The valid filter values; a field with a bad value counts as unset."""
    form.is_valid()
    return {
        name: form.cleaned_data.get(name) or None for name in form.fields if name not in form.errors
    }


def institution_list(request: HttpRequest) -> HttpResponse:
    form = InstitutionFilterForm(request.GET or None, user=request.user)
    values = cleaned_filters(form) if request.GET else {}
    filters = InstitutionFilters(
        country=values.get("country"),
        kind=values.get("kind"),
        topic=values.get("topic"),
        network=values.get("network"),
        parent=values.get("parent"),
        center=bool(values.get("center")),
        q=(values.get("q") or "").strip(),
    )
    page, page_link = paginate(request, list_institutions(filters, request.user), PER_PAGE)
    context = {
        "section": "institutions",
        "form": form,
        "rows": page.object_list,
        "total": page.paginator.count,
        "page": page,
        "page_link": page_link,
        "filters": filters,
        "messages_list": filter_messages(form) if request.GET else [],
    }
    template = "institutions/_results.html" if request.htmx else "institutions/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])  # the same URL answers with a partial
    return response


def institution_detail(request: HttpRequest, key: str) -> HttpResponse:
    """One institution; its content is rendered once per viewer class, data version and language
    (``analytics.page_cache``)."""
    user = request.user
    institution = get_object_or_404(visible_institutions(user), key=key)
    content = cached_content(
        request,
        "institution",
        "institutions/_detail_content.html",
        lambda: {"page": institution_page(institution, user)},
        {"key": key},
    )
    return render(
        request,
        "institutions/detail.html",
        {"section": "institutions", "institution": institution, "content": content},
    )


# The <option> elements of an institution field's suggestions (htmx): acronym and country beside
# the name.
institution_suggestions = suggestion_view(suggest_institutions)
