"""The stewards' queues in a real browser (issue 16): a steward filters the review queue to one
institution's imports, bulk-approves the 50 that match after a confirmation that names them,
and reaches the merge queue from the navigation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from nscap.accounts.models import Affiliation
from nscap.contributions import services
from nscap.contributions.models import Changeset
from nscap.core.visibility import STEWARDS_GROUP
from nscap.linkage.models import MergeSuggestion
from nscap.testing.factories import make_event, make_institution

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password-9"
SHOTS = os.environ.get("NSCAP_SCREENSHOTS", "")


def shoot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"queue-{name}.png"), full_page=True)


def _propose(author, host: str, title: str, origin: str) -> Changeset:
    change = services.ProposedChange(
        "create", "training_event", values={"host": host, "title": title}
    )
    return services.propose(author, [change], origin=origin)


@pytest.fixture
def world(django_user_model, settings):
    settings.NSCAP_REQUIRE_TWO_FACTOR = False
    insa = make_institution(key="insa", name="International Nuclear Security Academy", country="KR")
    iscn = make_institution(key="iscn", name="ISCN", country="JP")
    kim = django_user_model.objects.create_user("kim", password=PASSWORD)
    Affiliation.objects.create(user=kim, institution=insa)
    sato = django_user_model.objects.create_user("sato", password=PASSWORD)
    Affiliation.objects.create(user=sato, institution=iscn)
    steward = django_user_model.objects.create_user("steward", password=PASSWORD)
    steward.groups.add(Group.objects.get_or_create(name=STEWARDS_GROUP)[0])
    imported = [_propose(kim, "insa", f"Imported course {n}", "import") for n in range(50)]
    typed = [_propose(kim, "insa", f"Typed course {n}", "web") for n in range(3)]
    theirs = [_propose(sato, "iscn", f"ISCN course {n}", "import") for n in range(4)]
    kept = make_event(key="ev-kept", title="Physical protection course", host=insa)
    twin = make_event(key="ev-twin", title="Physical protection course", host=insa)
    MergeSuggestion.objects.create(
        kept=kept,
        duplicate=twin,
        match_weight=6.0,
        match_probability=2**6 / (1 + 2**6),
        comparisons={"title": {"level": "same title", "weight": 6.0}},
        strength="linked",
    )
    return {"imported": imported, "others": typed + theirs}


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name=username)).to_be_visible()


def test_steward_filters_and_bulk_approves_fifty_with_a_confirmation(page, live_server, world):
    base = live_server.url
    sign_in(page, base, "steward")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Review queue").click()
    expect(page.locator("#match-count")).to_contain_text("57 waiting changesets match")
    # Counts beside each choice say what a filter gives before it is chosen.
    expect(page.locator("#f-institution")).to_contain_text(
        "International Nuclear Security Academy (53)"
    )
    page.get_by_label("Institution").select_option("insa")
    page.get_by_label("Origin").select_option("import")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#match-count")).to_contain_text("50 waiting changesets match (of 57)")
    shoot(page, "1-filtered")

    page.get_by_role("button", name="Approve all 50 matching…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Approve 50 changesets?")
    expect(page.locator("ul.bulk-list > li")).to_have_count(50)
    first = world["imported"][0].pk
    expect(page.locator("ul.bulk-list")).to_contain_text(f"Changeset {first}")
    assert Changeset.objects.filter(status="applied").count() == 0  # not before confirming
    shoot(page, "2-confirm")
    page.get_by_role("button", name="Yes, approve 50 changesets").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("50 changesets approved")
    shoot(page, "3-done")

    ids = {c.pk for c in world["imported"]}
    assert set(Changeset.objects.filter(status="applied").values_list("pk", flat=True)) == ids
    others = {c.pk for c in world["others"]}
    assert set(Changeset.objects.filter(status="pending").values_list("pk", flat=True)) == others
    page.get_by_role("link", name="Back to the queue").click()
    expect(page.locator("#match-count")).to_contain_text("0 waiting changesets match (of 7)")


def test_steward_reaches_the_merge_queue_from_the_navigation(page, live_server, world):
    base = live_server.url
    sign_in(page, base, "kim")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Merge suggestions")).to_have_count(0)
    nav.get_by_role("button", name="Sign out").click()
    sign_in(page, base, "steward")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Merge suggestions"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merge suggestions")
    group = page.locator("section.suggestion-group").first
    expect(group).to_contain_text("Physical protection course")
    expect(group).to_contain_text("probability 98.5 %")
    shoot(page, "4-merge-queue")
