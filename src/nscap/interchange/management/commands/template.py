"""``nscap template [--format xlsx|csv] [-o FILE]``: write a blank import template."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nscap.interchange.template_files import TEMPLATES


class Command(BaseCommand):
    help = (
        "Write the import template: XLSX (one sheet per record type and a fields sheet) or a "
        "zip of CSV files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=sorted(TEMPLATES), default="xlsx")
        parser.add_argument("-o", "--output", help="File to write (default: the template's name)")

    def handle(self, *args: Any, **options: Any) -> None:
        filename, build, _content_type = TEMPLATES[options["format"]]
        path = Path(options["output"] or filename)
        path.write_bytes(build(None))
        self.stdout.write(f"Wrote {path}")
