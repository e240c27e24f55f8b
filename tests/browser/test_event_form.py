"""The event form in a real browser (issue 14, item 6): a contributor adds two rows of
participants by country and a partner with its role, submits, and the one changeset holds them;
the page breaks no Content-Security-Policy rule on the way.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from nscap.accounts.models import Affiliation
from nscap.contributions.models import Changeset
from nscap.testing.factories import make_institution

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password-9"


@pytest.fixture
def signed_in(page, live_server, django_user_model):
    """Kim of INSA, signed in: the page on which the tests fill the form."""
    insa = make_institution(key="insa", name="International Nuclear Security Academy")
    kim = django_user_model.objects.create_user("kim", password=PASSWORD)
    Affiliation.objects.create(user=kim, institution=insa)
    page.goto(live_server.url + "/accounts/sign-in/")
    page.fill("#id_username", "kim")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="kim")).to_be_visible()
    return page


def test_two_country_rows_and_a_partner_are_submitted_as_one_changeset(signed_in, live_server):
    page = signed_in
    make_institution(
        key="iscn",
        name="Integrated Support Center",
        labels=[("ISCN", "en", "Latn", "acronym")],
    )
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(live_server.url + "/contribute/training_event/new/")
    expect(page.locator("#unsourced-notice")).to_contain_text("flagged as unsourced")
    page.fill("#id_title", "Regional course on physical protection")
    page.fill("#id_participants", "30")
    page.fill("#id_countries-0-country", "VN")
    page.fill("#id_countries-0-count", "12")
    page.get_by_role("button", name="Add a country").click()  # the form again, one more row
    expect(page.locator("#id_countries-0-country")).to_have_value("Vietnam")
    expect(page.locator("#id_title")).to_have_value("Regional course on physical protection")
    page.fill("#id_countries-1-country", "TH")
    page.fill("#id_countries-1-count", "8")
    page.locator("#id_partners-0-institution").press_sequentially("ISCN", delay=20)
    expect(page.locator("#id_partners-0-institution-options option")).to_have_count(1)
    page.select_option("#id_partners-0-role", "co_organiser")
    assert not Changeset.objects.exists()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("#main")).to_contain_text("Waiting for review")
    expect(page.locator("#main")).to_contain_text("flagged as unsourced")

    change = Changeset.objects.get().changes.get()
    assert change.data["participant_countries"] == [
        {"country": "VN", "count": 12},
        {"country": "TH", "count": 8},
    ]
    assert change.data["partners"] == [{"institution": "iscn", "role": "co_organiser"}]
    assert Changeset.objects.get().unsourced
    assert not violations, violations


def test_enter_in_a_field_submits_the_form_rather_than_adding_a_row(signed_in, live_server):
    page = signed_in
    page.goto(live_server.url + "/contribute/training_event/new/")
    page.fill("#id_title", "Workshop on insider threat")
    page.locator("#id_title").press("Enter")
    expect(page.locator("#main")).to_contain_text("Waiting for review")
    assert Changeset.objects.get().changes.get().data["title"] == "Workshop on insider threat"
