"""Field types shared by the record schemas: keys, partial dates, countries, counts, web
addresses."""

from __future__ import annotations

import re
from typing import Annotated

import pycountry
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from pydantic import AfterValidator, Field, StringConstraints

from nscap.core.api_support import POSITIVE_INTEGER_MAX
from nscap.core.country_names import resolve_country
from nscap.core.links import LINK_SCHEMES
from nscap.core.partial_dates import PartialDate

KEY_PATTERN = r"^[a-z0-9][a-z0-9-]{0,118}[a-z0-9]$|^[a-z0-9]$"
_KEY = re.compile(KEY_PATTERN)  # compiled once: imports check a key per row and reference


def is_key(text: str) -> bool:
    """Could ``text`` be a record's key? (What is not can name no record: no query needed.)"""
    return isinstance(text, str) and _KEY.match(text) is not None


def _partial_date(value: str) -> str:
    return PartialDate.parse(value).isoformat()


def _country(value: str) -> str:
    # A code or a country's exact name becomes its code; anything else is refused with the
    # candidates, never cut to two letters (issue 16: "Korea" was stored as "Ko").
    if value and pycountry.countries.get(alpha_2=value) is not None and value == value.upper():
        return value
    return resolve_country(value)


# A stored address becomes a link on the site, so only schemes that cannot run code are taken:
# ``javascript:`` or ``data:`` would be a live script in every visitor's browser (issue 12, #9).
_WEB_ADDRESS = URLValidator(schemes=sorted(LINK_SCHEMES - {"mailto"}))


def _web_address(value: str) -> str:
    if not value:
        return value
    try:
        _WEB_ADDRESS(value)
    except ValidationError:
        raise ValueError(
            "enter an http:// or https:// address (such as https://example.org/report.pdf)"
        ) from None
    return value


def _key(value: str) -> str:
    if not _KEY.match(value):
        raise ValueError(
            "a key is 1-120 lower-case letters, digits and hyphens, not starting or ending "
            "with a hyphen"
        )
    return value


Key = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_key)]
PartialDateText = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    AfterValidator(_partial_date),
    Field(description="YYYY, YYYY-MM or YYYY-MM-DD", examples=["2014-09"]),
]
Country = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=100),
    AfterValidator(_country),
    Field(
        description="ISO 3166-1 alpha-2 code or the country's exact name (stored as its code), "
        "or empty",
        examples=["JP"],
    ),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True)]
WebAddress = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=200),
    AfterValidator(_web_address),
    Field(
        description="An http:// or https:// address, or empty", examples=["https://example.org/"]
    ),
]

# Every integer a schema accepts is bounded by its column's range, so an out-of-range number is
# a field error at proposal time, on every path (form, API, import), and never a changeset whose
# approval fails (issue 12, finding 13). The suite checks that every integer field of every
# record schema has bounds that fit its column (contributions/tests/test_integer_bounds.py).
Count = Annotated[int, Field(ge=0, le=POSITIVE_INTEGER_MAX)]
