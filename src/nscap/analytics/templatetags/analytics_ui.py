"""Template filters for analytics figures: a value with the bounds its qualifiers allow."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nscap.core.choices import Qualifier
from nscap.core.labels import humanize_code
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
def coverage(row: dict) -> str:
    """A gap row's coverage as every page prints it (``analytics.figures.coverage_text``: an
    indicative comparison is marked so)."""
    from nscap.analytics.figures import coverage_text

    return coverage_text(row)


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
    return str(label) if label is not None else humanize_code(code)


@register.filter
def claim_descriptions(keys: list[str] | str, claims: list[dict]) -> str:
    """Aggregate claims named by key (``overlaps``, ``counts_with``), shown by their
    descriptions."""
    if isinstance(keys, str):
        keys = [keys]
    described = {c["claim"]: c["description"] for c in claims}
    return "; ".join(described.get(key) or humanize_code(key) for key in keys)


def cell_title(cell, rows: list[dict]) -> str:
    """A gap cell (``VN.regulators.all.all``) as words: "Vietnam · Regulators · any topic ·
    all years", from the names its rows carry."""
    first = rows[0] if rows else {}
    scope = scope_name(first) if cell.scope != "all" and first else _("all scopes")
    group = (first.get("target_group_name") if cell.group != "all" else "") or _("any target group")
    topic = (first.get("topic_name") if cell.topic != "all" else "") or _("any topic")
    year = cell.year if cell.year != "all" else _("all years")
    return " · ".join(str(part) for part in (scope, group, topic, year))
