"""Template filters for analytics figures: a value with the bounds its qualifiers allow."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nscap.core.choices import Qualifier
from nscap.core.templatetags.nscap_ui import country_name, format_number

register = template.Library()

# The codes the reports (and the API) carry, as the pages show them in the current language.
CODE_LABELS = {
    # an achievements trend
    "rising": gettext_lazy("rising"),
    "flat": gettext_lazy("flat"),
    "falling": gettext_lazy("falling"),
    "unknown": gettext_lazy("unknown"),
    # why an aggregate claim adds nothing to supply
    "no count of people": gettext_lazy("no count of people"),
    "no period": gettext_lazy("no period"),
    "covered by logged events": gettext_lazy("covered by logged events"),
    "overlaps a larger claim": gettext_lazy(
        "overlaps a larger claim of the same institution: not added"
    ),
    "cumulative, placed in no year": gettext_lazy("cumulative to its date: placed in no year"),
}


def _number(value: float | None, percent: bool) -> str:
    if value is None:
        return ""
    if percent:
        return format_number(Decimal(str(round(value * 100, 1)))) + " %"
    return format_number(Decimal(str(round(value, 1))))


@register.filter
def figure(value: dict | None, kind: str = "") -> str:
    """``{"value": 900, "low": 890, "high": null}`` → "900 (890 – no upper bound)"; with a
    ``qualifier`` (a claimed figure), the source's words: "more than 1,500"."""
    if not value:
        return "—"
    percent = kind == "percent"
    text = _number(value["value"], percent)
    low, high = value["low"], value["high"]
    qualifier = value.get("qualifier") or Qualifier.EXACT
    if qualifier != Qualifier.EXACT and value["value"]:
        text = f"{dict(Qualifier.choices).get(qualifier, qualifier)} {text}"
        if low == value["value"] and high is None:
            return text  # "more than 1,500" says it all
    if low == value["value"] and high == value["value"]:
        return text
    high_text = _number(high, percent) if high is not None else _("no upper bound")
    return f"{text} ({_number(low, percent)} – {high_text})"


@register.filter
def scope_name(row: dict) -> str:
    """A gap row's or cell's scope in the current language: a country's name, "World" or the
    region as the source names it (names are not cached: the cache is not per language)."""
    key = row.get("scope_key", "")
    if key == "world":
        return _("World")
    if key.startswith("r-"):
        return row.get("scope_label", key)
    return country_name(key)


@register.filter
def code_label(code: str) -> str:
    """A trend or a claim's reason (``"rising"``, ``"no period"``) in the current language."""
    label = CODE_LABELS.get(code)
    return str(label) if label is not None else code
