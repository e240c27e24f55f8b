"""Guard (issue 12, #2): a script in any text field of any record never reaches a page unescaped.

Every record type is made with the payloads below in every free-text field (names, labels,
titles, descriptions, notes, quotes, cities, source titles ...: each CharField and TextField
without choices that is not a key). Then each page of the URL conf is rendered, as a visitor,
a contributor and a steward: pages without parameters directly, pages with parameters through
the links the other pages show (a crawl), so a new page joins by being linked. A page of the
URL conf that no crawl reaches fails the test until it is listed in NOT_PAGES with a reason.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

from nscap.activities.models import AggregateClaim
from nscap.analytics.tests.helpers import event, need
from nscap.contributions import amending, services
from nscap.institutions.models import Milestone
from nscap.testing.factories import (
    cite,
    make_claim,
    make_course,
    make_institution,
    make_membership,
    make_network,
    make_quantity,
    make_source,
    make_target_group,
    make_topic,
)
from nscap.testing.roles import make_user

pytestmark = pytest.mark.django_db

SCRIPT = "</script><script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
PAYLOADS = (SCRIPT, IMAGE)
# What a payload reveals when it arrives unescaped: the tags themselves.
UNESCAPED = ("<script>alert(1)", "<img src=x onerror")

# URL names that are not pages to read (actions answering POST only, downloads, machine
# endpoints), each with why the crawl need not reach it.
NOT_PAGES = {
    "accounts:sign_out": "POST only",
    "accounts:token_revoke": "POST only",
    "accounts:member_remove": "POST only",
    "accounts:accept": "needs a one-time invitation token no page shows",
    "contributions:withdraw": "POST only",
    "contributions:review": "POST only",
    "contributions:queue_bulk": "POST only, after a confirmation",
    "linkage:decide": "POST only",
    "linkage:bulk_undo": "POST only (a button shown once a bulk decision exists)",
    "linkage:bulk_apply": "POST only, after a preview",
    "interchange:submit": "POST only, after an upload",
    "interchange:cancel": "POST only, after an upload",
    "interchange:errors": "CSV, after an upload",
    "interchange:template": "a spreadsheet file",
    "interchange:export": "a data file (CSV, XLSX, JSON), not HTML",
    "notifications:read_all": "POST only",
    "contributions:answer_changeset": "the author's page only: the contributor's crawl reaches "
    "it (a changeset sent back in the world), the steward's cannot",
    "set_language": "POST only",
    "reports:regional_pdf": "a PDF file (503 with what to install where WeasyPrint is missing)",
}
SKIP_PREFIXES = ("/api/", "/static/")
MAX_PER_NAME = 6


def _fill(instance: models.Model, payload: str) -> None:
    """Every free-text field of ``instance`` set to ``payload`` (where it fits)."""
    changed = []
    for f in instance._meta.concrete_fields:
        if (
            isinstance(f, (models.CharField, models.TextField))
            and not f.choices
            and not f.unique
            and f.name not in {"key", "country", "language", "script", "token_hash"}
            and (f.max_length is None or f.max_length >= len(payload))
        ):
            setattr(instance, f.name, payload)
            changed.append(f.name)
    if changed:
        instance.save(update_fields=changed)


@pytest.fixture
def world():
    topic = make_topic(key="pp")
    group = make_target_group(key="customs")
    insa = make_institution(key="insa", country="KR", labels=[("x", "ko", "Kore", "acronym")])
    iscn = make_institution(key="iscn", country="JP")
    network = make_network(key="net")
    make_membership(network=network, institution=insa)
    course = make_course(key="course", provider=insa)
    course.topics.set([topic])
    course.target_groups.set([group])
    events = [
        event(insa, 2016, 20, {"JP": 10}, groups=(group,), topics=(topic,), course=course),
        event(iscn, 2016, 5, {"KR": 5}, groups=(group,), topics=(topic,)),
    ]
    make_claim(claimant=insa, partner=iscn, type="personnel_exchange")
    _held_names(insa, topic, group)
    make_claim(claimant=iscn, partner=insa, type="personnel_exchange")
    need(100, 2016, country="JP", group=group, topic=topic)
    make_quantity(key="qty")
    source = make_source(key="src", url="https://example.org/")
    for record in (insa, course, *events):
        cite(record, source, footnote=1)
    contributor = make_user("contributor", institution=insa)
    steward = make_user("steward", steward=True)
    # Every record of every type, labels, citations and memberships included, gets a payload.
    n = 0
    for model in apps.get_models():
        if not model.__module__.startswith("nscap."):
            continue
        for instance in model.objects.all():
            _fill(instance, PAYLOADS[n % 2])
            n += 1
    # Filling a need's region hides its country from the gap table; this one keeps a cell.
    need(50, 2016, country="JP", group=group, title=SCRIPT, note=IMAGE)
    # A change through the services: history entries, a changeset with its comment, the queue.
    title = f"Event {SCRIPT}{IMAGE}"
    services.propose(
        steward,
        [
            services.ProposedChange(
                "update",
                "training_event",
                key=events[0].key,
                values={"title": title, "host": "insa", "city": SCRIPT, "note": IMAGE},
            )
        ],
        comment=SCRIPT,
    )
    asked = services.propose(
        contributor,
        [
            services.ProposedChange(
                "create",
                "collaboration_claim",
                values={
                    "claimant": "insa",
                    "partner": "iscn",
                    "type": "seminar",
                    "description": IMAGE,
                    "note": SCRIPT,
                },
            )
        ],
        comment=IMAGE,
    )
    # A deleted record (issue 16): its history, the restore page and recent changes show it.
    gone = {"key": "gone-event", "title": SCRIPT, "host": "insa", "note": IMAGE}
    services.propose(steward, [services.ProposedChange("create", "training_event", values=gone)])
    services.propose(steward, [services.ProposedChange("delete", "training_event", "gone-event")])
    # Sent back with a payload: the contributor's inbox, the notification, the answer form.
    services.ask_for_more(steward, asked.pk, SCRIPT)
    answered = services.propose(
        contributor,
        [
            services.ProposedChange(
                "create",
                "collaboration_claim",
                values={"claimant": "insa", "partner": "iscn", "type": "mou"},
            )
        ],
    )
    services.ask_for_more(steward, answered.pk, IMAGE)
    amending.answer(contributor, answered.pk, SCRIPT)  # the steward's notification and thread
    # Pages only their own people reach: the institution's members, a claim to confirm.
    make_user("insa-admin", institution=insa, role="admin")
    answer = make_claim(key="to-confirm", claimant=iscn, partner=insa, type="seminar")
    _fill(answer, SCRIPT)
    return {
        "visitor": None,
        "contributor": contributor,
        "steward": steward,
        "extra": ["/accounts/institutions/insa/members/", "/contribute/confirmations/to-confirm/"],
    }


def _held_names(reporter, topic, group) -> None:
    """Records whose required institution is held as written (issue 14): every page that
    shows them must cope with the empty reference."""
    held = make_course(key="held-course", provider=None, provider_text="Held Provider")
    held.topics.set([topic])
    held.target_groups.set([group])
    event(reporter, 2017, 8, {"JP": 8}, groups=(group,), topics=(topic,), course=held)
    AggregateClaim.objects.create(
        key="held-claim", claimant_text="Held Claimant", description="20 courses", people=50
    )
    Milestone.objects.create(key="held-milestone", institution_text="Held", kind="other")
    make_source(key="held-source", owner_text="Held Owner", reported_by=reporter)
    make_institution(key="held-child", parent_text="Held Parent", parent_role="regulator")


def _page_names() -> dict[str, bool]:
    """Every URL name outside /api/ -> whether its route takes parameters."""
    names: dict[str, bool] = {}

    def walk(patterns, namespace: str, prefix: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if route.startswith("api/"):
                continue
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                walk(p.url_patterns, ns, route)
            elif isinstance(p, URLPattern) and p.name:
                name = f"{namespace}:{p.name}" if namespace else p.name
                names[name] = names.get(name, False) or "<" in route

    walk(get_resolver().url_patterns, "", "")
    return names


def _crawl(client: Client, start: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Pages reached from ``start`` by their links (at most MAX_PER_NAME per URL name), and
    every problem: an unescaped payload or a server error."""
    seen: dict[str, list[str]] = {}
    problems: list[str] = []
    queue = deque(start)
    visited = set()
    while queue:
        url = queue.popleft()
        if url in visited:
            continue
        visited.add(url)
        try:
            match = resolve(urlsplit(url).path)
        except Resolver404:
            continue
        name = match.view_name
        if name in NOT_PAGES or len(seen.setdefault(name, [])) >= MAX_PER_NAME:
            continue
        seen[name].append(url)
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
        if "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        for marker in UNESCAPED:
            if marker in html:
                at = html.index(marker)
                problems.append(f"{url}: unescaped {html[max(0, at - 80) : at + 40]!r}")
        # Links in the markup, and those in chart specs (a mark's "url" field).
        for href in re.findall(r'(?:href|hx-get|action)="(/[^"#]*)"|"url": "(/[^"#]*)"', html):
            href = href[0] or href[1]
            href = href.replace("&amp;", "&")
            if not href.startswith(SKIP_PREFIXES) and href not in visited:
                queue.append(href)
    return seen, problems


@pytest.mark.parametrize("viewer", ["visitor", "contributor", "steward"])
def test_no_page_shows_a_payload_unescaped(client, world, viewer):
    if world[viewer] is not None:
        client.force_login(world[viewer])
    names = _page_names()
    start = [reverse(n) for n, has_params in names.items() if not has_params and n not in NOT_PAGES]
    start += world["extra"]
    seen, problems = _crawl(client, start)
    assert not problems, "\n".join(problems)
    if viewer == "steward":
        missed = sorted(set(names) - set(seen) - set(NOT_PAGES))
        assert not missed, (
            f"No page links to {missed}: give the crawl a start URL for them, or list them in "
            "NOT_PAGES with the reason they are not pages"
        )
