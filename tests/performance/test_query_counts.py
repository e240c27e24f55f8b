"""Query counts of the read API and the main pages do not grow with the number of rows.

Each test reads a URL over a small registry, adds more of the rows it lists (and of what those
rows nest: partners, participant countries, topics, citations), and reads it again: the number
of queries must be the same. An N+1 (a query per row) fails here long before it shows in
``bench/``. Counts, not timings: no test here measures speed.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nscap.activities.models import EventParticipantCountry, EventPartner
from nscap.testing.factories import (
    cite,
    make_claim,
    make_course,
    make_event,
    make_institution,
    make_source,
    make_topic,
)

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    """Queries of one GET of ``url`` (which must answer 200), after a first GET that fills the
    process-wide caches (content types), so that only per-request queries are counted."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


class Region:
    """A host with events, courses and claims, grown a batch at a time."""

    def __init__(self):
        self.host = make_institution(key="host", country="JP")
        self.source = make_source()
        self.topic = make_topic()
        self.batches = 0

    def grow(self, size: int) -> None:
        """Add ``size`` of each kind of row, each with the parts a read nests."""
        for _ in range(size):
            self.batches += 1
            partner = make_institution(country="KR")
            course = make_course(provider=self.host)
            course.topics.add(self.topic)
            event = make_event(host=self.host, course=course, country="JP", start="2015-05-01")
            event.topics.add(self.topic)
            EventPartner.objects.create(event=event, institution=partner, role="co_organiser")
            EventParticipantCountry.objects.create(event=event, country="KR", count=3)
            cite(event, self.source, locator=f"p. {self.batches}")
            cite(course, self.source, locator=f"p. {self.batches}")
            make_claim(claimant=self.host, partner=partner)
            make_claim(claimant=partner, partner=self.host)


LISTS = [
    "/api/events?country=JP&year=2015",
    "/api/events",
    "/api/courses",
    "/api/institutions",
    "/api/collaboration-claims",
    "/",
    "/institutions/",
    "/institutions/host/",
    "/courses/",
    "/collaboration/",
]


@pytest.mark.parametrize("url", LISTS)
def test_list_queries_do_not_grow_with_rows(client, url):
    region = Region()
    region.grow(2)
    few = queries(client, url)
    region.grow(8)
    assert queries(client, url) == few


@pytest.mark.parametrize("url", LISTS[:5])
def test_list_queries_as_a_member_do_not_grow_with_rows(client, django_user_model, url):
    """A signed-in member's reads add the network and restricted paths of the filter."""
    from nscap.accounts.models import Affiliation

    region = Region()
    member = django_user_model.objects.create_user("member", password="a-long-test-password")
    Affiliation.objects.create(user=member, institution=region.host)
    client.force_login(member)
    region.grow(2)
    few = queries(client, url)
    region.grow(8)
    assert queries(client, url) == few


def test_event_detail_queries_do_not_grow_with_its_parts(client):
    region = Region()
    event = make_event(host=region.host, country="JP")
    url = f"/api/events/{event.key}"
    before = queries(client, url)
    page = f"/courses/events/{event.key}/"
    page_before = queries(client, page)
    for index, country in enumerate(["CN", "KR", "VN", "ID", "TH", "MY"]):
        partner = make_institution()
        EventPartner.objects.create(event=event, institution=partner, role="trainer")
        EventParticipantCountry.objects.create(event=event, country=country, count=1)
        event.topics.add(make_topic())
        cite(event, region.source, locator=f"p. {index}")
    assert queries(client, url) == before
    assert queries(client, page) == page_before


def test_detail_queries_do_not_grow_with_the_registry(client):
    region = Region()
    region.grow(2)
    urls = ["/api/events/{event}", "/api/institutions/host", "/api/courses/{course}"]
    event = region.host.hosted_events.first()
    course = region.host.courses.first()
    urls = [url.format(event=event.key, course=course.key) for url in urls]
    few = [queries(client, url) for url in urls]
    region.grow(8)
    assert [queries(client, url) for url in urls] == few
