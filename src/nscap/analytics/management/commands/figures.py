"""``nscap figures [--user U] [--format text|json]``: every catalogue figure USER may see.

The same function as ``GET /api/figures`` (``analytics.api.figures_body``) and the pages
(``analytics.figures``); without --user, what a visitor sees.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandParser

from nscap.analytics.api import FiguresSchema, figures_body
from nscap.analytics.figures import figures
from nscap.analytics.management.commands.analyse import _viewer


class Command(BaseCommand):
    help = "Print the headline figures (docs/figures.md) as USER may see them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", help="username (default: what a visitor sees)")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options) -> None:
        user = _viewer(options["user"])
        if options["format"] == "json":
            body = FiguresSchema.model_validate(figures_body(user)).model_dump(mode="json")
            self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))
            return
        for figure in figures(user).values():
            self.stdout.write(f"{figure.id}\t{figure.display}\t{figure.unit}\t{figure.label}")
