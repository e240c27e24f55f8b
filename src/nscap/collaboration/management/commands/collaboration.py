"""``nscap collaboration institutions|edges|claims [--format csv|json] [--user U] [-o FILE]``.

The collaboration figures USER may see (without --user: what a visitor sees), from the same
functions as the depth and graph pages and ``/api/analytics/collaboration``: per institution
(depth each side states, confirmed depth, exaggeration gap, reciprocity), per directed pair,
and per claim (its state and the depth on each side). JSON is the API's body where there is
one (institutions, edges); claims have no API list of their own depths, so JSON lists the rows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nscap.analytics.figures import collaboration_by_institution, pair_collaboration
from nscap.analytics.management.commands.analyse import _viewer
from nscap.collaboration.analytics_api import (
    CollaborationAnalyticsSchema,
    EdgeSchema,
    analytics_body,
    edges_body,
)
from nscap.collaboration.choices import state_label
from nscap.collaboration.metrics import cached_picture
from nscap.core.csv_files import csv_text

INSTITUTION_COLUMNS = (
    "institution",
    "name",
    "country",
    "partners",
    "claimed",
    "partner_depth",
    "confirmed",
    "gap",
    "reciprocity_rate",
    "related_back",
)
EDGE_COLUMNS = ("claimant", "partner", "claimed", "partner_depth", "confirmed", "planned", "state")
CLAIM_COLUMNS = (
    "claim",
    "claimant",
    "partner",
    "type",
    "state",
    "state_label",
    "claimed",
    "partner_depth",
    "confirmed",
)


def _cell(value: Any) -> Any:
    return "" if value is None else value


def institution_rows(user: Any) -> list[dict]:
    """One row per institution: the catalogue's figures (``analytics.figures``)."""
    return [
        {"institution": f.key, **{c: getattr(f, c) for c in INSTITUTION_COLUMNS[1:]}}
        for f in collaboration_by_institution(user)
    ]


def edge_rows(user: Any) -> list[dict]:
    """One row per directed institution pair, with its state."""
    picture = cached_picture(user)
    rows = [
        vars(pair_collaboration(pair, picture.nodes)) for pair in picture.reading.pairs.values()
    ]
    return sorted(rows, key=lambda row: (row["claimant"], row["partner"]))


def claim_rows(user: Any) -> list[dict]:
    """One row per visible claim: its state (code and words) and the depth on each side."""
    picture = cached_picture(user)
    nodes = picture.nodes
    rows = []
    for judged in picture.reading.claims:
        claim = judged.claim
        partner = nodes[claim.partner_id].key if claim.partner_id in nodes else ""
        rows.append(
            {
                "claim": claim.key,
                "claimant": nodes[claim.claimant_id].key if claim.claimant_id in nodes else "",
                "partner": partner or claim.partner_country or claim.partner_text,
                "type": claim.type,
                "state": judged.evidence,
                "state_label": state_label(judged.evidence),
                "claimed": judged.depth,
                "partner_depth": judged.partner_depth,
                "confirmed": judged.confirmed_depth,
            }
        )
    return sorted(rows, key=lambda row: row["claim"])


class Command(BaseCommand):
    help = "Print collaboration figures per institution, pair or claim (what USER may see)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("table", choices=("institutions", "edges", "claims"))
        parser.add_argument("--format", choices=("csv", "json"), default="csv")
        parser.add_argument("--user", help="Compute what this user may see")
        parser.add_argument("-o", "--output", help="File to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = _viewer(options["user"])
        table = options["table"]
        if options["format"] == "json":
            text = json.dumps(self._json(table, user), ensure_ascii=False) + "\n"
        else:
            rows, columns = {
                "institutions": (institution_rows, INSTITUTION_COLUMNS),
                "edges": (edge_rows, EDGE_COLUMNS),
                "claims": (claim_rows, CLAIM_COLUMNS),
            }[table]
            body = [[_cell(row[c]) for c in columns] for row in rows(user)]
            text = csv_text([columns, *body], lineterminator="\n")
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {options['output']}")
        else:
            self.stdout.write(text, ending="")

    @staticmethod
    def _json(table: str, user: Any) -> Any:
        if table == "institutions":
            return CollaborationAnalyticsSchema.model_validate(analytics_body(user)).model_dump(
                mode="json"
            )
        if table == "edges":
            return [EdgeSchema.model_validate(e).model_dump(mode="json") for e in edges_body(user)]
        return claim_rows(user)
