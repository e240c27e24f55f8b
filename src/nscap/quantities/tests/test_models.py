"""Quantities refuse impossible numbers and periods, in the model and the database."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from nscap.quantities.models import Quantity
from nscap.testing.factories import make_institution, make_quantity

pytestmark = pytest.mark.django_db


def model_errors(record) -> dict[str, list[str]]:
    """The errors full_clean raises (fails the test when it raises none)."""
    with pytest.raises(ValidationError) as raised:
        record.full_clean()
    return raised.value.message_dict


def refused_by_constraint(record, constraint: str) -> None:
    """full_clean refuses the record through the named database constraint (a non-field error)."""
    errors = model_errors(record)
    assert constraint in " ".join(errors.get(NON_FIELD_ERRORS, [])), errors


def db_refuses(make) -> None:
    with transaction.atomic(), pytest.raises(IntegrityError):
        make()


def fields_of(record) -> dict:
    return {
        field.attname: getattr(record, field.attname)
        for field in record._meta.concrete_fields
        if not field.primary_key
    }


def quantity(**fields) -> Quantity:
    fields.setdefault("key", "q")
    fields.setdefault("measure", "people_trained")
    fields.setdefault("description", "experts trained")
    fields.setdefault("value", Decimal("1500"))
    fields.setdefault("unit", "people")
    return Quantity(**fields)


def test_brief_style_quantity_is_accepted():
    # "more than 1,500 experts", as of 2014
    record = quantity(
        qualifier="more_than",
        institution=make_institution(),
        as_of=dt.date(2014, 1, 1),
        as_of_precision="year",
    )
    record.full_clean()
    record.save()
    assert Quantity.objects.get(key="q").get_qualifier_display() == "more than"


def test_zero_is_a_valid_value():
    quantity(value=0).full_clean()


def test_negative_value_is_refused_by_both():
    record = quantity(value=Decimal("-1"))
    assert "value" in model_errors(record)
    db_refuses(lambda: Quantity.objects.create(**fields_of(record)))
    saved = make_quantity()
    db_refuses(lambda: Quantity.objects.filter(pk=saved.pk).update(value=Decimal("-0.5")))


def test_period_ending_before_it_starts_is_refused_by_both():
    record = quantity(period_start=dt.date(2013, 1, 1), period_end=dt.date(2012, 1, 1))
    assert "period_end" in model_errors(record)
    db_refuses(lambda: Quantity.objects.create(**fields_of(record)))


def test_period_of_one_year_at_year_precision_is_accepted():
    # "from 2012 to 2013"
    quantity(
        period_start=dt.date(2012, 1, 1),
        period_start_precision="year",
        period_end=dt.date(2013, 1, 1),
        period_end_precision="year",
    ).full_clean()


@pytest.mark.parametrize(
    ("field", "date", "precision"),
    [
        ("period_start", dt.date(2014, 9, 12), "month"),
        ("period_end", dt.date(2014, 9, 1), "year"),
        ("as_of", dt.date(2014, 9, 12), "month"),
        ("as_of", dt.date(2014, 9, 1), "year"),
    ],
)
def test_dates_saying_more_than_their_precision_are_refused_by_both(field, date, precision):
    record = quantity(**{field: date, f"{field}_precision": precision})
    assert model_errors(record)
    db_refuses(lambda: Quantity.objects.create(**fields_of(record)))


def test_unknown_qualifier_and_status_are_refused_by_the_model():
    errors = model_errors(quantity(qualifier="roughly", status="hoped"))
    assert {"qualifier", "status"} <= set(errors)


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"value": Decimal("-1")}, "value"),
        ({"period_start": dt.date(2013, 1, 1), "period_end": dt.date(2012, 1, 1)}, "period_end"),
        ({"as_of": dt.date(2014, 9, 12), "as_of_precision": "month"}, "as_of"),
    ],
)
def test_model_errors_name_the_field(fields, named):
    assert named in model_errors(quantity(**fields))
