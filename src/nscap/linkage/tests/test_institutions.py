"""Label -> institution linkage: candidates from labels, merge as a changeset, undo."""

from __future__ import annotations

import pytest

from nscap.contributions import services as contributions
from nscap.contributions.errors import NotAllowed
from nscap.contributions.models import HistoryEntry
from nscap.institutions.models import Institution
from nscap.linkage.institutions import institution_merge_candidates, merge
from nscap.testing.factories import make_institution
from nscap.testing.roles import make_steward, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins():
    full = make_institution(
        name="Korea Institute of Nuclear Nonproliferation and Control",
        country="KR",
        labels=[("KINAC", "en", "Latn", "acronym")],
    )
    short = make_institution(name="KINAC", country="KR")
    other = make_institution(name="Nuclear Security Training Centre Tokai", country="JP")
    return full, short, other


def test_two_records_of_one_organisation_are_candidates_and_others_are_not(twins):
    full, short, other = twins
    pairs = institution_merge_candidates(make_steward())
    found = {(p.kept.pk, p.duplicate.pk) for p in pairs}
    assert (full.pk, short.pk) in found
    assert all(other.pk not in pair for pair in found)


def test_only_stewards_see_or_merge(twins):
    full, short, _other = twins
    with pytest.raises(NotAllowed):
        institution_merge_candidates(make_user())
    with pytest.raises(NotAllowed):
        merge(make_user(), full, short)


def test_a_merge_is_a_changeset_and_its_revert_restores_the_record(twins):
    full, short, _other = twins
    steward = make_steward()
    merge(steward, full, short)
    short.refresh_from_db()
    assert short.same_as_id == full.pk
    assert institution_merge_candidates(steward) == []  # merged records are not suggested
    entry = HistoryEntry.objects.get(record_key=short.key, action__endswith=".update")
    contributions.revert(steward, entry)
    assert Institution.objects.get(pk=short.pk).same_as_id is None
