"""A form field for a country: typed with a list of names to pick from, in the reader's
language, and sent as text that the record schemas resolve (``country_names.resolve_country``).

No ``maxlength`` of two: a browser would cut "Korea" to "Ko" without a word (issue 16).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from nscap.core.country_names import country_options

COUNTRY_LABEL = _("Country")
COUNTRY_HELP = _("Start typing its name and pick it from the list, or type its two-letter code.")


class CountryInput(forms.TextInput):
    """A text input with a ``<datalist>`` of every country's name; a stored code is shown as
    its name."""

    def format_value(self, value: Any) -> str | None:
        names = dict(country_options(get_language() or "en"))
        if isinstance(value, str) and value in names:  # a stored code, shown as its name
            return names[value]
        return super().format_value(value)

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer=None) -> str:
        attrs = dict(attrs or {})
        options_id = f"{attrs.get('id') or 'id_' + name}-countries"
        attrs.update({"list": options_id, "autocomplete": "off"})
        html = super().render(name, value, attrs, renderer)
        options = format_html_join(
            "",
            '<option value="{}"></option>',
            ((label,) for _code, label in country_options(get_language() or "en")),
        )
        return format_html('{}<datalist id="{}">{}</datalist>', html, options_id, options)


def country_field(label: Any = COUNTRY_LABEL, **kwargs: Any) -> forms.CharField:
    """An optional country, by name or code (the schema checks it and stores its code)."""
    kwargs.setdefault("help_text", COUNTRY_HELP)
    kwargs.setdefault("required", False)
    return forms.CharField(label=label, max_length=100, widget=CountryInput(), **kwargs)
