"""Needs assessments refuse impossible data, in the model and the database."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from nscap.needs.models import NeedsAssessment
from nscap.testing.factories import make_quantity

pytestmark = pytest.mark.django_db


def model_errors(record) -> dict[str, list[str]]:
    """The errors full_clean raises (fails the test when it raises none)."""
    with pytest.raises(ValidationError) as raised:
        record.full_clean()
    return raised.value.message_dict


def db_refuses(make) -> None:
    with transaction.atomic(), pytest.raises(IntegrityError):
        make()


def test_worldwide_assessment_with_its_figure_is_accepted():
    # WINS 2013: 230,000 professionals with nuclear security accountability.
    record = NeedsAssessment(
        key="wins-2013",
        title="WINS needs assessment",
        published=dt.date(2013, 1, 1),
        published_precision="year",
    )
    record.full_clean()
    record.save()
    make_quantity(needs_assessment=record, value=230000, qualifier="approximately")
    assert record.quantities.get().value == 230000


@pytest.mark.parametrize(
    ("date", "precision"), [(dt.date(2013, 6, 2), "month"), (dt.date(2013, 6, 1), "year")]
)
def test_published_saying_more_than_its_precision_is_refused_by_both(date, precision):
    fields = {"key": "n", "title": "T", "published": date, "published_precision": precision}
    errors = model_errors(NeedsAssessment(**fields))
    assert "published" in errors
    db_refuses(lambda: NeedsAssessment.objects.create(**fields))


def test_assessment_needs_a_title():
    assert "title" in model_errors(NeedsAssessment(key="n", title=""))
