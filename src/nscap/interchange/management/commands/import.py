"""``nscap import FILE --user USER [--dry-run] [--type T] [--encoding E] [--errors OUT.csv]``.

Checks the whole file first and reports every error (sheet, row, column, value, message);
nothing is written unless the whole file is valid. A valid file becomes ONE changeset proposed by
USER (applied at once for stewards and when the institution's policy allows, otherwise waiting
for review). ``--dry-run`` shows what would be created, changed and left alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from nscap.contributions.errors import NotAllowed
from nscap.contributions.record_types import RECORD_TYPES
from nscap.interchange import importer
from nscap.interchange.encodings import KNOWN_ENCODINGS
from nscap.interchange.readers import ReadError, read_file

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = "Import an XLSX or CSV file as one changeset (checked whole first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="Who proposes the changeset")
        parser.add_argument("--dry-run", action="store_true", help="Check and report only")
        parser.add_argument("--type", choices=list(RECORD_TYPES), help="Record type of a CSV")
        parser.add_argument("--encoding", choices=KNOWN_ENCODINGS, help="Encoding of a CSV")
        parser.add_argument("--comment", default="", help="Comment for the steward")
        parser.add_argument("--errors", help="Write every error to this CSV file")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user named {options['user']!r}.")
        if not user.is_active:
            raise CommandError(f"User {user.username!r} is deactivated.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        console = Console(stderr=True, quiet=options["no_progress"])
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} rows"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as progress:
            task = progress.add_task("Reading", total=None)
            try:
                sheets = read_file(
                    path.name,
                    path.read_bytes(),
                    record_type=options["type"],
                    encoding=options["encoding"],
                )
            except ReadError as exc:
                raise CommandError(str(exc)) from exc
            total = sum(len(sheet.rows) for sheet in sheets)
            progress.update(task, description="Checking", total=total, completed=0)

            def report(phase: str, done: int, _total: int) -> None:
                progress.update(task, completed=done)

            try:
                if not importer.can_contribute(user):
                    raise NotAllowed("Only stewards and members of an institution may import.")
                plan = importer.plan_import(user, sheets, report)
                sheets.clear()  # the plan keeps what it needs: let the file's cells go
                changeset = None
                if plan.ok and plan.changes and not options["dry_run"]:
                    progress.update(task, description="Writing one changeset")
                    changeset = importer.submit(user, plan, path.name, options["comment"])
            except NotAllowed as exc:
                raise CommandError(exc.message) from exc
            progress.update(task, description="Done", completed=total)
        self._summary(plan, options, changeset)

    def _summary(self, plan: importer.ImportPlan, options: dict, changeset: Any) -> None:
        if plan.errors:
            if options["errors"]:
                Path(options["errors"]).write_bytes(importer.errors_csv(plan.errors))
            for err in plan.errors[:SHOWN_ERRORS]:
                where = f"{err.sheet}, row {err.row}" if err.row else err.sheet
                column = f", column {err.column}" if err.column else ""
                cell = f" ({err.cell})" if err.cell else ""
                value = f" [{err.value}]" if err.value else ""
                self.stderr.write(f"{where}{column}{cell}{value}: {err.message}")
            more = len(plan.errors) - SHOWN_ERRORS
            if more > 0:
                self.stderr.write(f"... and {more} more (use --errors FILE to get them all)")
            raise CommandError(f"{len(plan.errors)} error(s); nothing was imported.")
        for record_type, counts in plan.counts_by_type().items():
            self.stdout.write(
                f"{record_type}: {counts['create']} new, {counts['update']} changed, "
                f"{counts['unchanged']} unchanged, {counts['pending']} already waiting for review"
            )
        groups = plan.unreconciled()
        if groups:
            self.stdout.write(
                f"Names to reconcile: {sum(g['rows'] for g in groups)} row(s) keep an "
                f"institution name as written, in {len(groups)} group(s) of name and context:"
            )
            for g in groups[:SHOWN_ERRORS]:
                self.stdout.write(
                    f"  {g['text']!r} located in {g['country'] or '-'}, reported by "
                    f"{g['reported_by'] or '-'}: {g['rows']} row(s)"
                )
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
        elif changeset is None:
            self.stdout.write("Nothing to import: every row matches the registry already.")
        else:
            self.stdout.write(
                f"Changeset {changeset.pk}: {changeset.get_status_display()} "
                f"({len(plan.changes)} change(s))."
            )
