"""Issue 16, finding 3, in a real browser: a steward asks for more; the contributor signs in,
lands on the inbox (badge 1), answers by amending the changeset; the steward, told in the
inbox, sees the thread and approves; the contributor sees the decision in the inbox.
"""

from __future__ import annotations

import os
import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from nscap.accounts.models import Affiliation
from nscap.activities.models import Course
from nscap.contributions import services
from nscap.core.visibility import STEWARDS_GROUP
from nscap.testing.factories import make_institution

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password-9"


@pytest.fixture
def changeset(django_user_model, settings):
    settings.NSCAP_REQUIRE_TWO_FACTOR = False
    insa = make_institution(key="insa", name="International Nuclear Security Academy")
    kim = django_user_model.objects.create_user("kim", "kim@example.org", PASSWORD)
    Affiliation.objects.create(user=kim, institution=insa)
    steward = django_user_model.objects.create_user("steward", "st@example.org", PASSWORD)
    steward.groups.add(Group.objects.get_or_create(name=STEWARDS_GROUP)[0])
    values = {"title": "Insider threat", "provider": "insa", "kind": "training", "level": "basic"}
    return services.propose(kim, [services.ProposedChange("create", "course", values=values)])


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name=username)).to_be_visible()


def sign_out(page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_contributor_answers_ask_for_more_and_sees_the_decision(page, live_server, changeset):
    base = live_server.url
    number = changeset.pk
    # The steward lands on the queue (nothing unread) and asks for more.
    sign_in(page, base, "steward")
    expect(page).to_have_url(re.compile(r"/contribute/queue/$"))
    page.get_by_role("link", name=f"Changeset {number}", exact=True).click()
    page.fill(f"#comment-{number}", "Which year was it first given?")
    page.get_by_role("button", name="Ask for more").click()
    expect(page.get_by_text(f"Changeset {number} is sent back to its author.")).to_be_visible()
    sign_out(page)

    # The contributor lands on the inbox, one unread, and answers by amending.
    sign_in(page, base, "kim")
    expect(page).to_have_url(re.compile(r"/inbox/$"))
    expect(page.locator("#inbox-badge")).to_have_text(re.compile(r"^1"))
    page.get_by_role("link", name=f"A steward asks for more on changeset {number}").click()
    expect(page.get_by_text("The steward asks: Which year was it first given?")).to_be_visible()
    page.get_by_role("link", name="Go to it").click()
    expect(page.locator("#inbox-badge")).to_have_count(0)  # read once opened
    page.get_by_role("link", name="Answer and amend").click()
    expect(page.locator("#id_title")).to_have_value("Insider threat")
    page.fill("#id_reply", "First given in 2019; I corrected the title.")
    page.fill("#id_title", "Insider threat mitigation")
    page.fill("#id_first_offered", "2019")
    page.get_by_role("button", name="Send the answer").last.click()
    expect(page.locator(".status-pending")).to_be_visible()
    expect(page.locator("#thread")).to_contain_text("First given in 2019")
    sign_out(page)

    # The steward is told, lands on the inbox, sees the thread and the amended diff, approves.
    sign_in(page, base, "steward")
    expect(page).to_have_url(re.compile(r"/inbox/$"))
    page.get_by_role("link", name=f"Changeset {number} was amended and waits again").click()
    page.get_by_role("link", name="Go to it").click()
    expect(page.locator("#thread")).to_contain_text("Which year was it first given?")
    expect(page.get_by_text("Insider threat mitigation")).to_be_visible()
    page.get_by_role("button", name="Approve").click()
    sign_out(page)

    # The contributor sees the decision in the inbox.
    sign_in(page, base, "kim")
    expect(page).to_have_url(re.compile(r"/inbox/$"))
    expect(page.locator(".inbox-item.unread")).to_contain_text(
        f"Changeset {number} was approved and published"
    )
    assert Course.objects.filter(title="Insider threat mitigation").exists()
    if shots := os.environ.get("NSCAP_SCREENSHOTS"):  # docs/inbox.png: NSCAP_SCREENSHOTS=docs
        page.set_viewport_size({"width": 1100, "height": 700})
        page.screenshot(path=os.path.join(shots, "inbox.png"))
