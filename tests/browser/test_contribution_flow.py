"""The contribution flow in a real browser: a contributor signs in, adds a training event
(fixing an error the form reports next to its field), sees it pending, uploads a spreadsheet
with one bad row, sees the error, fixes the file and submits it; the steward signs in with a
TOTP code and approves both; a visitor sees the published events; the partner institution
confirms a collaboration claim about it.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from nscap.accounts.models import Affiliation
from nscap.activities.models import TrainingEvent
from nscap.collaboration.models import CollaborationClaim
from nscap.contributions.models import Changeset
from nscap.core.visibility import STEWARDS_GROUP
from nscap.testing.factories import make_claim, make_institution, make_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password-9"


@pytest.fixture
def world(django_user_model, settings):
    settings.NSCAP_REQUIRE_TWO_FACTOR = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    insa = make_institution(
        key="insa",
        name="International Nuclear Security Academy",
        country="KR",
        labels=[("INSA", "en", "Latn", "acronym")],
    )
    iscn = make_institution(key="iscn", name="Integrated Support Center", country="JP")
    make_source(key="insa-report-2024", title="INSA annual report 2024")
    kim = django_user_model.objects.create_user("kim", password=PASSWORD)
    Affiliation.objects.create(user=kim, institution=insa)
    sato = django_user_model.objects.create_user("sato", password=PASSWORD)
    Affiliation.objects.create(user=sato, institution=iscn)
    steward = django_user_model.objects.create_user("steward", password=PASSWORD)
    steward.groups.add(Group.objects.get_or_create(name=STEWARDS_GROUP)[0])
    device = TOTPDevice.objects.create(user=steward, name="phone", confirmed=True)
    make_claim(
        key="insa-iscn-seminar",
        claimant=insa,
        partner=iscn,
        type="seminar",
        description="Joint seminar on insider threat",
    )
    return {"device": device}


def sign_in(page, base: str, username: str, code: str = "") -> None:
    page.goto(base + "/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    if code:
        page.fill("#id_otp_token", code)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name=username)).to_be_visible()


def sign_out(page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def upload(page, base: str, path) -> None:
    page.goto(base + "/data/import/")
    page.set_input_files("input[name=file]", str(path))
    page.get_by_role("button", name="Check the file").click()


def test_contribute_review_publish_confirm(page, live_server, world, tmp_path):
    base = live_server.url

    # A contributor of INSA adds an event; the form names the bad field; fixed, it is pending.
    sign_in(page, base, "kim")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contribute").click()
    page.get_by_role("link", name="A training event").click()
    page.fill("#id_title", "Regional course on physical protection")
    page.fill("#id_start", "2024-05-13")
    page.fill("#id_end", "2024-05-17")
    page.fill("#id_city", "Daejeon")
    page.fill("#id_country", "XX")
    page.fill("#id_participants", "30")
    page.fill("#id_sources", "insa-report-2024")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("#field-country .errorlist")).to_contain_text("no country is called “XX”")
    assert not Changeset.objects.exists()
    page.fill("#id_country", "KR")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("#main")).to_contain_text("Waiting for review")
    page.goto(base + "/contribute/mine/")
    expect(page.locator("table")).to_contain_text("Waiting for review")
    key = Changeset.objects.get().changes.get().record_key

    # The same contributor uploads a spreadsheet: one bad row is reported by sheet, row and
    # column, nothing is written; the fixed file is submitted as one changeset.
    sheet = tmp_path / "training_event.csv"
    header = "key,host,title,start,country\n"
    good_row = "insa-2024-ws,INSA,Workshop on insider threat,2024-06-03,KR\n"
    sheet.write_text(header + good_row + "insa-2024-ex,INSA,Tabletop exercise,2024-07,XX\n")
    upload(page, base, sheet)
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("country")
    expect(errors).to_contain_text("XX")
    expect(page.locator("#import-submit")).to_have_count(0)
    assert Changeset.objects.count() == 1
    sheet.write_text(header + good_row + "insa-2024-ex,INSA,Tabletop exercise,2024-07,KR\n")
    upload(page, base, sheet)
    expect(page.locator("#import-changes")).to_contain_text("insa-2024-ex")
    page.get_by_role("button", name="Submit as one changeset").click()
    expect(page.locator("#main")).to_contain_text("Waiting for review")
    assert Changeset.objects.filter(origin="import").get().changes.count() == 2
    sign_out(page)

    # Not published yet: a visitor does not find it.
    assert page.goto(f"{base}/courses/events/{key}/").status == 404

    # The steward must give the TOTP code with the password; without it the answer is the same
    # as for a wrong password (no password oracle). Then the steward approves from the queue.
    page.goto(base + "/accounts/sign-in/")
    page.fill("#id_username", "steward")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".errorlist")).to_contain_text("password or two-factor code")
    device = world["device"]
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    sign_in(page, base, "steward", code)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Review queue").click()
    # A compact row per changeset; its diff and sources are one click away.
    page.locator("table.queue-table tbody tr").first.get_by_role("link").first.click()
    changeset = page.locator("#main")
    expect(changeset).to_contain_text("Daejeon")
    expect(changeset).to_contain_text("INSA annual report 2024")
    changeset.get_by_label("Comment for the author").fill("Thank you")
    changeset.get_by_role("button", name="Approve").click()
    expect(page.locator(".messages")).to_contain_text("approved and published")
    page.locator("table.queue-table tbody tr").first.get_by_role("link").first.click()
    imported = page.locator("#main")
    expect(imported).to_contain_text("Tabletop exercise")
    imported.get_by_role("button", name="Approve").click()
    expect(page.locator(".messages")).to_contain_text("approved and published")
    expect(page.locator("#main")).to_contain_text("Nothing waits for review")
    sign_out(page)

    # A visitor sees the published event and its history.
    response = page.goto(f"{base}/courses/events/{key}/")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Regional course on physical protection"
    )
    page.get_by_role("link", name="History of this record").click()
    expect(page.locator("ol.history")).to_contain_text("steward")
    expect(page.locator("ol.history")).to_contain_text("INSA annual report 2024")
    assert TrainingEvent.objects.get(key=key).city == "Daejeon"
    assert page.goto(f"{base}/courses/events/insa-2024-ex/").status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Tabletop exercise")

    # The partner (ISCN) confirms INSA's claim about it.
    sign_in(page, base, "sato")
    page.goto(base + "/contribute/confirmations/")
    claim = page.locator("#claim-insa-iscn-seminar")
    expect(claim).to_contain_text("claimed, not answered by the partner")
    claim.get_by_label("Comment").fill("Yes, we co-organised it")
    claim.get_by_role("button", name="Confirm").click()
    expect(page.locator("#claim-insa-iscn-seminar")).to_contain_text("confirmed by the partner")
    assert CollaborationClaim.objects.get(key="insa-iscn-seminar").confirmation == "confirmed"
    expect(page.locator("#claim-insa-iscn-seminar")).to_contain_text("Yes, we co-organised it")
    # Back on the card just answered (issue 16, finding 6).
    expect(page).to_have_url(re.compile(r"/contribute/confirmations/#claim-insa-iscn-seminar$"))
