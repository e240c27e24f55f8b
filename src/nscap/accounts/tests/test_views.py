"""Accounts pages: sign-in, lockout, two-factor, refusals, tokens, invitations, members,
transparency policies. Each permission boundary is tested from the refused side too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from nscap.accounts.models import Affiliation, ApiToken, AuditEvent, Invitation
from nscap.accounts.services import invite
from nscap.accounts.tests.conftest import PASSWORD, code_for, make_user
from nscap.institutions.models import TransparencyPolicy
from nscap.testing.factories import make_institution

pytestmark = pytest.mark.django_db


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post("/accounts/sign-in/", {"username": username, "password": password, **extra})


# --- sign-in and lockout -------------------------------------------------------------------------


def test_sign_in_page_and_success_is_audited(client, contributor):
    assert client.get("/accounts/sign-in/").status_code == 200
    response = sign_in(client, "kim")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="accounts.sign_in", actor=contributor).exists()


def test_failed_sign_in_is_refused_and_audited(client, contributor):
    response = sign_in(client, "kim", "wrong-password-123")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert b"user name, password or two-factor code is not correct" in response.content
    assert AuditEvent.objects.filter(action="accounts.sign_in_failed", username="kim").exists()


def test_five_failures_lock_out_even_the_right_password(client, contributor):
    for _ in range(5):
        sign_in(client, "kim", "wrong-password-123")
    # The count lives in the database (shared by every worker), not in process memory.
    assert AccessAttempt.objects.get(username="kim").failures_since_start >= 5
    response = sign_in(client, "kim")
    assert response.status_code == 429
    assert b"Sign-in paused" in response.content
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="accounts.locked_out").exists()


def test_lockout_is_per_user_name(client, contributor, admin):
    for _ in range(5):
        sign_in(client, "kim", "wrong-password-123")
    assert sign_in(client, "park").status_code == 302


def test_four_failures_then_success_resets_the_count(client, contributor):
    for _ in range(4):
        sign_in(client, "kim", "wrong-password-123")
    assert sign_in(client, "kim").status_code == 302
    client.post("/accounts/sign-out/")
    for _ in range(4):
        sign_in(client, "kim", "wrong-password-123")
    assert sign_in(client, "kim").status_code == 302


def test_sign_out_needs_post(client, contributor):
    client.force_login(contributor)
    assert client.get("/accounts/sign-out/").status_code == 405
    assert client.post("/accounts/sign-out/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_next_may_not_leave_the_site(client, contributor):
    response = sign_in(client, "kim", next="https://evil.example/")
    assert response["Location"] == "/contribute/"  # the contributor's landing (issue 16)


# --- two-factor ----------------------------------------------------------------------------------


def test_steward_without_device_is_sent_to_setup_first(client, steward_user, two_factor_on):
    client.force_login(steward_user)
    response = client.get("/institutions/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/")
    assert client.get("/api/institutions").status_code == 403


def test_admin_needs_two_factor_but_contributor_does_not(client, admin, contributor, two_factor_on):
    client.force_login(contributor)
    assert client.get("/institutions/").status_code == 200
    client.force_login(admin)
    assert client.get("/institutions/").status_code == 302


def test_two_factor_can_be_off_by_setting(client, steward_user, settings):
    settings.NSCAP_REQUIRE_TWO_FACTOR = False
    client.force_login(steward_user)
    assert client.get("/institutions/").status_code == 200


def test_setup_shows_qr_and_secret_then_verifies(client, steward_user, two_factor_on):
    client.force_login(steward_user)
    page = client.get("/accounts/two-factor/")
    assert page.status_code == 200
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=steward_user, confirmed=False)
    assert page.context["secret"].encode() in page.content
    bad = client.post("/accounts/two-factor/", {"otp_token": "000000"})
    assert bad.status_code == 200 and b"not valid" in bad.content
    good = client.post("/accounts/two-factor/", {"otp_token": code_for(device), "next": "/"})
    assert good.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/contribute/queue/").status_code == 200


def test_sign_in_with_device_needs_the_code(client, steward_user, two_factor_on):
    device = TOTPDevice.objects.create(user=steward_user, name="app", confirmed=True)
    missing = sign_in(client, "stew")
    assert missing.status_code == 200 and b"not correct" in missing.content
    wrong = sign_in(client, "stew", otp_token="123456")
    assert wrong.status_code == 200 and b"not correct" in wrong.content
    assert "_auth_user_id" not in client.session
    # A missing or wrong code counts as a failed sign-in for the lockout.
    assert AccessAttempt.objects.get(username="stew").failures_since_start == 2
    right = sign_in(client, "stew", otp_token=code_for(device))
    assert right.status_code == 302
    assert client.get("/contribute/queue/").status_code == 200


def test_four_wrong_codes_and_a_wrong_password_lock_out(client, steward_user, two_factor_on):
    device = TOTPDevice.objects.create(user=steward_user, name="app", confirmed=True)
    for _ in range(4):
        sign_in(client, "stew", otp_token="123456")
    sign_in(client, "stew", "wrong-password-123")
    assert sign_in(client, "stew", otp_token=code_for(device)).status_code == 429


# --- refusals ------------------------------------------------------------------------------------


def test_refused_access_is_a_logged_403(client, contributor):
    client.force_login(contributor)
    response = client.get("/contribute/queue/")
    assert response.status_code == 403
    assert b"Not allowed" in response.content
    event = AuditEvent.objects.get(action="access.refused")
    assert event.actor == contributor and event.path == "/contribute/queue/"


def test_post_without_csrf_token_is_refused_and_logged(contributor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(contributor)
    response = client.post("/accounts/tokens/", {"name": "x", "scope": "read", "days": 5})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()
    assert AuditEvent.objects.filter(action="access.refused", details__reason__startswith="CSRF")


# --- API tokens ----------------------------------------------------------------------------------


def test_token_is_shown_once_and_stored_hashed(client, contributor):
    client.force_login(contributor)
    response = client.post("/accounts/tokens/", {"name": "sync", "scope": "write", "days": 30})
    assert response.status_code == 200
    text = response.context["created_text"]
    assert text.startswith("nscap_") and text.encode() in response.content
    assert {"no-store", "private"} <= set(response["Cache-Control"].split(", "))
    token = ApiToken.objects.get(user=contributor)
    assert token.scope == "write" and text.split("_", 2)[2] not in token.token_hash
    again = client.get("/accounts/tokens/")
    assert text.encode() not in again.content and b"sync" in again.content


def test_token_form_refuses_bad_days(client, contributor):
    client.force_login(contributor)
    response = client.post("/accounts/tokens/", {"name": "x", "scope": "read", "days": 999})
    assert response.status_code == 200 and response.context["form"].errors["days"]
    assert not ApiToken.objects.exists()


def test_revoke_own_token_but_not_anothers(client, contributor, admin):
    from nscap.accounts.tokens import create_token

    mine, _text = create_token(contributor, "mine")
    theirs, _text = create_token(admin, "theirs")
    client.force_login(contributor)
    assert client.post(f"/accounts/tokens/{theirs.pk}/revoke/").status_code == 404
    assert client.post(f"/accounts/tokens/{mine.pk}/revoke/").status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None


def test_token_page_needs_sign_in(client):
    response = client.get("/accounts/tokens/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


# --- invitations and members ---------------------------------------------------------------------


def test_admin_invites_to_own_institution_and_link_is_shown_once(client, admin, insa):
    client.force_login(admin)
    response = client.post(
        "/accounts/invitations/new/",
        {"email": "lee@example.org", "institution": insa.pk, "role": "contributor"},
    )
    assert response.status_code == 200
    link = response.context["link"]
    assert "/accounts/invitations/" in link
    invitation = Invitation.objects.get()
    assert invitation.institution == insa and link.rstrip("/").rsplit("/", 1)[1] not in (
        invitation.token_hash
    )


def test_admin_cannot_invite_to_another_institution(client, admin, iscn):
    client.force_login(admin)
    response = client.post(
        "/accounts/invitations/new/",
        {"email": "lee@example.org", "institution": iscn.pk, "role": "contributor"},
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not Invitation.objects.exists()


def test_contributor_cannot_invite(client, contributor):
    client.force_login(contributor)
    assert client.get("/accounts/invitations/new/").status_code == 403


def test_steward_invites_a_steward(client, steward_user, django_user_model):
    client.force_login(steward_user)
    response = client.post(
        "/accounts/invitations/new/",
        {"email": "new@example.org", "role": "contributor", "as_steward": "on"},
    )
    token = response.context["link"].rstrip("/").rsplit("/", 1)[1]
    client.logout()
    accept = client.post(
        f"/accounts/invitations/{token}/",
        {
            "username": "newsteward",
            "password1": "Qz8-very-long-pass",
            "password2": "Qz8-very-long-pass",
        },
    )
    assert accept.status_code == 302
    assert django_user_model.objects.get(username="newsteward").groups.filter(name="stewards")


def test_accept_creates_account_and_membership_once(client, admin, insa, django_user_model):
    _invitation, token = invite(admin, email="lee@example.org", institution=insa)
    data = {"username": "lee", "password1": "Qz8-very-long-pass", "password2": "Qz8-very-long-pass"}
    assert client.get(f"/accounts/invitations/{token}/").status_code == 200
    assert client.post(f"/accounts/invitations/{token}/", data).status_code == 302
    lee = django_user_model.objects.get(username="lee")
    assert Affiliation.objects.get(user=lee).institution == insa
    client.logout()
    reused = client.post(f"/accounts/invitations/{token}/", {**data, "username": "lee2"})
    assert reused.status_code == 404 and b"used already" in reused.content
    assert not django_user_model.objects.filter(username="lee2").exists()


def test_expired_invitation_is_refused(client, admin, insa, django_user_model):
    invitation, token = invite(admin, email="lee@example.org", institution=insa)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    data = {"username": "lee", "password1": "Qz8-very-long-pass", "password2": "Qz8-very-long-pass"}
    response = client.post(f"/accounts/invitations/{token}/", data)
    assert response.status_code == 404 and b"expired" in response.content
    assert not django_user_model.objects.filter(username="lee").exists()


def test_unknown_invitation_token_is_404(client):
    assert client.get("/accounts/invitations/not-a-token/").status_code == 404


def test_weak_password_is_refused_at_accept(client, admin, insa, django_user_model):
    _invitation, token = invite(admin, email="lee@example.org", institution=insa)
    response = client.post(
        f"/accounts/invitations/{token}/",
        {"username": "lee", "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200 and response.context["form"].errors["password1"]
    assert not django_user_model.objects.filter(username="lee").exists()


def test_members_page_for_admin_and_steward_only(client, admin, contributor, steward_user, iscn):
    client.force_login(admin)
    page = client.get("/accounts/institutions/insa/members/")
    assert page.status_code == 200 and b"kim" in page.content
    assert client.get("/accounts/institutions/iscn/members/").status_code == 403
    client.force_login(contributor)
    assert client.get("/accounts/institutions/insa/members/").status_code == 403
    client.force_login(steward_user)
    assert client.get("/accounts/institutions/iscn/members/").status_code == 200


def test_admin_removes_a_member_but_not_elsewhere(client, admin, contributor, django_user_model):
    other_inst = make_institution(key="other")
    outsider = make_user(django_user_model, "out", other_inst)
    client.force_login(admin)
    far = Affiliation.objects.get(user=outsider)
    assert client.post(f"/accounts/institutions/insa/members/{far.pk}/remove/").status_code == 404
    near = Affiliation.objects.get(user=contributor)
    assert client.post(f"/accounts/institutions/insa/members/{near.pk}/remove/").status_code == 302
    assert not Affiliation.objects.filter(pk=near.pk).exists()
    assert Affiliation.objects.filter(pk=far.pk).exists()
    assert AuditEvent.objects.filter(action="accounts.member.remove").exists()


# --- transparency policy -------------------------------------------------------------------------


def test_transparency_page_is_public(client, insa):
    TransparencyPolicy.objects.create(institution=insa, statement="We publish every course.")
    response = client.get("/accounts/institutions/insa/transparency/")
    assert response.status_code == 200 and b"We publish every course." in response.content


def test_transparency_page_of_hidden_institution_is_404(client):
    make_institution(key="secret-inst", sensitivity="restricted")
    assert client.get("/accounts/institutions/secret-inst/transparency/").status_code == 404


def test_admin_edits_policy_contributor_may_not(client, admin, contributor, insa):
    data = {
        "statement": "Courses public; participant lists restricted.",
        "default_sensitivity": "network",
        "auto_approve_own_public": "on",
    }
    client.force_login(contributor)
    assert client.post("/accounts/institutions/insa/transparency/edit/", data).status_code == 403
    assert not TransparencyPolicy.objects.filter(institution=insa).exists()
    client.force_login(admin)
    assert client.post("/accounts/institutions/insa/transparency/edit/", data).status_code == 302
    policy = TransparencyPolicy.objects.get(institution=insa)
    assert policy.default_sensitivity == "network" and policy.auto_approve_own_public
    assert policy.updated_by == admin
    assert AuditEvent.objects.filter(action="institutions.transparency_policy.update").exists()


def test_account_page(client, admin):
    client.force_login(admin)
    response = client.get("/accounts/")
    assert response.status_code == 200 and b"Institution admin" in response.content
