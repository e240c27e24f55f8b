"""``nscap link``: link training-event reports into events (incremental; ``--full`` relinks),
and decide the merge suggestions in bulk (stewards only):

- ``--apply``: accept every pending suggestion the run linked, or with ``--min-weight W``
  every pending suggestion of match weight W and up; one changeset, one undo;
- ``--reject-below W``: reject every pending suggestion below W;
- ``--preview``: say what ``--apply`` / ``--reject-below`` would do, and do nothing;
- ``--undo N``: undo bulk decision N whole.

A decision alone does not run linkage; with ``--full`` the run comes first.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from nscap.contributions.errors import ContributionError, Invalid
from nscap.linkage import decisions, services

STAGES = ("features", "scoring", "clustering", "saving")


class Command(BaseCommand):
    help = "Link training-event reports into events and queue merge suggestions for stewards."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="relink from scratch")
        parser.add_argument(
            "--as",
            "--user",
            dest="username",
            help="the steward to run as (default: the first active superuser)",
        )
        parser.add_argument(
            "--apply",
            action="store_true",
            help="accept the pending suggestions the run linked (or from --min-weight up)",
        )
        parser.add_argument("--min-weight", type=float, help="with --apply: from this weight up")
        parser.add_argument(
            "--reject-below", type=float, help="reject the pending suggestions below this weight"
        )
        parser.add_argument(
            "--preview", action="store_true", help="only say what the decision would do"
        )
        parser.add_argument("--undo", type=int, metavar="N", help="undo bulk decision N whole")

    def handle(self, *args, full: bool = False, username: str | None = None, **options):
        user = self._user(username)
        selections = self._selections(options)
        try:
            if full or not (selections or options.get("undo")):
                self._run(user, full)
            for selection in selections:
                self._decide(user, selection, preview=options.get("preview", False))
            if options.get("undo"):
                bulk = decisions.undo(user, options["undo"])
                self.stdout.write(
                    f"Bulk decision {bulk.pk} is undone (changeset {bulk.undo_changeset_id})."
                )
        except ContributionError as exc:
            raise CommandError(exc.message) from exc

    def _user(self, username: str | None):
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
        return user

    def _selections(self, options: dict) -> list[decisions.Selection]:
        if options.get("min_weight") is not None and not options.get("apply"):
            raise CommandError("--min-weight goes with --apply")
        if options.get("preview") and not (options.get("apply") or options.get("reject_below")):
            raise CommandError("--preview goes with --apply or --reject-below")
        try:
            selections = []
            if options.get("apply"):
                weight = options.get("min_weight")
                selections.append(
                    decisions.Selection("accept", min_weight=weight)
                    if weight is not None
                    else decisions.Selection("accept", strength="linked")
                )
            if options.get("reject_below") is not None:
                selections.append(
                    decisions.Selection("reject", below_weight=options["reject_below"])
                )
        except Invalid as exc:
            raise CommandError(exc.message) from exc
        return selections

    def _run(self, user, full: bool) -> None:
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

            run = services.run_linkage(user, incremental=not full, progress=step)
        self.stdout.write(
            f"Linked {run.reports} reports into {run.clusters} events; "
            f"{run.pairs_scored} pairs scored; {run.new_suggestions} new merge suggestions "
            f"(run {run.pk}, {'full' if full else 'incremental'})."
        )

    def _decide(self, user, selection: decisions.Selection, *, preview: bool) -> None:
        summary = decisions.plan(user, selection).summary()
        verb = "accept" if selection.action == "accept" else "reject"
        self.stdout.write(
            f"{'Preview: ' if preview else ''}{summary['selected']} pending suggestions with "
            f"{selection.describe()}: {summary['decided']} to {verb}"
            + "".join(f", {n} skipped ({reason})" for reason, n in summary["skipped"].items())
            + (
                f"; {summary['reports_folded']} reports merged into {summary['events']} events "
                f"({summary['standing_before']} → {summary['standing_after']} standing)"
                if selection.action == "accept"
                else ""
            )
            + "."
        )
        for row in summary["examples"]:
            self.stdout.write(
                f"  {row['match_weight']:>6} {row['duplicate']} → {row['kept']}: {row['outcome']}"
            )
        if preview:
            return
        if not summary["decided"]:
            self.stdout.write("Nothing to decide: nothing was written.")
            return
        bulk = decisions.decide(user, selection, expect=summary["decided"])
        self.stdout.write(
            f"Bulk decision {bulk.pk}: {bulk.decided} suggestions {verb}ed"
            + (f" (changeset {bulk.changeset_id})" if bulk.changeset_id else "")
            + f"; undo it with: nscap link --undo {bulk.pk}"
        )
