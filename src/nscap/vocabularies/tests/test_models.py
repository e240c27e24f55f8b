"""Vocabularies, and what every Record refuses: a duplicate key, an unknown sensitivity."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from nscap.testing.factories import make_target_group, make_topic
from nscap.vocabularies.models import TargetGroup, Topic

pytestmark = pytest.mark.django_db


def model_errors(record) -> dict[str, list[str]]:
    """The errors full_clean raises (fails the test when it raises none)."""
    with pytest.raises(ValidationError) as raised:
        record.full_clean()
    return raised.value.message_dict


def test_topic_mapped_to_nss_guidance_is_accepted():
    topic = Topic(
        key="security-culture",
        name="Nuclear security culture",
        name_zh="核安保文化",
        nss_references=["NSS 7"],
        aliases=["security culture", "budaya keamanan"],
    )
    topic.full_clean()
    topic.save()
    assert Topic.objects.get(key="security-culture").nss_references == ["NSS 7"]


@pytest.mark.parametrize("make", [make_topic, make_target_group])
def test_duplicate_key_is_refused_by_both(make):
    existing = make()
    model = type(existing)
    twin = model(key=existing.key, name="Other")
    assert "key" in model_errors(twin)
    with transaction.atomic(), pytest.raises(IntegrityError):
        model.objects.create(key=existing.key, name="Other")


@pytest.mark.parametrize("model", [Topic, TargetGroup])
def test_key_must_be_a_slug(model):
    assert "key" in model_errors(model(key="not a slug!", name="X"))


@pytest.mark.parametrize("model", [Topic, TargetGroup])
def test_unknown_sensitivity_is_refused_by_the_model(model):
    assert "sensitivity" in model_errors(model(key="x", name="X", sensitivity="secret"))


def test_topic_with_children_cannot_be_deleted():
    parent = make_topic()
    make_topic(parent=parent)
    with transaction.atomic(), pytest.raises(ProtectedError):
        parent.delete()
