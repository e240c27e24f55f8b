"""The figures page: every visible quantity, filterable by what it measures."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from nscap.core.labels import measure_label
from nscap.institutions.views import ANY, cleaned_filters, filter_messages
from nscap.quantities.selectors import visible_quantities
from nscap.sources.selectors import citations_for


class FigureFilterForm(forms.Form):
    measure = forms.ChoiceField(label=_("Measure"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        measures = sorted(set(visible_quantities(user).values_list("measure", flat=True)))
        self.fields["measure"].choices = ANY + [(m, measure_label(m)) for m in measures]


def figures_index(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = FigureFilterForm(request.GET or None, user=user)
    values = cleaned_filters(form) if request.GET else {}
    quantities = visible_quantities(user)
    if values.get("measure"):
        quantities = quantities.filter(measure=values["measure"])
    quantities = list(quantities)
    return render(
        request,
        "quantities/index.html",
        {
            "section": "quantities",
            "form": form,
            "quantities": quantities,
            "citations": citations_for(quantities, user),
            "messages_list": filter_messages(form) if request.GET else [],
        },
    )
