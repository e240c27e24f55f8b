"""Institutions, labels and milestones refuse impossible data, in the model and in the database."""

import datetime as dt

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DataError, IntegrityError, transaction

from nscap.institutions.models import Institution, Label, Milestone
from nscap.testing.factories import make_institution

pytestmark = pytest.mark.django_db


def model_errors(record) -> dict[str, list[str]]:
    """The errors full_clean raises (fails the test when it raises none)."""
    with pytest.raises(ValidationError) as raised:
        record.full_clean()
    return raised.value.message_dict


def db_refuses(make) -> None:
    # PostgreSQL refuses an over-long value before any constraint (DataError); SQLite has no
    # length limit, so the check constraint refuses it (IntegrityError).
    with transaction.atomic(), pytest.raises((IntegrityError, DataError)):
        make()


# --- Institution -----------------------------------------------------------------------------


def test_valid_institution_passes_both():
    parent = make_institution(key="caea", name="China Atomic Energy Authority", country="CN")
    center = Institution(
        key="snstc",
        name="State Nuclear Security Technology Center",
        kind="center_of_excellence",
        country="CN",
        parent=parent,
        parent_role="government_agency",
    )
    center.full_clean()
    center.save()
    assert Institution.objects.get(key="snstc").parent == parent


def test_institution_its_own_parent_is_refused_by_the_model():
    institution = make_institution()
    institution.parent = institution
    assert "parent" in model_errors(institution)


def test_institution_its_own_parent_is_refused_by_the_database():
    institution = make_institution()
    db_refuses(lambda: Institution.objects.filter(pk=institution.pk).update(parent=institution))
    institution.refresh_from_db()
    assert institution.parent is None


def test_cycle_of_parents_is_refused_by_the_model():
    a = make_institution(key="a")
    b = make_institution(key="b", parent=a, parent_role="operator")
    a.parent = b
    a.parent_role = "operator"
    errors = model_errors(a)
    assert "parent" in errors
    assert "cycle" in errors["parent"][0]


def test_longer_cycle_of_parents_is_refused_by_the_model():
    a = make_institution(key="a")
    b = make_institution(key="b", parent=a, parent_role="operator")
    c = make_institution(key="c", parent=b, parent_role="operator")
    a.parent = c
    a.parent_role = "operator"
    assert "parent" in model_errors(a)


def test_chain_of_parents_without_cycle_is_accepted():
    a = make_institution(key="a")
    b = make_institution(key="b", parent=a, parent_role="operator")
    c = Institution(key="c", name="C", kind="university", parent=b, parent_role="operator")
    c.full_clean()


def test_parent_role_without_parent_is_refused_by_both():
    orphan = Institution(key="o", name="O", kind="university", parent_role="regulator")
    errors = model_errors(orphan)
    assert "institution_parent_role_needs_parent" in " ".join(errors[NON_FIELD_ERRORS])
    db_refuses(
        lambda: Institution.objects.create(
            key="o", name="O", kind="university", parent_role="regulator"
        )
    )


@pytest.mark.parametrize("country", ["jp", "JPN", "J", "1A", "Jp"])
def test_country_not_iso_alpha2_is_refused_by_the_database(country):
    db_refuses(
        lambda: Institution.objects.create(key="x", name="X", kind="university", country=country)
    )


@pytest.mark.parametrize("country", ["jp", "JPN", "1A"])
def test_country_not_iso_alpha2_is_refused_by_the_model(country):
    record = Institution(key="x", name="X", kind="university", country=country)
    errors = model_errors(record)
    assert "country" in errors or "institution_country_iso_alpha2" in " ".join(
        errors.get(NON_FIELD_ERRORS, [])
    )


def test_country_error_names_the_field():
    assert "country" in model_errors(
        Institution(key="x", name="X", kind="university", country="jp")
    )


def test_international_body_has_no_country():
    iaea = Institution(key="iaea", name="IAEA", kind="international_org", country="")
    iaea.full_clean()
    iaea.save()


