"""``nscap demo``: migrate, load the brief, seed demo users, serve on 127.0.0.1:8000.

In ``analytics``, not ``core``: it sets up every app (accounts, linkage, synthetic data), and
the ground floor imports none of them (``core.hooks``).
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Set up a demo registry with the brief's data and demo users (a steward and a "
        "contributor each for INSA and ISCN, with new passwords printed here only), and serve "
        "it on 127.0.0.1:8000."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="Set up only; do not serve.")
        parser.add_argument(
            "--no-users", action="store_true", help="Do not create or reset the demo users."
        )
        parser.add_argument(
            "--synthetic",
            action="store_true",
            help="Also load a larger synthetic data set (marked as such) so gaps, overlaps and "
            "record linkage have something to show.",
        )
        parser.add_argument(
            "--events", type=int, default=5000, help="Synthetic training events (default 5000)."
        )

    def handle(self, *args, port: int, no_serve: bool, no_users: bool = False, **options):
        from django.conf import settings

        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_brief", verbosity=options["verbosity"])
        if options.get("synthetic"):
            self.load_synthetic(options.get("events", 5000))
        self.stdout.write(f"Database: {settings.DATABASES['default']['NAME']}")
        if not no_users:
            self.print_users()
        if options.get("synthetic"):
            self.link_reports()
        if no_serve:
            return
        self.stdout.write(self.style.SUCCESS(f"nscap demo: open http://127.0.0.1:{port}/"))
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True)

    def load_synthetic(self, events: int) -> None:
        from django.core.management.base import CommandError

        from nscap.analytics.synthetic import load_synthetic

        if events < 1:
            raise CommandError("--events must be at least 1.")
        report = load_synthetic(events=events)
        written = ", ".join(f"{n} {name}" for name, n in report.counts.items())
        self.stdout.write(f"Synthetic data (keys syn-…, cited as synthetic): {written}")

    def link_reports(self) -> None:
        """Run record linkage as the demo steward so the merge queue shows suggestions."""
        from django.contrib.auth import get_user_model

        from nscap.accounts.demo_users import STEWARD
        from nscap.linkage.services import run_linkage

        steward = get_user_model().objects.filter(username=STEWARD).first()
        if steward is None:  # --no-users: nobody to run as, and nobody to review the queue
            return
        run = run_linkage(steward, incremental=True)
        self.stdout.write(
            f"Record linkage: {run.reports} reports → {run.clusters} events; "
            f"{run.new_suggestions} merge suggestions waiting at /linkage/ for the steward."
        )

    def print_users(self) -> None:
        from nscap.accounts.demo_users import seed_demo_users

        self.stdout.write(
            "\nDemo users (passwords are new each run and shown only here; sign in at "
            "/accounts/sign-in/):"
        )
        for user in seed_demo_users():
            where = f" of {user.institution.upper()}" if user.institution else ""
            self.stdout.write(f"  {user.role}{where}: {user.username}  password: {user.password}")
            if user.totp_secret:
                self.stdout.write(
                    f"    two-factor: add secret {user.totp_secret} to an authenticator app\n"
                    f"    ({user.totp_url}),\n"
                    f"    or use the current code {user.totp_code} within about 30 seconds."
                )
        self.stdout.write("")
