"""The event form in a real browser (issue 16, item 5): one submit with several problems shows
them all at once, next to their fields; "Korea" typed in Country stays "Korea" (no two-letter
cut) and is refused with the candidates; picked from the list, the name is stored as its code.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from nscap.accounts.models import Affiliation
from nscap.contributions.models import Changeset
from nscap.testing.factories import make_course, make_institution

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password-9"


@pytest.fixture
def signed_in(page, live_server, django_user_model):
    """Kim of INSA, signed in; INSA and ISCN both give a course called "Insider threat"."""
    insa = make_institution(key="insa", name="International Nuclear Security Academy")
    iscn = make_institution(key="iscn", name="Integrated Support Center")
    make_course(key="it-insa", provider=insa, title="Insider threat")
    make_course(key="it-iscn", provider=iscn, title="Insider threat")
    kim = django_user_model.objects.create_user("kim", password=PASSWORD)
    Affiliation.objects.create(user=kim, institution=insa)
    page.goto(live_server.url + "/accounts/sign-in/")
    page.fill("#id_username", "kim")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="kim")).to_be_visible()
    return page


def test_several_errors_are_shown_at_once_and_then_corrected(signed_in, live_server):
    page = signed_in
    page.goto(live_server.url + "/contribute/training_event/new/")
    page.fill("#id_title", "Workshop on insider threat")
    page.fill("#id_course", "A course nobody gives")
    page.locator("#id_country").press_sequentially("Korea", delay=10)
    expect(page.locator("#id_country")).to_have_value("Korea")  # not cut to "Ko"
    page.fill("#id_start", "2024-05-17")
    page.fill("#id_end", "2024-05-13")
    page.get_by_role("button", name="Submit for review").first.click()

    expect(page.locator("#id_course_error")).to_contain_text("No course you can see")
    expect(page.locator("#id_country_error")).to_contain_text("South Korea (KR)")
    expect(page.locator("#id_end_error")).to_contain_text("end is before the start")
    expect(page.locator("#problem-summary li")).to_have_count(3)
    expect(page.locator("#id_country")).to_have_value("Korea")
    assert not Changeset.objects.exists()

    # All three corrected in one go: the host's own course by its title, a name from the list.
    page.fill("#id_course", "insider THREAT")
    page.fill("#id_country", "South Korea")
    page.fill("#id_end", "2024-05-20")
    page.get_by_role("button", name="Submit for review").first.click()
    expect(page.locator("#main")).to_contain_text("Waiting for review")
    data = Changeset.objects.get().changes.get().data
    assert (data["course"], data["country"], data["end"]) == ("it-insa", "KR", "2024-05-20")


def test_the_country_list_offers_names(signed_in, live_server):
    page = signed_in
    page.goto(live_server.url + "/contribute/training_event/new/")
    options = page.locator("#id_country-countries option")
    assert options.count() > 200
    expect(page.locator('#id_country-countries option[value="South Korea"]')).to_have_count(1)
    assert page.locator("#id_country").get_attribute("maxlength") != "2"
