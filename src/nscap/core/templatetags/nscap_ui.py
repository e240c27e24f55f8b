"""Template helpers for the web UI: partial dates, quantities, country names, citations.

The formatting functions are plain Python so views and tests can call them directly.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
from decimal import Decimal

import pycountry
from django import template
from django.utils import dateformat
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from nscap.core import labels, links
from nscap.core.choices import DatePrecision, Qualifier
from nscap.core.partial_dates import PartialDate

register = template.Library()

# ISO 3166-1 alpha-2 names for the countries the registry deals with; others show their code.
COUNTRY_NAMES = {
    "AU": gettext_lazy("Australia"),
    "BD": gettext_lazy("Bangladesh"),
    "BN": gettext_lazy("Brunei"),
    "CA": gettext_lazy("Canada"),
    "CN": gettext_lazy("China"),
    "DE": gettext_lazy("Germany"),
    "FR": gettext_lazy("France"),
    "GB": gettext_lazy("United Kingdom"),
    "ID": gettext_lazy("Indonesia"),
    "IN": gettext_lazy("India"),
    "JP": gettext_lazy("Japan"),
    "KH": gettext_lazy("Cambodia"),
    "KP": gettext_lazy("North Korea"),
    "KR": gettext_lazy("South Korea"),
    "LA": gettext_lazy("Laos"),
    "MM": gettext_lazy("Myanmar"),
    "MN": gettext_lazy("Mongolia"),
    "MY": gettext_lazy("Malaysia"),
    "NL": gettext_lazy("Netherlands"),
    "NZ": gettext_lazy("New Zealand"),
    "PH": gettext_lazy("Philippines"),
    "PK": gettext_lazy("Pakistan"),
    "RU": gettext_lazy("Russia"),
    "SG": gettext_lazy("Singapore"),
    "TH": gettext_lazy("Thailand"),
    "TW": gettext_lazy("Taiwan"),
    "US": gettext_lazy("United States"),
    "VN": gettext_lazy("Vietnam"),
    "AT": gettext_lazy("Austria"),
}

# Shares that read better as words than as percentages ("just over half").
_SHARE_WORDS = {
    Decimal("0.5"): gettext_lazy("half"),
    Decimal("0.25"): gettext_lazy("a quarter"),
    Decimal("0.75"): gettext_lazy("three quarters"),
    Decimal("1"): gettext_lazy("all"),
}
SHARE_UNITS = {"share", "fraction", "proportion"}


@register.filter
def country_name(code: str | None) -> str:
    """The country's name in the current language: the registry's own short names first, then
    pycountry's ISO 3166 name (translated by pycountry's catalogue); the code only when it is not
    an ISO 3166-1 alpha-2 code at all."""
    if not code:
        return ""
    code = code.upper()
    if code in COUNTRY_NAMES:
        return str(COUNTRY_NAMES[code])
    return _iso_country_name(code, get_language() or "en")


@functools.lru_cache(maxsize=2048)
def _iso_country_name(code: str, language: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    locale = {"zh-hans": "zh_CN", "zh-hant": "zh_TW"}.get(language.lower(), language)
    try:
        catalogue = gettext.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=[locale.replace("-", "_")]
        )
    except OSError:
        return name
    return catalogue.gettext(name)


@register.filter
def measure_label(measure: str) -> str:
    """``{{ quantity.measure|measure_label }}``: what a figure counts, in words."""
    return labels.measure_label(measure)


@register.filter
def record_type_label(record_type: str) -> str:
    """``{{ change.record_type|record_type_label }}``: "Training event", not ``training_event``."""
    return labels.record_type_label(record_type)


@register.filter
def cited_field(citation) -> str:
    """``{{ citation|cited_field }}``: the cited field's verbose name on the cited record."""
    return labels.field_label(citation.content_type_id, citation.field)


