"""Networks, memberships and meetings refuse impossible data, in the model and the database."""

import datetime as dt

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from nscap.networks.models import Meeting, Membership, Network
from nscap.testing.factories import make_institution, make_membership, make_network

pytestmark = pytest.mark.django_db


def model_errors(record) -> dict[str, list[str]]:
    """The errors full_clean raises (fails the test when it raises none)."""
    with pytest.raises(ValidationError) as raised:
        record.full_clean()
    return raised.value.message_dict


def refused_by_constraint(record, constraint: str) -> None:
    errors = model_errors(record)
    assert constraint in " ".join(errors.get(NON_FIELD_ERRORS, [])), errors


def db_refuses(make) -> None:
    with transaction.atomic(), pytest.raises(IntegrityError):
        make()


def test_network_established_in_a_year_is_accepted():
    record = Network(
        key="insen",
        name="International Nuclear Security Education Network",
        acronym="INSEN",
        established=dt.date(2010, 1, 1),
        established_precision="year",
    )
    record.full_clean()
    record.save()
    assert str(record) == "INSEN"


def test_network_established_saying_more_than_its_precision_is_refused_by_both():
    fields = {
        "key": "n",
        "name": "Asian regional network",
        "established": dt.date(2012, 10, 15),
        "established_precision": "month",
    }
    assert "established" in model_errors(Network(**fields))
    db_refuses(lambda: Network.objects.create(**fields))


def test_membership_twice_is_refused_by_both():
    network = make_network()
    institution = make_institution()
    make_membership(network=network, institution=institution)
    assert model_errors(Membership(key="m2", network=network, institution=institution))
    db_refuses(lambda: make_membership(network=network, institution=institution))


def test_membership_joined_saying_more_than_its_precision_is_refused_by_both():
    fields = {
        "key": "m",
        "network": make_network(),
        "institution": make_institution(),
        "joined": dt.date(2014, 3, 1),
        "joined_precision": "year",
    }
    assert "joined" in model_errors(Membership(**fields))
    db_refuses(lambda: Membership.objects.create(**fields))


def test_meeting_date_saying_more_than_its_precision_is_refused_by_both():
    fields = {
        "key": "mt",
        "network": make_network(),
        "title": "Asian regional network meeting",
        "date": dt.date(2014, 2, 17),
        "date_precision": "month",
    }
    assert "date" in model_errors(Meeting(**fields))
    db_refuses(lambda: Meeting.objects.create(**fields))


def test_convener_of_a_network_cannot_be_deleted():
    convener = make_institution()
    make_network(convener=convener)
    with transaction.atomic(), pytest.raises(ProtectedError):
        convener.delete()
