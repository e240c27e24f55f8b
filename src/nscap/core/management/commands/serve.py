"""``nscap serve``: the production server (gunicorn, static files by whitenoise)."""

import ipaddress
import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Command(BaseCommand):
    help = "Serve nscap with gunicorn. Refuses DEBUG on a non-loopback address."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("NSCAP_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("NSCAP_WORKERS", "2"))
        )
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args, bind: str, workers: int, threads: int, no_migrate: bool, **options):
        host = bind.rsplit(":", 1)[0] if ":" in bind else bind
        if settings.DEBUG and not is_loopback(host):
            raise CommandError(
                f"DEBUG is on: refusing to serve on {host}, which is not a loopback address. "
                "Unset DEBUG or bind to 127.0.0.1."
            )
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"nscap serving on http://{bind}/")
        sys.stdout.flush()
        os.execvp(  # noqa: S606 - replaces this process with gunicorn, arguments are ours
            sys.executable,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "nscap.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--access-logfile",
                "-",
            ],
        )
