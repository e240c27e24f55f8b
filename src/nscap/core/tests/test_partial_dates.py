"""Partial dates: parse, format, first and last day, and the precision check."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from nscap.core.partial_dates import PartialDate, check_precision, partial_date_or_none


@pytest.mark.parametrize(
    ("text", "date", "precision"),
    [
        ("2014", dt.date(2014, 1, 1), "year"),
        ("2014-09", dt.date(2014, 9, 1), "month"),
        ("2014-09-12", dt.date(2014, 9, 12), "day"),
        (" 2010 ", dt.date(2010, 1, 1), "year"),
        ("2012-02-29", dt.date(2012, 2, 29), "day"),
    ],
)
def test_parse(text, date, precision):
    parsed = PartialDate.parse(text)
    assert parsed == PartialDate(date, precision)


@pytest.mark.parametrize("text", ["2014", "2014-09", "2014-09-12", "0999"])
def test_format_round_trips(text):
    assert PartialDate.parse(text).isoformat() == text
    assert str(PartialDate.parse(text)) == text


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("2014", dt.date(2014, 12, 31)),
        ("2014-09", dt.date(2014, 9, 30)),
        ("2014-12", dt.date(2014, 12, 31)),
        ("2012-02", dt.date(2012, 2, 29)),  # leap year
        ("2013-02", dt.date(2013, 2, 28)),
        ("2014-09-12", dt.date(2014, 9, 12)),
    ],
)
def test_end_is_the_last_day_it_can_mean(text, end):
    assert PartialDate.parse(text).end == end


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Sept. 2014",
        "late 2015",
        "14",
        "2014-9",
        "2014/09",
        "2014-13",
        "2014-00",
        "2013-02-29",
        "2014-09-31",
        "2014-09-12T10:00",
        "20140912",
    ],
)
def test_parse_refuses_what_is_not_a_partial_date(text):
    with pytest.raises(ValueError, match=repr(text).replace("(", r"\(")):
        PartialDate.parse(text)


@pytest.mark.parametrize("value", [None, 2014, dt.date(2014, 1, 1)])
def test_parse_refuses_what_is_not_text(value):
    with pytest.raises(ValueError):
        PartialDate.parse(value)


def test_partial_dates_sort_by_their_first_day():
    texts = ["2014-09-12", "2013", "2014", "2014-09"]
    ordered = sorted(PartialDate.parse(text) for text in texts)
    assert [str(date) for date in ordered] == ["2013", "2014", "2014-09", "2014-09-12"]


def test_partial_date_or_none():
    assert partial_date_or_none(None, "year") is None
    assert partial_date_or_none(dt.date(2014, 1, 1), "year") == PartialDate.parse("2014")


@pytest.mark.parametrize(
    ("date", "precision"),
    [
        (None, "day"),
        (None, "year"),
        (dt.date(2014, 9, 12), "day"),
        (dt.date(2014, 9, 1), "month"),
        (dt.date(2014, 1, 1), "year"),
    ],
)
def test_check_precision_accepts_what_agrees(date, precision):
    check_precision(date, precision, "start")


@pytest.mark.parametrize(
    ("date", "precision", "words"),
    [
        (dt.date(2014, 9, 12), "month", "month-precision"),
        (dt.date(2014, 9, 1), "year", "year-precision"),
        (dt.date(2014, 1, 12), "year", "year-precision"),
    ],
)
def test_check_precision_refuses_a_date_saying_more_than_its_precision(date, precision, words):
    with pytest.raises(ValidationError) as raised:
        check_precision(date, precision, "start")
    assert list(raised.value.message_dict) == ["start"]
    assert words in raised.value.message_dict["start"][0]
