"""Cached figures are recomputed after an approval and a revert, and kept per visibility class."""

import pytest
from django.contrib.auth.models import AnonymousUser

from nscap.analytics.cache import data_version, viewer_class
from nscap.analytics.gaps import gap_analysis
from nscap.analytics.tests.helpers import need
from nscap.contributions import services
from nscap.contributions.models import HistoryEntry
from nscap.contributions.services import ProposedChange
from nscap.testing.factories import make_institution
from nscap.testing.roles import make_steward, make_user

pytestmark = pytest.mark.django_db


def _supply_jp() -> float:
    row = next(r for r in gap_analysis(AnonymousUser())["rows"] if r["scope_key"] == "JP")
    return row["supply"]["value"]


def test_an_approval_changes_the_figures_and_a_revert_changes_them_back():
    host = make_institution(key="iscn", country="JP")
    need(100, 2014, country="JP")
    contributor = make_user("sato", institution=host)
    steward, other_steward = make_steward("s1"), make_steward("s2")
    assert _supply_jp() == 0  # now cached
    changeset = services.propose(
        contributor,
        [
            ProposedChange(
                "create",
                "training_event",
                values={
                    "key": "pp-2014",
                    "host": "iscn",
                    "title": "Physical protection",
                    "start": "2014-06-01",
                    "participants": 25,
                    "participant_countries": [{"country": "JP", "count": 25}],
                },
            )
        ],
    )
    assert _supply_jp() == 0  # proposed, not applied: the cache still holds
    version = data_version()
    services.approve(steward, changeset.pk)
    assert data_version() == version + 1
    assert _supply_jp() == 25
    entry = HistoryEntry.objects.get(record_key="pp-2014")
    services.approve(other_steward, services.revert(contributor, entry).pk)
    assert _supply_jp() == 0


def test_loading_the_brief_bumps_the_version_only_when_it_changes_something():
    from nscap.brief.loader import load_brief

    load_brief()
    version = data_version()
    assert version >= 1
    load_brief()
    assert data_version() == version


def test_viewer_classes():
    a, b = make_institution(), make_institution()
    assert viewer_class(AnonymousUser()) == "public"
    assert viewer_class(make_user("nobody")) == "public"
    assert viewer_class(make_steward("s")) == "steward"
    one, two = make_user("u1", institution=a), make_user("u2", institution=a)
    assert viewer_class(one) == viewer_class(two) != viewer_class(make_user("u3", institution=b))
    assert viewer_class(one).startswith("institutions-")


def test_the_cached_gaps_page_follows_an_approval_for_each_filter(client):
    host = make_institution(key="iscn", country="JP")
    need(100, 2014, country="JP")
    contributor, steward = make_user("sato", institution=host), make_steward("s1")

    def supply_jp(**filters) -> float:
        report = client.get("/analytics/gaps/", filters).context["report"]
        return next(r for r in report["rows"] if r["scope_key"] == "JP")["supply"]["value"]

    assert supply_jp() == 0 and supply_jp(year=2014) == 0  # both rendered and cached
    values = {"key": "pp-2014", "host": "iscn", "title": "PP", "start": "2014-06-01"}
    values |= {"participants": 25, "participant_countries": [{"country": "JP", "count": 25}]}
    change = ProposedChange("create", "training_event", values=values)
    changeset = services.propose(contributor, [change])
    services.approve(steward, changeset.pk)
    assert supply_jp() == 25 and supply_jp(year=2014) == 25
