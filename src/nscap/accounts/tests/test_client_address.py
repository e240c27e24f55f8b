"""The client address behind a reverse proxy: the lockout counts per user name and the address
the trusted proxy saw, and a forged X-Forwarded-For is believed by nobody (issue 12, finding 8).

Every request here comes from REMOTE_ADDR 127.0.0.1, as behind the documented nginx.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory

from nscap.accounts.client_address import client_ip
from nscap.accounts.models import AuditEvent
from nscap.accounts.tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"
WRONG = "wrong-password-123"


def sign_in(client, username, password=PASSWORD, forwarded_for=None):
    extra = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post("/accounts/sign-in/", {"username": username, "password": password}, **extra)


@pytest.fixture
def behind_nginx(settings):
    settings.NSCAP_TRUSTED_PROXIES = 1
    return settings


def test_failures_from_two_addresses_do_not_lock_out_a_third(client, contributor, behind_nginx):
    for _ in range(4):
        sign_in(client, "kim", WRONG, forwarded_for="203.0.113.1")
        sign_in(client, "kim", WRONG, forwarded_for="203.0.113.2")
    # Eight failures in all, all through the proxy's 127.0.0.1: the user elsewhere signs in.
    assert sign_in(client, "kim", forwarded_for="198.51.100.7").status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
        "203.0.113.1",
        "203.0.113.2",
    }


def test_the_attacking_address_is_locked_out(client, contributor, behind_nginx):
    for _ in range(5):
        sign_in(client, "kim", WRONG, forwarded_for="203.0.113.1")
    locked = sign_in(client, "kim", forwarded_for="203.0.113.1")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="accounts.locked_out", ip_address="203.0.113.1")
    # Another address still signs in.
    assert sign_in(client, "kim", forwarded_for="198.51.100.7").status_code == 302


def test_behind_the_proxy_only_its_own_entry_is_believed(client, contributor, behind_nginx):
    """nginx appends the address it saw; what the client wrote to the left is ignored."""
    for n in range(5):
        sign_in(client, "kim", WRONG, forwarded_for=f"10.0.0.{n}, 203.0.113.1")
    assert sign_in(client, "kim", forwarded_for="10.9.9.9, 203.0.113.1").status_code == 429


def test_without_a_trusted_proxy_a_forged_header_is_ignored(client, contributor, settings):
    settings.NSCAP_TRUSTED_PROXIES = 0
    for n in range(5):
        sign_in(client, "kim", WRONG, forwarded_for=f"203.0.113.{n}")
    # Rotating the header does not make a new address: the attacker stays locked out.
    assert sign_in(client, "kim", forwarded_for="203.0.113.99").status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [PROXY]


def test_the_audit_log_records_the_forwarded_address(client, contributor, behind_nginx):
    sign_in(client, "kim", WRONG, forwarded_for="203.0.113.1")
    event = AuditEvent.objects.get(action="accounts.sign_in_failed")
    assert event.ip_address == "203.0.113.1"


@pytest.mark.parametrize(
    ("proxies", "header", "expected"),
    [
        (0, "203.0.113.1", PROXY),
        (1, "", PROXY),
        (1, "203.0.113.1", "203.0.113.1"),
        (1, "1.2.3.4, 203.0.113.1", "203.0.113.1"),
        (1, " 1.2.3.4 ,203.0.113.1 ", "203.0.113.1"),
        (2, "1.2.3.4, 203.0.113.1, 10.0.0.2", "203.0.113.1"),
        (2, "203.0.113.1", "203.0.113.1"),
        (1, "2001:db8::1", "2001:db8::1"),
        (1, "not-an-address", PROXY),
        (1, "203.0.113.1:4711", PROXY),
        (1, ",,", PROXY),
    ],
)
def test_client_ip(settings, proxies, header, expected):
    settings.NSCAP_TRUSTED_PROXIES = proxies
    meta = {"REMOTE_ADDR": PROXY}
    if header:
        meta["HTTP_X_FORWARDED_FOR"] = header
    assert client_ip(RequestFactory().get("/", **meta)) == expected


def test_client_ip_without_a_request():
    assert client_ip(None) is None


@pytest.mark.parametrize("value", ["x", "-1"])
def test_a_bad_proxy_count_stops_the_start_with_a_clear_message(value, tmp_path):
    env = {**os.environ, "NSCAP_TRUSTED_PROXIES": value, "NSCAP_DATA_DIR": str(tmp_path)}
    env["DJANGO_SETTINGS_MODULE"] = "nscap.test_settings"
    result = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-c", "from django.conf import settings; settings.NSCAP_TRUSTED_PROXIES"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert f"NSCAP_TRUSTED_PROXIES={value!r}" in result.stderr
