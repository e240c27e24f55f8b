"""API tokens: created (shown once), stored hashed, scoped, expiring, revocable; the CLI."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from nscap.accounts.models import ApiToken
from nscap.accounts.tokens import authenticate_token, create_token, revoke_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password="a-long-test-password")


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_the_token_once_and_stores_only_a_hash(alice):
    out, err = run("create", "alice", "--name", "sync", "--scope", "write", "--days", "30")
    text = out.strip()
    assert text.startswith("nscap_")
    token = ApiToken.objects.get(user=alice)
    assert token.scope == "write"
    assert token.name == "sync"
    secret = text.split("_", 2)[2]
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in token.token_hash
    assert "not shown again" in err
    assert abs((token.expires_at - timezone.now()) - timedelta(days=30)) < timedelta(minutes=1)
    assert authenticate_token(text) == token
    listing, _ = run("list")
    assert token.prefix in listing
    assert secret not in listing
    assert "active" in listing


def test_list_shows_scope_expiry_and_state(alice):
    active, _ = create_token(alice, "a", "read")
    revoked, _ = create_token(alice, "b", "write")
    revoke_token(revoked)
    expired, _ = create_token(alice, "c", "read")
    expired.expires_at = timezone.now() - timedelta(days=1)
    expired.save()
    listing, _ = run("list", "--user", "alice")
    lines = {line.split()[0]: line for line in listing.splitlines()[1:]}
    assert "active" in lines[active.prefix]
    assert "revoked" in lines[revoked.prefix]
    assert "write" in lines[revoked.prefix]
    assert "expired" in lines[expired.prefix]


def test_revoke_by_prefix_stops_the_token(alice):
    token, text = create_token(alice, "x", "write")
    out, _ = run("revoke", token.prefix)
    assert f"Revoked {token.prefix}" in out
    assert authenticate_token(text) is None
    out, _ = run("revoke", token.prefix)
    assert "already revoked" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "nobody", "--name", "x"), "No user named"),
        (("create", "alice", "--name", "x", "--days", "0"), "between 1 and 366"),
        (("create", "alice", "--name", "x", "--days", "400"), "between 1 and 366"),
        (("revoke", "deadbeef"), "No token with prefix"),
    ],
)
def test_cli_refusals_are_clear(alice, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not ApiToken.objects.exists()


def test_cli_refuses_an_unknown_scope(alice):
    with pytest.raises(CommandError):
        run("create", "alice", "--name", "x", "--scope", "admin")


def test_deactivated_user_gets_no_token(alice):
    alice.is_active = False
    alice.save()
    with pytest.raises(CommandError, match="deactivated"):
        run("create", "alice", "--name", "x")


def test_a_token_of_a_deactivated_user_does_not_authenticate(alice):
    _, text = create_token(alice, "x", "read")
    alice.is_active = False
    alice.save()
    assert authenticate_token(text) is None


def test_a_tampered_secret_does_not_authenticate(alice):
    _, text = create_token(alice, "x", "read")
    assert authenticate_token(text[:-1] + ("A" if text[-1] != "A" else "B")) is None


def test_nscap_cli_entry_point_runs_the_command(alice, capsys):
    from nscap.cli import main

    main(["token", "create", "alice", "--name", "cli"])
    assert capsys.readouterr().out.strip().startswith("nscap_")