def test_duplicate_key_is_refused_by_both():
    make_institution(key="insa")
    assert "key" in model_errors(Institution(key="insa", name="Other", kind="university"))
    db_refuses(lambda: Institution.objects.create(key="insa", name="Other", kind="university"))


def test_unknown_kind_and_sensitivity_are_refused_by_the_model():
    record = Institution(key="x", name="X", kind="bakery", sensitivity="secret")
    errors = model_errors(record)
    assert {"kind", "sensitivity"} <= set(errors)


# --- Label -----------------------------------------------------------------------------------


def test_label_with_no_language_is_refused_by_both():
    institution = make_institution()
    label = Label(institution=institution, text="INSA", language="", kind="acronym")
    assert "language" in model_errors(label)
    db_refuses(
        lambda: Label.objects.create(
            institution=institution, text="INSA", language="", kind="acronym"
        )
    )


def test_label_with_empty_text_is_refused_by_both():
    institution = make_institution()
    label = Label(institution=institution, text="", language="en", kind="name")
    assert "text" in model_errors(label)
    db_refuses(
        lambda: Label.objects.create(institution=institution, text="", language="en", kind="name")
    )


def test_label_emptied_by_update_is_refused_by_the_database():
    institution = make_institution()
    db_refuses(lambda: Label.objects.filter(institution=institution).update(language=""))
    db_refuses(lambda: Label.objects.filter(institution=institution).update(text=""))


def test_same_label_twice_is_refused_by_both():
    institution = make_institution(labels=[("INSA", "en", "Latn", "acronym")])
    twin = Label(institution=institution, text="INSA", language="en", kind="acronym")
    assert model_errors(twin)
    db_refuses(
        lambda: Label.objects.create(
            institution=institution, text="INSA", language="en", kind="acronym"
        )
    )


def test_same_text_may_name_different_institutions():
    # "NSSC" names Malaysia's and Vietnam's centres and Korea's commission.
    for country in ("MY", "VN", "KR"):
        make_institution(country=country, labels=[("NSSC", "en", "Latn", "acronym")])
    assert Label.objects.filter(text="NSSC").count() == 3


def test_unknown_label_kind_is_refused_by_the_model():
    label = Label(institution=make_institution(), text="x", language="en", kind="nickname")
    assert "kind" in model_errors(label)


# --- Milestone -------------------------------------------------------------------------------


def milestone(**fields) -> Milestone:
    fields.setdefault("key", "m")
    fields.setdefault("institution", make_institution())
    fields.setdefault("kind", "inaugurated")
    return Milestone(**fields)


def test_milestone_at_each_precision_is_accepted():
    for number, (date, precision) in enumerate(
        [
            (dt.date(2014, 1, 1), "year"),
            (dt.date(2014, 9, 1), "month"),
            (dt.date(2014, 9, 12), "day"),
        ]
    ):
        record = milestone(key=f"m{number}", date=date, date_precision=precision)
        record.full_clean()
        record.save()
    assert Milestone.objects.count() == 3


def test_month_precision_with_a_day_is_refused_by_both():
    record = milestone(date=dt.date(2014, 9, 12), date_precision="month")
    assert "date" in model_errors(record)
    db_refuses(lambda: Milestone.objects.create(**_fields(record)))


def test_year_precision_with_a_month_is_refused_by_both():
    record = milestone(date=dt.date(2014, 9, 1), date_precision="year")
    assert "date" in model_errors(record)
    db_refuses(lambda: Milestone.objects.create(**_fields(record)))


def test_precision_loosened_by_update_is_refused_by_the_database():
    record = milestone(date=dt.date(2014, 9, 12), date_precision="day")
    record.save()
    db_refuses(lambda: Milestone.objects.filter(pk=record.pk).update(date_precision="year"))


def test_unknown_milestone_status_is_refused_by_the_model():
    assert "status" in model_errors(milestone(status="rumoured"))


def _fields(record) -> dict:
    return {
        field.attname: getattr(record, field.attname)
        for field in record._meta.concrete_fields
        if not field.primary_key
    }
