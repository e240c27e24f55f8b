"""``nscap link``: link training-event reports into events (incremental; ``--full`` relinks)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from nscap.contributions.errors import ContributionError
from nscap.linkage import services

STAGES = ("features", "scoring", "clustering", "saving")


class Command(BaseCommand):
    help = "Link training-event reports into events and queue merge suggestions for stewards."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="relink from scratch")
        parser.add_argument(
            "--as",
            dest="username",
            help="the steward to run as (default: the first active superuser)",
        )

    def handle(self, *args, full: bool = False, username: str | None = None, **options):
        users = get_user_model().objects.filter(is_active=True)
        user = (
            users.filter(username=username).first()
            if username
            else users.filter(is_superuser=True).order_by("pk").first()
        )
        if user is None:
            raise CommandError(
                f"no active user {username!r}" if username else "no active superuser: use --as"
            )
        console = Console(file=self.stdout, stderr=False)
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("reading events", total=len(STAGES) + 1)

            def step(stage: str) -> None:
                progress.update(task, description=stage, advance=1)

            try:
                run = services.run_linkage(user, incremental=not full, progress=step)
            except ContributionError as exc:
                raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Linked {run.reports} reports into {run.clusters} events; "
            f"{run.pairs_scored} pairs scored; {run.new_suggestions} new merge suggestions "
            f"(run {run.pk}, {'full' if full else 'incremental'})."
        )
