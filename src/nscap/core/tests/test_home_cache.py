"""The home page's counts are cached per visibility class and recomputed after an approval."""

import pytest
from django.contrib.auth.models import AnonymousUser

from nscap.analytics.cache import data_version
from nscap.analytics.home import headline_counts
from nscap.contributions import services
from nscap.contributions.services import ProposedChange
from nscap.testing.factories import make_course, make_institution
from nscap.testing.roles import make_steward, make_user

pytestmark = pytest.mark.django_db


def _course(key: str, sensitivity: str = "public") -> ProposedChange:
    values = {"key": key, "provider": "iscn", "title": key, "sensitivity": sensitivity}
    return ProposedChange("create", "course", values=values)


def test_an_approved_course_shows_in_the_counts_and_a_restricted_one_only_to_its_owner():
    iscn = make_institution(key="iscn", country="JP")
    make_course(provider=iscn, key="c0")
    member, steward = make_user("sato", institution=iscn), make_steward("s1")
    assert headline_counts(AnonymousUser())["courses"] == 1  # now cached
    assert headline_counts(member)["courses"] == 1
    version = data_version()
    changeset = services.propose(member, [_course("c1"), _course("c2", "restricted")])
    services.approve(steward, changeset.pk)
    assert data_version() > version
    assert headline_counts(AnonymousUser())["courses"] == 2
    assert headline_counts(member)["courses"] == 3
    assert headline_counts(steward)["courses"] == 3


def test_home_page_counts_follow_an_approval(client):
    iscn = make_institution(key="iscn", country="JP")
    member, steward = make_user("sato", institution=iscn), make_steward("s1")
    counts = client.get("/").context["counts"]
    assert counts["courses"] == 0
    services.approve(steward, services.propose(member, [_course("c1")]).pk)
    assert client.get("/").context["counts"]["courses"] == 1
