"""Collaboration claims refuse impossible data, in the model and the database."""

import datetime as dt

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from nscap.collaboration.models import CollaborationClaim
from nscap.testing.factories import make_claim, make_institution

pytestmark = pytest.mark.django_db


def model_errors(record) -> dict[str, list[str]]:
    """The errors full_clean raises (fails the test when it raises none)."""
    with pytest.raises(ValidationError) as raised:
        record.full_clean()
    return raised.value.message_dict


def db_refuses(make) -> None:
    with transaction.atomic(), pytest.raises(IntegrityError):
        make()


def fields_of(record) -> dict:
    return {
        field.attname: getattr(record, field.attname)
        for field in record._meta.concrete_fields
        if not field.primary_key
    }


def claim(**fields) -> CollaborationClaim:
    fields.setdefault("key", "c")
    fields.setdefault("type", "seminar")
    fields.setdefault("claimant", make_institution(country="JP"))
    return CollaborationClaim(**fields)


@pytest.mark.parametrize(
    "partner",
    [
        {"partner_country": "VN"},  # "Vietnam (seminar in Hanoi)"
        {"partner_text": "many other Asian countries"},
    ],
)
def test_claim_naming_a_country_or_only_words_is_accepted(partner):
    record = claim(**partner)
    record.full_clean()
    record.save()


def test_claim_naming_an_institution_is_accepted():
    record = claim(partner=make_institution(country="KR"), type="personnel_exchange")
    record.full_clean()
    record.save()


def test_claim_whose_partner_is_the_claimant_is_refused_by_both():
    claimant = make_institution()
    record = claim(claimant=claimant, partner=claimant)
    assert "partner" in model_errors(record)
    db_refuses(lambda: CollaborationClaim.objects.create(**fields_of(record)))


def test_claim_turned_on_itself_by_update_is_refused_by_the_database():
    saved = make_claim()
    db_refuses(
        lambda: CollaborationClaim.objects.filter(pk=saved.pk).update(partner=saved.claimant)
    )


def test_claim_naming_no_partner_at_all_is_refused_by_both():
    record = claim()
    errors = model_errors(record)
    assert "claim_names_a_partner" in " ".join(errors.get(NON_FIELD_ERRORS, [])) or (
        "partner" in errors
    )
    db_refuses(lambda: CollaborationClaim.objects.create(**fields_of(record)))


def test_claim_stripped_of_its_partner_by_update_is_refused_by_the_database():
    saved = make_claim()
    db_refuses(lambda: CollaborationClaim.objects.filter(pk=saved.pk).update(partner=None))


def test_claim_ending_before_it_starts_is_refused_by_both():
    record = claim(partner_country="KR", start=dt.date(2013, 5, 2), end=dt.date(2013, 5, 1))
    assert "end" in model_errors(record)
    db_refuses(lambda: CollaborationClaim.objects.create(**fields_of(record)))


@pytest.mark.parametrize(
    ("field", "date", "precision"),
    [
        ("start", dt.date(2013, 5, 2), "month"),
        ("start", dt.date(2013, 5, 1), "year"),
        ("end", dt.date(2013, 5, 2), "month"),
        ("end", dt.date(2013, 5, 1), "year"),
    ],
)
def test_claim_dates_saying_more_than_their_precision_are_refused(field, date, precision):
    record = claim(partner_country="KR", **{field: date, f"{field}_precision": precision})
    assert field in model_errors(record)
    db_refuses(lambda: CollaborationClaim.objects.create(**fields_of(record)))


def test_mou_dated_to_a_year_is_accepted():
    # "MOU with KINAC, South Korea (2013)"
    record = claim(
        partner=make_institution(country="KR"),
        type="mou",
        start=dt.date(2013, 1, 1),
        start_precision="year",
    )
    record.full_clean()


def test_unknown_type_status_and_confirmation_are_refused_by_the_model():
    errors = model_errors(
        claim(partner_country="KR", type="gossip", status="maybe", confirmation="denied")
    )
    assert {"type", "status", "confirmation"} <= set(errors)


def test_partner_country_not_iso_alpha2_is_refused_by_the_database():
    db_refuses(lambda: make_claim(partner_country="kr", partner=None))
