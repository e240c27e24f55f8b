"""``nscap demo``: migrate, load the brief, serve on 127.0.0.1:8000 with DEBUG on."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Set up a demo registry with the brief's data and serve it on 127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="Set up only; do not serve.")

    def handle(self, *args, port: int, no_serve: bool, **options):
        from django.conf import settings

        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_brief", verbosity=options["verbosity"])
        self.stdout.write(f"Database: {settings.DATABASES['default']['NAME']}")
        if no_serve:
            return
        self.stdout.write(self.style.SUCCESS(f"nscap demo: open http://127.0.0.1:{port}/"))
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True)
