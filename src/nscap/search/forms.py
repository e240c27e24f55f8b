"""The allow-listed GET parameters of the search page (the header box sends ``q`` alone)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from nscap.search.choices import ResultType
from nscap.search.selectors import MAX_QUERY_LENGTH, SearchFilters


class SearchForm(forms.Form):
    """``q`` and the facet filters; a bad filter value is reported and ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_QUERY_LENGTH)
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any"))] + list(ResultType.choices)
    )
    country = forms.RegexField(label=_("Country"), required=False, regex=r"^[A-Za-z]{2}$")
    kind = forms.SlugField(label=_("Kind"), required=False, max_length=30)
    topic = forms.SlugField(label=_("Topic"), required=False, max_length=120)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1, max_value=9999)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.input_type = "search"

    def filters(self) -> SearchFilters:
        """The valid filter values (a field with a bad value counts as unset)."""
        self.is_valid()
        data = {
            name: self.cleaned_data.get(name) or None
            for name in ("type", "country", "kind", "topic", "year")
            if name not in self.errors
        }
        if data.get("country"):
            data["country"] = data["country"].upper()
        return SearchFilters(**data)

    def text(self) -> str:
        self.is_valid()
        return (self.cleaned_data.get("q") or "").strip() if "q" not in self.errors else ""