def format_partial_date(date: dt.date | None, precision: str) -> str:
    """A partial date at its precision: "2014", "Sept. 2014", "Sept. 12, 2014"."""
    if date is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(date.year)
    if precision == DatePrecision.MONTH:
        # Translators: a date known to the month; PHP-style format letters (N = "Sept.").
        return dateformat.format(date, pgettext("partial date, month precision", "N Y"))
    # Translators: a date known to the day; PHP-style format letters.
    return dateformat.format(date, pgettext("partial date, day precision", "N j, Y"))


@register.simple_tag
def partial_date(record, field: str = "date") -> str:
    """``{% partial_date milestone "date" %}`` reads ``date`` and ``date_precision``."""
    return format_partial_date(
        getattr(record, field, None), getattr(record, f"{field}_precision", "day")
    )


@register.simple_tag
def partial_date_iso(record, field: str = "date") -> str:
    """The EDTF form of a partial date, for ``<time datetime>``: "2014", "2014-09"."""
    date = getattr(record, field, None)
    if date is None:
        return ""
    return PartialDate(date, getattr(record, f"{field}_precision", "day")).isoformat()


def format_number(value: Decimal | int | float) -> str:
    """A number with grouping and no needless decimals: 3000 → "3,000", 1.5 → "1.5"."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return number_format(int(value), 0, use_l10n=True, force_grouping=True)
    text = f"{value.normalize():f}"
    decimals = len(text.split(".")[1]) if "." in text else 0
    return number_format(value, decimals, use_l10n=True, force_grouping=True)


def _qualifier_words(qualifier: str) -> str:
    if not qualifier or qualifier == Qualifier.EXACT:
        return ""
    try:
        return str(Qualifier(qualifier).label)
    except ValueError:
        return ""


def format_quantity(quantity) -> str:
    """Qualifier + number + unit: "almost 3,000 people", "just over half", "more than 1,500
    experts". A share (unit share/fraction/proportion) reads as words or a percentage."""
    value = Decimal(quantity.value)
    unit = (quantity.unit or "").strip()
    qualifier = _qualifier_words(quantity.qualifier)
    if unit.lower() in SHARE_UNITS:
        words = _SHARE_WORDS.get(value.normalize())
        number = str(words) if words is not None else f"{format_number(value * 100)}%"
        unit = ""
    elif unit.lower() in {"percent", "%"}:
        number, unit = f"{format_number(value)}%", ""
    else:
        number = format_number(value)
    # Translators: qualifier, number and unit of a quoted figure, e.g. "almost 3,000 people".
    text = _("%(qualifier)s %(number)s %(unit)s") % {
        "qualifier": qualifier,
        "number": number,
        "unit": unit,
    }
    return " ".join(text.split())


@register.filter
def quantity(value) -> str:
    return format_quantity(value)


@register.filter
def lookup(mapping, key):
    """``{{ citations|lookup:record.pk }}``: a dict item from a template."""
    if not mapping:
        return []
    return mapping.get(key, [])


@register.inclusion_tag("core/_citations.html")
def citations(index, record):
    """The sources behind one record: source, footnote number, locator and quote."""
    return {"items": index.for_record(record) if index is not None else []}


@register.filter
def localized(record) -> str:
    """A record's name in the page's language where the registry has one, else its name.

    Institutions use a name label in that language (国家核安保技术中心); vocabularies their
    ``name_zh``. Labels are read from a prefetch where the view made one.
    """
    name = getattr(record, "name", "") or str(record)
    language = (get_language() or "en").lower()
    if not language.startswith("zh"):
        return name
    if getattr(record, "name_zh", ""):
        return record.name_zh
    labels = getattr(record, "labels", None)
    if labels is not None and hasattr(labels, "all"):
        for label in labels.all():
            if label.kind == "name" and label.language.lower().startswith("zh"):
                return label.text
    return name


@register.simple_tag
def external_link(url: str | None, text: str | None = None) -> str:
    """A link to an address somebody typed, or plain text when its scheme could run code."""
    return links.external_link(url, text)
