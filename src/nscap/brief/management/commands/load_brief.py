"""``nscap load-brief``: load the policy brief's Tables 1-3 and figures into the registry."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from nscap.brief.loader import load_brief
from nscap.brief.reader import BriefDataError


class Command(BaseCommand):
    help = "Load the brief's transcription (institutions, courses, claims, figures) idempotently."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir", type=Path, default=None, help="Read the brief's TOML files from here."
        )
        parser.add_argument(
            "--vocabulary-dir", type=Path, default=None, help="Read topics and target groups here."
        )

    def handle(self, *args, data_dir: Path | None, vocabulary_dir: Path | None, **options):
        try:
            report = load_brief(data_dir=data_dir, vocabulary_dir=vocabulary_dir)
        except BriefDataError as exc:
            raise CommandError(
                _("The brief's data is not valid: %(error)s") % {"error": exc}
            ) from exc
        if options["verbosity"] == 0:
            return
        header = (_("record type"), _("created"), _("updated"), _("unchanged"))
        rows = [header, *((label, str(c), str(u), str(n)) for label, c, u, n in report.rows())]
        width = max(len(row[0]) for row in rows)
        for row in rows:
            self.stdout.write(f"{row[0]:<{width}}  {row[1]:>7}  {row[2]:>7}  {row[3]:>9}")
        if report.changed:
            message = _("Loaded the brief: %(created)d created, %(updated)d updated.") % {
                "created": report.total("created"),
                "updated": report.total("updated"),
            }
        else:
            message = _("The brief was already loaded; nothing changed.")
        self.stdout.write(self.style.SUCCESS(message))
        if report.unplaced and options["verbosity"] > 1:
            self.stdout.write(_("Facts of the brief with no place in the model:"))
            for fact in report.unplaced:
                self.stdout.write(f"  - {fact}")
