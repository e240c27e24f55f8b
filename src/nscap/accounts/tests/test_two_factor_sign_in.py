"""Sign-in of an account with a second factor is no password oracle (issue 12, finding 18).

Until the code is checked, a wrong password, the right password without a code and the right
password with a wrong code get the same page (status and body, the CSRF token apart), and
each is a failure the lockout counts.
"""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django_otp.plugins.otp_totp.models import TOTPDevice

from nscap.accounts.models import AuditEvent
from nscap.accounts.tests.conftest import PASSWORD, code_for

pytestmark = pytest.mark.django_db

WRONG = "wrong-password-123"
PER_RENDER = re.compile(rb'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"')


def sign_in(client, password, code=None):
    data = {"username": "stew", "password": password}
    if code is not None:
        data["otp_token"] = code
    return client.post("/accounts/sign-in/", data)


def page(response) -> tuple[int, bytes]:
    """Status and body without what changes on every render (CSRF token, CSP nonce)."""
    return response.status_code, PER_RENDER.sub(rb"\1=", response.content)


def failures() -> int:
    attempt = AccessAttempt.objects.filter(username="stew").first()
    return attempt.failures_since_start if attempt else 0


@pytest.fixture
def device(steward_user, two_factor_on):
    return TOTPDevice.objects.create(user=steward_user, name="app", confirmed=True)


@pytest.mark.parametrize("code", [None, "", "123456", "12 34 56", "abcdef"])
def test_right_password_without_the_right_code_answers_like_a_wrong_password(client, device, code):
    wrong_password = sign_in(client, WRONG, code)
    assert failures() == 1
    right_password = sign_in(client, PASSWORD, code)
    assert failures() == 2
    assert page(right_password) == page(wrong_password)
    assert right_password.status_code == 200
    assert b"two-factor code is not correct" in right_password.content
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="accounts.sign_in_failed", username="stew").count() == 2


def test_every_failure_counts_toward_the_lockout(client, device):
    sign_in(client, WRONG)
    sign_in(client, PASSWORD)
    sign_in(client, PASSWORD, "")
    sign_in(client, PASSWORD, "000000")
    sign_in(client, WRONG, code_for(device))
    assert failures() == 5
    locked = sign_in(client, PASSWORD, code_for(device))
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_right_password_and_right_code_sign_in_verified(client, device):
    sign_in(client, PASSWORD)
    response = sign_in(client, PASSWORD, code_for(device))
    assert response.status_code == 302
    assert client.session["_auth_user_id"]
    # The session carries the verified device: the steward's pages open at once.
    assert client.get("/contribute/queue/").status_code == 200
    assert failures() == 0  # a success resets the count


def test_the_right_code_with_a_wrong_password_is_refused(client, device):
    response = sign_in(client, WRONG, code_for(device))
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_accounts_without_a_device_sign_in_with_the_password(client, contributor):
    assert (
        client.post("/accounts/sign-in/", {"username": "kim", "password": PASSWORD}).status_code
        == 302
    )


def test_the_one_answer_speaks_chinese(client, device):
    response = client.post(
        "/accounts/sign-in/",
        {"username": "stew", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert "用户名、密码或双因素验证码不正确" in response.content.decode()
