"""A report a viewer may not see never reaches that viewer through the event it was fused into.

A public event is reported twice more: by a restricted report of another institution and by a
public one. Each duplicate carries canaries (a breakdown by country, a title, a topic). The
public duplicate's values must show in the fused event (so the test can fail both ways); the
restricted one's must reach nobody through the fused event — not a visitor, not a member of
another institution, not even the restricted report's own members or a steward (a fused event
is read with its kept report's visibility, so it is fused only from reports at least as visible,
``linkage.fusing``) — on the event page, in ``/api/events/<key>``, in supply, in the gaps API and
in ``nscap analyse gaps``.
"""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import Client

from nscap.activities.models import FusedEvent
from nscap.analytics.supply import supply
from nscap.analytics.supply_sums import supply_sums
from nscap.contributions import services
from nscap.contributions.services import ProposedChange
from nscap.testing.factories import make_institution, make_needs, make_quantity, make_topic
from nscap.testing.roles import make_steward, make_user

pytestmark = pytest.mark.django_db

SECRET_COUNTRY = "ZW"  # only the restricted duplicate places anyone there
SECRET_TITLE = "zq-fused-secret-title"
OPEN_COUNTRY = "KR"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def linked():
    steward = make_steward()
    make_institution(key="fuse-host", country="JP")
    secret = make_institution(key="fuse-secret", country="ZW")
    other = make_institution(key="fuse-open", country="KR")
    make_topic(key="zq-secret-topic", name="Secret topic")

    def write(**values):
        services.propose(steward, [ProposedChange("create", "training_event", values=values)])

    write(key="fuse-kept", host="fuse-host", title="Course", start="2016-05", participants=50)
    write(
        key="fuse-restricted",
        host="fuse-secret",
        sensitivity="restricted",
        title=SECRET_TITLE,
        start="2016-05-09",
        participants=50,
        participant_countries=[{"country": SECRET_COUNTRY, "count": 50}],
        topics=["zq-secret-topic"],
        same_as="fuse-kept",
    )
    needs = make_needs(key="fuse-needs", country=SECRET_COUNTRY)
    make_quantity(
        key="fuse-demand",
        needs_assessment=needs,
        measure="people_needing_training",
        value=100,
        as_of="2016-12-31",
    )
    return {"steward": steward, "secret": secret, "other": other, "write": write}


def _viewers(linked) -> dict[str, Client]:
    member = make_user("fuse-secret-member", institution=linked["secret"])
    outsider = make_user("fuse-outsider", institution=linked["other"])
    clients = {"visitor": Client()}
    for name, user in (("outsider", outsider), ("secret_member", member)):
        clients[name] = Client()
        clients[name].force_login(user, backend=MODEL_BACKEND)
    return clients


def _leaks(text: str) -> list[str]:
    return [c for c in (SECRET_TITLE, "zq-secret-topic", "fuse-restricted") if c in text]


def _zw_rows(report: dict) -> list[dict]:
    return [r for r in report["rows"] if r["scope_key"] == SECRET_COUNTRY]


def test_the_stored_fused_event_holds_nothing_of_a_less_visible_report(linked):
    data = FusedEvent.objects.get(event__key="fuse-kept").data
    assert data["reports"] == ["fuse-kept"]
    assert "breakdown" not in data["fields"] and "topics" not in data["fields"]
    assert not _leaks(str(data)) and SECRET_COUNTRY not in str(data)


@pytest.mark.parametrize("viewer", ["visitor", "outsider", "secret_member"])
def test_no_page_or_api_shows_the_restricted_duplicate_through_the_fused_event(linked, viewer):
    client = _viewers(linked)[viewer]
    for path in ("/courses/events/fuse-kept/", "/api/events/fuse-kept"):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        assert _leaks(body) == [], (viewer, path)
        assert '"ZW"' not in body and "Zimbabwe" not in body, (viewer, path)
    gaps = client.get("/api/analytics/gaps").json()
    assert _leaks(str(gaps)) == []
    assert [(r["supply"]["value"], r["estimated_supply"]["value"]) for r in _zw_rows(gaps)] == [
        (0, 0)
    ]


def test_supply_and_gaps_count_none_of_it_for_a_visitor(linked):
    events = supply(AnonymousUser()).events
    assert [(e.key, e.countries) for e in events] == [("fuse-kept", (("unattributed", 50),))]
    sums = supply_sums(AnonymousUser())
    assert all(SECRET_COUNTRY not in key for key in sums.signatures)
    assert all(SECRET_COUNTRY not in key for key in sums.estimated)
    out = io.StringIO()
    call_command("analyse", "gaps", "--format", "json", stdout=out)
    rows = _zw_rows(json.loads(out.getvalue()))
    assert [(r["supply"]["value"], r["estimated_supply"]["value"]) for r in rows] == [(0, 0)]


def _public_duplicate(linked) -> None:
    linked["write"](
        key="fuse-public-dup",
        host="fuse-open",
        title="Course (KR)",
        participants=50,
        participant_countries=[{"country": OPEN_COUNTRY, "count": 50}],
        same_as="fuse-kept",
    )


def test_a_public_duplicate_does_reach_the_fused_event(linked):
    """The other side: the walk above would see a leak if there were one."""
    _public_duplicate(linked)
    body = Client().get("/api/events/fuse-kept").json()
    assert body["fused"]["fields"]["breakdown"]["value"] == [{"country": "KR", "count": 50}]
    assert body["fused"]["fields"]["breakdown"]["sources"] == ["fuse-public-dup"]
    page = Client().get("/courses/events/fuse-kept/").content.decode()
    assert "from report fuse-public-dup" in page


def test_a_host_made_restricted_later_takes_its_reports_out_of_fused_events(linked):
    _public_duplicate(linked)
    services.propose(
        linked["steward"],
        [
            ProposedChange(
                "update", "institution", key="fuse-open", values={"sensitivity": "restricted"}
            )
        ],
    )
    data = FusedEvent.objects.get(event__key="fuse-kept").data
    assert "breakdown" not in data["fields"]
    assert "fuse-public-dup" not in Client().get("/api/events/fuse-kept").content.decode()
