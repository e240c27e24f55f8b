"""The ``nscap`` command and the production settings, run as a user would: in a subprocess."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from nscap.core.management.commands.serve import is_loopback


def run_nscap(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DEBUG", "NSCAP_DEMO", "NSCAP_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    }
    environment.update({"NSCAP_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": ""})
    environment.pop("DJANGO_SETTINGS_MODULE")
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "nscap.cli", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("[::1]", True),
        ("0.0.0.0", False),  # noqa: S104
        ("10.1.2.3", False),
        ("example.org", False),
    ],
)
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_serve_refuses_debug_on_a_public_address(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="DEBUG is on"):
        call_command("serve", bind="0.0.0.0:8000", no_migrate=True)  # noqa: S104


def test_check_deploy_is_clean_for_production_settings(tmp_path):
    result = run_nscap(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        tmp_path=tmp_path,
        SECRET_KEY="x" * 20 + "production-secret-key-that-is-long-and-random-0123456789",
        ALLOWED_HOSTS="nscap.example.org",
        NSCAP_SSL_REDIRECT="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_is_off_unless_asked(tmp_path):
    code = "from django.conf import settings; print(settings.DEBUG)"
    result = run_nscap("shell", "-c", code, tmp_path=tmp_path)
    assert result.stdout.strip().endswith("False"), result.stderr


def test_database_url_chooses_postgresql(tmp_path):
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = run_nscap(
        "shell", "-c", code, tmp_path=tmp_path, DATABASE_URL="postgres://u@127.0.0.1:5432/x"
    )
    assert result.stdout.strip().endswith("django.db.backends.postgresql"), result.stderr
    result = run_nscap("shell", "-c", code, tmp_path=tmp_path)
    assert result.stdout.strip().endswith("django.db.backends.sqlite3"), result.stderr


def test_secret_key_is_generated_once_and_kept(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = run_nscap("shell", "-c", code, tmp_path=tmp_path, SECRET_KEY="")
    second = run_nscap("shell", "-c", code, tmp_path=tmp_path, SECRET_KEY="")
    key = (tmp_path / "secret_key").read_text().strip()
    assert len(key) >= 50
    assert first.stdout.strip().splitlines()[-1] == key == second.stdout.strip().splitlines()[-1]


def test_demo_sets_up_a_sqlite_registry_with_the_brief(tmp_path):
    result = run_nscap("demo", "--no-serve", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "nscap.sqlite3").exists()
    code = (
        "from nscap.institutions.models import Institution; "
        "print(Institution.objects.filter(kind__in=['center_of_excellence','nssc']).count())"
    )
    count = run_nscap("shell", "-c", code, tmp_path=tmp_path)
    assert count.stdout.strip().splitlines()[-1] == "7", count.stderr


def test_unknown_command_is_a_clear_error(tmp_path):
    result = run_nscap("no-such-command", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "Unknown command" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_nscaps_commands_grouped_one_line_each(tmp_path):
    result = run_nscap("--help", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    data, analysis, operations = (
        out.index("Data:"),
        out.index("Analysis:"),
        out.index("Operations:"),
    )
    assert data < analysis < operations
    assert "  import " in out[data:analysis] and "  load-brief " in out[data:analysis]
    assert "  analyse " in out[analysis:operations]
    assert "  backup " in out[operations:]
    # Django's long list is not what a user sees first.
    assert "axes_reset_ip_username" not in out
    assert "nscap django" in out


def test_djangos_commands_stay_reachable(tmp_path):
    listing = run_nscap("--all", tmp_path=tmp_path)
    assert listing.returncode == 0, listing.stderr
    assert "axes_reset_ip_username" in listing.stdout
    assert "axes_reset_ip_username" in run_nscap("django", tmp_path=tmp_path).stdout
    code = "print('reached')"
    ran = run_nscap("django", "shell", "-c", code, tmp_path=tmp_path)
    assert ran.stdout.strip().splitlines()[-1] == "reached", ran.stderr


def test_help_for_one_command_shows_its_options(tmp_path):
    result = run_nscap("help", "load-brief", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "--data-dir" in result.stdout
