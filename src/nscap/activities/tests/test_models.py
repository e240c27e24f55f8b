"""Courses, events and aggregate claims refuse impossible data, in the model and the database."""

import datetime as dt

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from nscap.activities.models import (
    AggregateClaim,
    Course,
    EventParticipantCountry,
    EventPartner,
    TrainingEvent,
)
from nscap.testing.factories import make_course, make_event, make_institution

pytestmark = pytest.mark.django_db

SEPT_12 = dt.date(2014, 9, 12)
SEPT = dt.date(2014, 9, 1)


def model_errors(record) -> dict[str, list[str]]:
    """The errors full_clean raises (fails the test when it raises none)."""
    with pytest.raises(ValidationError) as raised:
        record.full_clean()
    return raised.value.message_dict


def db_refuses(make) -> None:
    with transaction.atomic(), pytest.raises(IntegrityError):
        make()


def fields_of(record) -> dict:
    """What ``objects.create`` needs to write an unsaved record as it stands, unvalidated."""
    return {
        field.attname: getattr(record, field.attname)
        for field in record._meta.concrete_fields
        if not field.primary_key
    }


def event(**fields) -> TrainingEvent:
    fields.setdefault("key", "e")
    fields.setdefault("title", "Basic nuclear security")
    fields.setdefault("host", make_institution())
    return TrainingEvent(**fields)


# --- TrainingEvent ---------------------------------------------------------------------------


def test_valid_event_passes_both():
    record = event(
        start=SEPT,
        start_precision="month",
        end=dt.date(2014, 9, 30),
        participants=80,
        country="MY",
    )
    record.full_clean()
    record.save()
    assert TrainingEvent.objects.get(key="e").participants == 80


def test_event_on_one_day_is_accepted():
    event(start=SEPT_12, end=SEPT_12).full_clean()


def test_event_ending_before_it_starts_is_refused_by_both():
    record = event(start=SEPT_12, end=dt.date(2014, 9, 11))
    assert "end" in model_errors(record)
    db_refuses(lambda: TrainingEvent.objects.create(**fields_of(record)))


def test_event_end_moved_before_start_by_update_is_refused_by_the_database():
    saved = make_event(start=SEPT_12, end=SEPT_12)
    db_refuses(lambda: TrainingEvent.objects.filter(pk=saved.pk).update(end=dt.date(2013, 1, 1)))


@pytest.mark.parametrize(
    ("field", "date", "precision"),
    [
        ("start", SEPT_12, "month"),  # a month-precision date with a day
        ("start", SEPT, "year"),  # a year-precision date with a month
        ("end", SEPT_12, "month"),
        ("end", SEPT, "year"),
    ],
)
def test_date_saying_more_than_its_precision_is_refused_by_both(field, date, precision):
    record = event(**{field: date, f"{field}_precision": precision})
    assert field in model_errors(record)
    db_refuses(lambda: TrainingEvent.objects.create(**fields_of(record)))


def test_negative_participants_are_refused_by_both():
    record = event(participants=-1)
    assert "participants" in model_errors(record)
    db_refuses(lambda: TrainingEvent.objects.create(**fields_of(record)))
    saved = make_event(participants=10)
    db_refuses(lambda: TrainingEvent.objects.filter(pk=saved.pk).update(participants=-5))


def test_unknown_delivery_mode_and_qualifier_are_refused_by_the_model():
    errors = model_errors(event(delivery_mode="telepathy", participants_qualifier="roughly"))
    assert {"delivery_mode", "participants_qualifier"} <= set(errors)


# --- EventParticipantCountry -----------------------------------------------------------------


def test_negative_participant_country_count_is_refused_by_both():
    saved = make_event()
    row = EventParticipantCountry(event=saved, country="VN", count=-3)
    assert "count" in model_errors(row)
    db_refuses(lambda: EventParticipantCountry.objects.create(event=saved, country="VN", count=-3))


def test_same_country_twice_for_one_event_is_refused_by_both():
    saved = make_event()
    EventParticipantCountry.objects.create(event=saved, country="VN", count=3)
    assert model_errors(EventParticipantCountry(event=saved, country="VN", count=4))
    db_refuses(lambda: EventParticipantCountry.objects.create(event=saved, country="VN", count=4))


def test_participant_country_requires_a_country():
    row = EventParticipantCountry(event=make_event(), country="", count=3)
    assert "country" in model_errors(row)


def test_participant_country_not_iso_alpha2_is_refused_by_the_database():
    db_refuses(
        lambda: EventParticipantCountry.objects.create(event=make_event(), country="vn", count=1)
    )


# --- EventPartner ----------------------------------------------------------------------------


def test_same_partner_in_the_same_role_twice_is_refused_by_both():
    saved = make_event()
    partner = make_institution()
    EventPartner.objects.create(event=saved, institution=partner, role="funder")
    assert model_errors(EventPartner(event=saved, institution=partner, role="funder"))
    db_refuses(lambda: EventPartner.objects.create(event=saved, institution=partner, role="funder"))
    EventPartner(event=saved, institution=partner, role="trainer_provider").full_clean()


def test_unknown_partner_role_is_refused_by_the_model():
    row = EventPartner(event=make_event(), institution=make_institution(), role="spectator")
    assert "role" in model_errors(row)


# --- Course ----------------------------------------------------------------------------------


def test_course_first_offered_saying_more_than_its_precision_is_refused_by_both():
    record = Course(
        key="c",
        title="Fundamentals of nuclear security",
        provider=make_institution(),
        first_offered=SEPT,
        first_offered_precision="year",
    )
    assert "first_offered" in model_errors(record)
    db_refuses(lambda: Course.objects.create(**fields_of(record)))


def test_course_with_year_precision_is_accepted():
    make_course(first_offered=dt.date(2014, 1, 1), first_offered_precision="year").full_clean()


# --- AggregateClaim --------------------------------------------------------------------------


def claim(**fields) -> AggregateClaim:
    fields.setdefault("key", "agg")
    fields.setdefault("claimant", make_institution(country="CN"))
    fields.setdefault("description", "20 seminars and training courses for over 500 staff")
    return AggregateClaim(**fields)


def test_brief_style_aggregate_claim_is_accepted():
    record = claim(
        period_start=dt.date(2010, 1, 1),
        period_start_precision="year",
        period_end=dt.date(2012, 1, 1),
        period_end_precision="year",
    )
    record.full_clean()
    record.save()


def test_aggregate_period_ending_before_it_starts_is_refused_by_both():
    record = claim(period_start=dt.date(2012, 1, 1), period_end=dt.date(2010, 1, 1))
    assert "period_end" in model_errors(record)
    db_refuses(lambda: AggregateClaim.objects.create(**fields_of(record)))


@pytest.mark.parametrize(
    ("field", "date", "precision"),
    [("period_start", SEPT_12, "month"), ("period_end", SEPT, "year")],
)
def test_aggregate_dates_saying_more_than_their_precision_are_refused(field, date, precision):
    record = claim(**{field: date, f"{field}_precision": precision})
    assert field in model_errors(record)
    db_refuses(lambda: AggregateClaim.objects.create(**fields_of(record)))


def test_aggregate_claim_needs_a_description():
    assert "description" in model_errors(claim(description=""))


def test_model_errors_name_fields_not_the_whole_record():
    # The model's own checks speak about one field, so forms can show them beside it.
    errors = model_errors(event(start=SEPT_12, end=dt.date(2014, 9, 1)))
    assert NON_FIELD_ERRORS not in errors
