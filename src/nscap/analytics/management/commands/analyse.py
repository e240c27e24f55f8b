"""``nscap analyse gaps|achievements [--format csv|json] [--user U] [filters] [-o FILE]``.

Prints what USER may see (without --user: what a visitor sees), computed by the same functions
as the pages and ``/api/analytics/...``; JSON is the API's response body, byte for byte in value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nscap.analytics.api import json_body
from nscap.analytics.schemas import AchievementsSchema, GapReportSchema
from nscap.analytics.selectors import achievements_report, check_region, gaps_report
from nscap.core.csv_files import csv_text

RANGE_FIELDS = ("demand", "supply", "gap", "coverage")
# Counted and estimated supply apart (analytics/estimates.py); last, so old columns stay put.
ESTIMATE_FIELDS = ("estimated_supply", "supply_with_estimate", "gap_with_estimate")
GAP_COLUMNS = (
    "cell",
    "year",
    "scope",
    "scope_key",
    "scope_label",
    "target_group",
    "topic",
    "assessment",
    "quantity",
    "measure",
    "demand_qualifier",
)
# Last, so old columns stay put: measured or indicative (docs/figures.md#coverage), and the
# coverage as the pages print it.
COVERAGE_COLUMNS = ("coverage_basis", "coverage_shown")
ACHIEVEMENT_COLUMNS = (
    "institution",
    "name",
    "kind",
    "year",
    "courses",
    "events",
    "participants",
    "countries",
    "planned",
    "share_of_plan",
    "claimed_people",
    "unitemised",
    "change",
)


def _viewer(username: str | None) -> Any:
    if not username:
        return AnonymousUser()
    user = get_user_model().objects.filter(username=username).first()
    if user is None or not user.is_active:
        raise CommandError(f"No active user named {username!r}.")
    return user


def gap_csv(report: dict) -> str:
    """The gap rows as CSV (the one formula-escaping writer), ranges as value, low, high."""
    ranges = [f"{name}{suffix}" for name in RANGE_FIELDS for suffix in ("", "_low", "_high")]
    estimates = [f"{name}{suffix}" for name in ESTIMATE_FIELDS for suffix in ("", "_low", "_high")]
    header = [*GAP_COLUMNS, *ranges, "stated_coverage", "stated_coverage_qualifier", *estimates]
    rows = [[*header, *COVERAGE_COLUMNS]]
    for row in report["rows"]:
        values = [row[c] for c in GAP_COLUMNS]
        for name in RANGE_FIELDS:
            values += [row[name]["value"], row[name]["low"], row[name]["high"]]
        stated = row["stated_coverage"]
        values += [stated["value"] if stated else "", row["stated_coverage_qualifier"]]
        for name in ESTIMATE_FIELDS:
            values += [row[name]["value"], row[name]["low"], row[name]["high"]]
        rows.append([*values, *(row[c] for c in COVERAGE_COLUMNS)])
    return csv_text(rows, lineterminator="\n")


def achievements_csv(report: dict) -> str:
    """The achievement rows as CSV (the one formula-escaping writer)."""
    rows = [[*ACHIEVEMENT_COLUMNS, "claimed_low", "claimed_high"]]
    for row in report["rows"]:
        claimed = row["claimed"] or {"low": "", "high": ""}
        # An empty claimed_high beside a claimed_low: no upper bound ("over 500").
        rows.append([*(row[c] for c in ACHIEVEMENT_COLUMNS), claimed["low"], claimed["high"]])
    return csv_text(rows, lineterminator="\n")


class Command(BaseCommand):
    help = "Print training gaps or achievements as CSV or JSON (what USER may see)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", choices=("gaps", "achievements"))
        parser.add_argument("--format", choices=("csv", "json"), default="csv")
        parser.add_argument("--user", help="Compute what this user may see")
        parser.add_argument("--year", type=int, help="Only this year")
        parser.add_argument("--country", default="", help="gaps: only this country (ISO alpha-2)")
        parser.add_argument("--region", default="", help="gaps: only this region")
        parser.add_argument("--institution", default="", help="achievements: one institution key")
        parser.add_argument("-o", "--output", help="File to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = _viewer(options["user"])
        try:
            region = check_region(options["region"])
        except ValueError as exc:
            raise CommandError(f"--region: {exc}") from exc
        country = options["country"].strip().upper()
        if country and (len(country) != 2 or not country.isalpha()):
            raise CommandError(f"--country: {country!r} is not an ISO 3166-1 alpha-2 code")
        if options["report"] == "gaps":
            report = gaps_report(user, year=options["year"], country=country, region=region)
            schema, to_csv = GapReportSchema, gap_csv
        else:
            report = achievements_report(
                user, institution=options["institution"], year=options["year"]
            )
            schema, to_csv = AchievementsSchema, achievements_csv
        text = json_body(schema, report) + "\n" if options["format"] == "json" else to_csv(report)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {options['output']}")
        else:
            self.stdout.write(text, ending="")
