"""Partial dates: a year, a month or a day, as the sources give them ("2014", "Sept. 2014").

A partial date is stored as two columns, the first day it can mean (so it sorts and filters as a
date) and its precision. Text uses EDTF/ISO 8601 forms: ``2014``, ``2014-09``, ``2014-09-12``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nscap.core.choices import DatePrecision

_EDTF = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to a year, a month or a day."""

    date: dt.date
    precision: str

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; raise ValueError with a plain message."""
        if cls is PartialDate and isinstance(text, str):
            return _parse_cached(text)  # imports parse the same few thousand dates many times
        return cls._parse(text)

    @classmethod
    def _parse(cls, text: str) -> PartialDate:
        match = _EDTF.match(text.strip()) if isinstance(text, str) else None
        if not match:
            raise ValueError(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = match["y"], match["m"], match["d"]
        try:
            if day:
                return cls(dt.date(int(year), int(month), int(day)), DatePrecision.DAY)
            if month:
                return cls(dt.date(int(year), int(month), 1), DatePrecision.MONTH)
            return cls(dt.date(int(year), 1, 1), DatePrecision.YEAR)
        except ValueError as exc:
            raise ValueError(f"{text!r} is not a real date: {exc}") from exc

    @property
    def end(self) -> dt.date:
        """The last day this partial date can mean."""
        if self.precision == DatePrecision.DAY:
            return self.date
        if self.precision == DatePrecision.MONTH:
            next_month = (self.date.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            return next_month - dt.timedelta(days=1)
        return dt.date(self.date.year, 12, 31)

    def isoformat(self) -> str:
        if self.precision == DatePrecision.DAY:
            return self.date.isoformat()
        if self.precision == DatePrecision.MONTH:
            return self.date.strftime("%Y-%m")
        return f"{self.date.year:04d}"

    def __str__(self) -> str:
        return self.isoformat()


@functools.lru_cache(maxsize=8192)
def _parse_cached(text: str) -> PartialDate:
    return PartialDate._parse(text)  # frozen, so one instance may be shared


def partial_date_or_none(date: dt.date | None, precision: str) -> PartialDate | None:
    return PartialDate(date, precision) if date else None


def check_precision(date: dt.date | None, precision: str, field: str) -> None:
    """Refuse a date that says more than its precision (a month-precision date with a day)."""
    if date is None:
        return
    if precision == DatePrecision.MONTH and date.day != 1:
        raise ValidationError(
            {field: _("A month-precision date must not carry a day (%(date)s).") % {"date": date}}
        )
    if precision == DatePrecision.YEAR and (date.month, date.day) != (1, 1):
        raise ValidationError(
            {
                field: _("A year-precision date must not carry a month or day (%(date)s).")
                % {"date": date}
            }
        )


def precision_constraint(field: str, name: str) -> models.CheckConstraint:
    """The database's half of ``check_precision``: `<field>` agrees with `<field>_precision`."""
    prec = f"{field}_precision"
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True})
        | Q(**{prec: DatePrecision.DAY})
        | Q(**{prec: DatePrecision.MONTH, f"{field}__day": 1})
        | Q(**{prec: DatePrecision.YEAR, f"{field}__day": 1, f"{field}__month": 1}),
        name=name,
    )


def precision_field() -> models.CharField:
    return models.CharField(
        _("precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
