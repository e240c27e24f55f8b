"""The regional report's parameters, read once for the page, the API and the CLI.

A bad value is a ``ReportParameterError`` naming the parameter (``region``, ``from``, ``to``),
so each caller can answer 400 (page, API) or exit with the message (CLI), never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from nscap.analytics.regions import REGIONS, canonical_region, countries_of

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


class ReportParameterError(ValueError):
    """A parameter of the report is not valid; ``field`` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class RegionalParams:
    """Which region (``""``: everywhere) and which years (``None``: open) the report covers."""

    region: str = ""
    year_from: int | None = None
    year_to: int | None = None

    @property
    def countries(self) -> frozenset[str] | None:
        """The region's ISO codes; ``None`` when the report covers every country."""
        return countries_of(self.region) if self.region else None

    def as_query(self) -> dict[str, str]:
        """The parameters as the page's and the API's query string spells them."""
        query = {"region": self.region}
        if self.year_from is not None:
            query["from"] = str(self.year_from)
        if self.year_to is not None:
            query["to"] = str(self.year_to)
        return query


def _year(field: str, text: str | int | None) -> int | None:
    if text is None or str(text).strip() == "":
        return None
    try:
        year = int(str(text).strip())
    except ValueError:
        raise ReportParameterError(
            field, _("%(value)r is not a year such as 2015.") % {"value": str(text)}
        ) from None
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ReportParameterError(
            field,
            _("%(year)s is outside %(first)s–%(last)s.")
            % {"year": year, "first": EARLIEST_YEAR, "last": LATEST_YEAR},
        )
    return year


def parse_params(
    region: str | None, year_from: str | int | None, year_to: str | int | None
) -> RegionalParams:
    """Check and normalise the parameters; raise ``ReportParameterError`` naming the bad one."""
    name = canonical_region(region or "")
    if name and countries_of(name) is None:
        raise ReportParameterError(
            "region",
            _("%(region)r is not a known region. Known regions: %(known)s.")
            % {"region": name, "known": ", ".join(REGIONS)},
        )
    first, last = _year("from", year_from), _year("to", year_to)
    if first is not None and last is not None and first > last:
        raise ReportParameterError(
            "from", _("%(first)s is after 'to' (%(last)s).") % {"first": first, "last": last}
        )
    return RegionalParams(name, first, last)
