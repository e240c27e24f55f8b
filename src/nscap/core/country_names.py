"""Countries typed by name: the names a form lists, and the one country a typed text means.

Forms show country names (in the reader's language) and store ISO 3166-1 alpha-2 codes. A text
is taken when it is a code (any case) or a country's exact name (case, accents and spacing
folded) in English or the current language; anything else is refused with a message that names
the candidates, never cut to two letters ("Korea" was stored as "Ko", issue 16).
"""

from __future__ import annotations

import functools
import unicodedata

import pycountry
from django.utils.translation import get_language
from django.utils.translation import gettext as _

CANDIDATES_SHOWN = 6
COUNTRIES = tuple(pycountry.countries)


def fold(text: str) -> str:
    """``text`` for comparison: no accents, no case, single spaces ("Côte  d'Ivoire" ==
    "cote d'ivoire")."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def _language() -> str:
    return get_language() or "en"


@functools.lru_cache(maxsize=16)
def country_options(language: str) -> tuple[tuple[str, str], ...]:
    """(code, name in ``language``) of every ISO 3166-1 country, by name."""
    from django.utils import translation

    from nscap.core.templatetags.nscap_ui import country_name

    with translation.override(language):
        names = [
            (country.alpha_2, country_name(country.alpha_2)) for country in pycountry.countries
        ]
    return tuple(sorted(names, key=lambda pair: fold(pair[1])))


@functools.lru_cache(maxsize=16)
def _names(language: str) -> dict[str, str]:
    """Folded name -> code: ISO's names (official, common) and the names a form lists in
    ``language`` and in English."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            if value := getattr(country, attribute, None):
                names.setdefault(fold(value), country.alpha_2)
    for shown_in in dict.fromkeys([language, "en"]):
        for code, name in country_options(shown_in):
            names.setdefault(fold(name), code)
    return names


def resolve_country(text: str) -> str:
    """The alpha-2 code ``text`` names ("" for blank); ValueError with the candidates when it
    names no country or several."""
    text = (text or "").strip()
    if not text:
        return ""
    if len(text) == 2 and pycountry.countries.get(alpha_2=text.upper()) is not None:
        return text.upper()
    names = _names(_language())
    wanted = fold(text)
    if wanted in names:
        return names[wanted]
    shown = dict(country_options(_language()))
    candidates = sorted({code for name, code in names.items() if wanted and wanted in name})
    if candidates:
        listed = "; ".join(f"{shown[code]} ({code})" for code in candidates[:CANDIDATES_SHOWN])
        raise ValueError(
            _("“%(text)s” is not one country's name; did you mean: %(listed)s?")
            % {"text": text, "listed": listed}
        )
    raise ValueError(
        _(
            "no country is called “%(text)s”; pick a name from the list or type its "
            "two-letter code (such as KR)"
        )
        % {"text": text}
    )
