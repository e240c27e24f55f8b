"""Sources and citations refuse impossible data, in the model and the database."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from nscap.sources.models import Citation, Source
from nscap.testing.factories import cite, make_institution, make_source

pytestmark = pytest.mark.django_db


def model_errors(record) -> dict[str, list[str]]:
    """The errors full_clean raises (fails the test when it raises none)."""
    with pytest.raises(ValidationError) as raised:
        record.full_clean()
    return raised.value.message_dict


def db_refuses(make) -> None:
    with transaction.atomic(), pytest.raises(IntegrityError):
        make()


def test_citation_points_at_any_record_with_a_footnote():
    institution = make_institution()
    citation = cite(institution, footnote=16, quote="Inaugurated in Sept. 2014")
    assert citation.record == institution
    assert Citation.objects.get(pk=citation.pk).footnote == 16


def test_source_published_saying_more_than_its_precision_is_refused_by_both():
    record = Source(
        key="s",
        title="Brief",
        kind="policy_brief",
        published=dt.date(2015, 3, 2),
        published_precision="month",
    )
    errors = model_errors(record)
    assert "published" in errors
    db_refuses(
        lambda: Source.objects.create(
            key="s",
            title="Brief",
            kind="policy_brief",
            published=dt.date(2015, 3, 2),
            published_precision="month",
        )
    )


def test_unknown_source_kind_is_refused_by_the_model():
    assert "kind" in model_errors(Source(key="s", title="Brief", kind="rumour"))


def test_negative_footnote_is_refused_by_both():
    institution = make_institution()
    source = make_source()
    content_type = ContentType.objects.get_for_model(institution)
    record = Citation(
        source=source, content_type=content_type, object_id=institution.pk, footnote=-1
    )
    assert "footnote" in model_errors(record)
    db_refuses(
        lambda: Citation.objects.create(
            source=source, content_type=content_type, object_id=institution.pk, footnote=-1
        )
    )


def test_same_citation_at_the_same_locator_twice_is_refused_by_both():
    institution = make_institution()
    source = make_source()
    first = cite(institution, source=source, field="name", locator="Table 1")
    twin = Citation(
        source=source,
        content_type=first.content_type,
        object_id=institution.pk,
        field="name",
        locator="Table 1",
    )
    assert model_errors(twin)
    db_refuses(lambda: cite(institution, source=source, field="name", locator="Table 1"))
    # Another locator in the same source is a different citation.
    cite(institution, source=source, field="name", locator="p. 4")
    assert Citation.objects.count() == 2


def test_source_with_citations_cannot_be_deleted():
    source = make_source()
    cite(make_institution(), source=source)
    with transaction.atomic(), pytest.raises(ProtectedError):
        source.delete()
