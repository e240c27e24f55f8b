"""``nscap report regional --region R --from Y --to Y --format html|xlsx|pdf|json [--user U]
[--output FILE]``: the regional report, as the page, the workbook, the PDF or the API's JSON.

The same ``regional_report`` body as ``/reports/regional/`` and ``GET /api/reports/regional``;
without --user, what a visitor sees. HTML and JSON go to standard output unless --output is
given; XLSX and PDF need --output.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nscap.analytics.management.commands.analyse import _viewer
from nscap.reports.api import report_json
from nscap.reports.params import ReportParameterError, parse_params
from nscap.reports.pdf import PdfUnavailable, print_html, render_pdf
from nscap.reports.selectors import regional_report
from nscap.reports.xlsx import regional_workbook


class Command(BaseCommand):
    help = "Write a report (regional: the brief's three tables and the headline figures)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["regional"])
        parser.add_argument("--region", default="", help="e.g. Asia (default: every region)")
        parser.add_argument("--from", dest="year_from", help="first year of the period")
        parser.add_argument("--to", dest="year_to", help="last year of the period")
        parser.add_argument("--format", choices=["html", "xlsx", "pdf", "json"], default="html")
        parser.add_argument("--user", help="username (default: what a visitor sees)")
        parser.add_argument("--output", help="file to write (needed for xlsx and pdf)")

    def handle(self, *args, **options) -> None:
        try:
            params = parse_params(options["region"], options["year_from"], options["year_to"])
        except ReportParameterError as error:
            raise CommandError(f"--{error.field}: {error.message}") from None
        output_format, output = options["format"], options["output"]
        if output_format in ("xlsx", "pdf") and not output:
            raise CommandError(f"--output FILE is needed for --format {output_format}.")
        report = regional_report(_viewer(options["user"]), params)
        if output_format == "xlsx":
            content: bytes | str = regional_workbook(report)
        elif output_format == "pdf":
            try:
                content = render_pdf(report, params)
            except PdfUnavailable as error:
                raise CommandError(str(error)) from None
        elif output_format == "json":
            content = report_json(report)
        else:
            content = print_html(report)
        if not output:
            self.stdout.write(content)
            return
        path = Path(output)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        self.stdout.write(f"Wrote {path} ({path.stat().st_size} bytes).")
