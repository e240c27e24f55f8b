"""The one read filter."""

import pytest
from django.contrib.auth.models import AnonymousUser

from nscap.core.visibility import is_steward
from nscap.institutions.models import Institution
from nscap.testing.factories import make_institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    return {
        level: make_institution(key=f"inst-{level}", sensitivity=level)
        for level in ("public", "network", "restricted")
    }


def keys(user):
    return set(Institution.objects.visible_to(user).values_list("key", flat=True))


def test_visitor_sees_public_only(records):
    assert keys(AnonymousUser()) == {"inst-public"}
    assert keys(None) == {"inst-public"}


def test_signed_in_user_without_role_sees_public_only(records, django_user_model):
    user = django_user_model.objects.create_user("someone", password="x-long-password-1")
    assert keys(user) == {"inst-public"}


def test_steward_and_superuser_see_everything(records, steward, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x-long-password-2")
    everything = {"inst-public", "inst-network", "inst-restricted"}
    assert keys(steward) == everything
    assert keys(admin) == everything


def test_deactivated_steward_sees_public_only(records, steward):
    steward.is_active = False
    steward.save()
    assert not is_steward(steward)
    assert keys(steward) == {"inst-public"}


def test_counts_follow_the_filter(records):
    assert Institution.objects.visible_to(None).count() == 1


def test_a_record_shown_through_a_hidden_record_is_hidden(steward):
    from nscap.activities.models import Course
    from nscap.collaboration.models import CollaborationClaim
    from nscap.testing.factories import make_claim, make_course

    hidden = make_institution(key="hidden", sensitivity="restricted")
    public = make_institution(key="public")
    make_course(key="by-hidden", provider=hidden)
    make_course(key="by-public", provider=public)
    make_claim(key="about-hidden", claimant=public, partner=hidden)
    assert set(Course.objects.visible_to(None).values_list("key", flat=True)) == {"by-public"}
    assert not CollaborationClaim.objects.visible_to(None).exists()
    assert CollaborationClaim.objects.visible_to(steward).count() == 1


def test_labels_and_citations_follow_their_record(steward):
    from nscap.institutions.models import Label
    from nscap.sources.models import Citation
    from nscap.testing.factories import cite, make_source

    hidden = make_institution(key="hidden", sensitivity="restricted")
    public = make_institution(key="public")
    source = make_source(key="src")
    cite(hidden, source, footnote=1)
    cite(public, source, footnote=2)
    cite(public, make_source(key="secret-src", sensitivity="restricted"), footnote=3)
    assert set(Label.objects.visible_to(None).values_list("institution__key", flat=True)) == {
        "public"
    }
    assert list(Citation.objects.visible_to(None).values_list("footnote", flat=True)) == [2]
    assert Citation.objects.visible_to(steward).count() == 3


def test_citation_filter_grows_with_record_types_not_citations():
    from nscap.sources.models import Citation
    from nscap.testing.factories import cite, make_source

    source = make_source(key="src")
    for number in range(30):
        cite(make_institution(key=f"inst-{number}"), source, footnote=number + 1)
    sql = str(Citation.objects.order_by("footnote").visible_to(None).query)
    # One sub-query for the institutions, one for the source: not one per citation.
    assert sql.count("SELECT") <= 4
