"""Safe revert in a real browser (issue 16): the history credits author and reviewer; a steward
reverts the creation of an event on a confirmation page that shows the diff and requires a
reason; the deleted event is found again through recent changes, its history still readable,
and restored from there with its history."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from nscap.accounts.models import Affiliation
from nscap.activities.models import TrainingEvent
from nscap.contributions import services
from nscap.core.visibility import STEWARDS_GROUP
from nscap.testing.factories import make_institution

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password-9"
# NSCAP_SCREENSHOTS=docs/screenshots: keep pictures of the journey for the docs.
SHOTS = os.environ.get("NSCAP_SCREENSHOTS", "")


def shoot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"revert-{name}.png"), full_page=True)


@pytest.fixture
def world(django_user_model, settings):
    settings.NSCAP_REQUIRE_TWO_FACTOR = False
    insa = make_institution(key="insa", name="International Nuclear Security Academy", country="KR")
    kim = django_user_model.objects.create_user("kim", password=PASSWORD)
    Affiliation.objects.create(user=kim, institution=insa)
    steward = django_user_model.objects.create_user("steward", password=PASSWORD)
    steward.groups.add(Group.objects.get_or_create(name=STEWARDS_GROUP)[0])
    values = {
        "key": "pp-2024",
        "title": "Regional course on physical protection",
        "host": "insa",
        "city": "Daejeon",
        "sensitivity": "public",
    }
    proposal = services.propose(
        kim, [services.ProposedChange("create", "training_event", values=values)], comment="ours"
    )
    services.approve(steward, proposal.pk)


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name=username)).to_be_visible()


def test_revert_confirmed_with_a_reason_then_restored_from_history(page, live_server, world):
    base = live_server.url
    sign_in(page, base, "steward")
    page.goto(base + "/courses/events/pp-2024/")
    page.get_by_role("link", name="History of this record").click()
    entry = page.locator("ol.history > li").first
    expect(entry).to_contain_text("proposed by kim")
    expect(entry).to_contain_text("approved by steward")
    shoot(page, "1-history-credit")

    # The revert asks first: what will change, and why (required).
    entry.get_by_role("link", name="Revert this change…").click()
    expect(page.get_by_role("heading", name="Revert a change")).to_be_visible()
    expect(page.locator("table.diff")).to_contain_text("Daejeon")
    page.get_by_role("button", name="Revert the change").click()
    expect(page.locator("#field-reason .errorlist")).to_be_visible()
    shoot(page, "2-confirm-needs-a-reason")
    assert TrainingEvent.objects.filter(key="pp-2024").exists()
    page.fill("#id_reason", "Logged twice; the other report is the right one")
    page.get_by_role("button", name="Revert the change").click()
    expect(page.get_by_text("The change is reverted")).to_be_visible()
    assert not TrainingEvent.objects.filter(key="pp-2024").exists()

    # Found again through recent changes; its history is still there, and it comes back.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Recent changes").click()
    page.select_option("#id_action", "delete")
    page.get_by_role("button", name="Filter").click()
    changes = page.locator("ol.recent-changes > li")
    expect(changes).to_have_count(1)
    expect(changes.first).to_contain_text("Logged twice")
    shoot(page, "3-recent-changes-deleted")
    changes.first.get_by_role("link", name="Regional course on physical protection").click()
    expect(page.get_by_text("This record was deleted")).to_be_visible()
    shoot(page, "4-deleted-history")
    page.get_by_role("link", name="Restore this record").click()
    expect(page.locator("table.diff")).to_contain_text("Daejeon")
    page.fill("#id_reason", "Not a duplicate after all")
    page.get_by_role("button", name="Restore the record").click()
    expect(page.get_by_text("The record is restored")).to_be_visible()
    assert TrainingEvent.objects.get(key="pp-2024").city == "Daejeon"
    page.goto(base + "/contribute/history/training_event/pp-2024/")
    expect(page.locator("ol.history > li")).to_have_count(3)
    expect(page.locator("ol.history > li").first).to_contain_text("Not a duplicate after all")
    shoot(page, "5-restored-history")
