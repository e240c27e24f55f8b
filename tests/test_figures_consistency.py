"""Issue 15: every catalogue figure shows the same value on the pages, in ``GET /api/figures``,
in ``nscap figures`` and, where an export can answer it, in the export.

For four kinds of viewer (a visitor, a contributor of an institution with restricted records,
a contributor of another institution, a steward), on the brief and on a synthetic data set.
Pages are read as HTML: each figure is the text of the element with ``data-figure="<id>"``,
parsed back into a number and its bounds, so a page that computes a figure on its own (or
prints it otherwise) fails here. Pages are cached per viewer class: every viewer reads them
through the cache, one after the other, so a page cached for one class and shown to another
would fail too.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections import defaultdict
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from nscap.analytics.cache import bump_data_version
from nscap.analytics.figures import CATALOGUE
from nscap.collaboration.models import CollaborationClaim
from nscap.core.choices import Sensitivity
from nscap.institutions.visible import visible_centers
from nscap.interchange.exporter import export
from nscap.testing.factories import make_claim, make_event
from nscap.testing.roles import make_steward, make_user

pytestmark = pytest.mark.django_db

PAGES = (
    "core:home",
    "collaboration:index",
    "collaboration:graph",
    "collaboration:depth",
    "analytics:index",
    "analytics:gaps",
)
NUMBER = r"(-?[\d,]+)"


class FigureParser(HTMLParser):
    """The text of every element carrying ``data-figure``, by figure id (a list per id)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, list[str]] = defaultdict(list)
        self._open: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open.append(dict(attrs).get("data-figure"))
        if self._open[-1]:
            self.found[self._open[-1]].append("")

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        figure = next((f for f in reversed(self._open) if f), None)
        if figure:
            self.found[figure][-1] += data


def parse_shown(text: str) -> dict[str, int | None]:
    """ "1,234 (1,100 – no upper bound)" → value, low, high; "40%" → 40; "—" → None."""
    text = text.strip()
    if text == "—":
        return {"value": None}
    whole = lambda s: int(s.replace(",", ""))  # noqa: E731
    if match := re.fullmatch(NUMBER + "%", text):
        return {"value": whole(match[1])}
    if match := re.fullmatch(NUMBER, text):
        return {"value": whole(match[1])}
    bounds = NUMBER + r" \(" + NUMBER + r" – (?:" + NUMBER + r"|no upper bound)\)"
    match = re.fullmatch(bounds, text)
    assert match, f"figure text not understood: {text!r}"
    high = whole(match[3]) if match[3] else None
    return {"value": whole(match[1]), "low": whole(match[2]), "high": high}


def page_figures(client: Client) -> dict[str, dict[str, int | None]]:
    """Every figure the four pages show, parsed; a figure shown twice must read the same."""
    shown: dict[str, set[str]] = defaultdict(set)
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        parser = FigureParser()
        parser.feed(response.content.decode())
        for figure, texts in parser.found.items():
            shown[figure] |= {t.strip() for t in texts}
    disagreeing = {figure: texts for figure, texts in shown.items() if len(texts) > 1}
    assert disagreeing == {}
    return {figure: parse_shown(next(iter(texts))) for figure, texts in shown.items()}


def api_values(figure: dict[str, Any]) -> dict[str, int | None]:
    """What a page should show of an API figure: the value, and bounds when they differ."""
    if figure["value"] is None or figure["low"] is None:
        return {"value": figure["value"]}
    if figure["low"] == figure["value"] == figure["high"]:
        return {"value": figure["value"]}
    return {"value": figure["value"], "low": figure["low"], "high": figure["high"]}


def export_counts(user: Any) -> dict[str, int]:
    """Claims counted from the export's claims table (JSON Lines): total and by confirmation."""
    content, _type, _name = export(user, "jsonl", "collaboration_claim")
    rows = [json.loads(line) for line in content.decode().splitlines() if line]
    confirmation = [row.get("confirmation") for row in rows]
    return {
        "claims_total": len(rows),
        "claims_confirmed": confirmation.count("confirmed"),
        "claims_disputed": confirmation.count("disputed"),
    }


def cli_body(user: Any) -> dict:
    out = io.StringIO()
    arguments = ["--format", "json"] + (["--user", user.username] if user else [])
    call_command("figures", *arguments, stdout=out)
    return json.loads(out.getvalue())


def viewers_with_restricted_records() -> dict[str, Any]:
    """The four viewers, after giving one center restricted records the others may not see: a
    claim its partner confirmed, a disputed one, and an event with 40 participants."""
    centers = list(visible_centers(None).order_by("key")[:2])
    owner, other = centers[0], centers[1]
    make_claim(
        claimant=owner, partner=other, sensitivity=Sensitivity.RESTRICTED, confirmation="confirmed"
    )
    make_claim(
        claimant=owner, partner=other, sensitivity=Sensitivity.RESTRICTED, confirmation="disputed"
    )
    make_event(
        host=owner,
        sensitivity=Sensitivity.RESTRICTED,
        start=dt.date(2014, 3, 1),
        end=dt.date(2014, 3, 5),
        participants=40,
    )
    bump_data_version()
    return {
        "visitor": None,
        "contributor_restricted": make_user(institution=owner),
        "contributor_other": make_user(institution=other),
        "steward": make_steward(),
    }


def check_every_figure_agrees(viewers: dict[str, Any]) -> dict[str, dict]:
    """Pages, API, CLI and export agree for each viewer; returns the API's values per viewer."""
    seen: dict[str, dict] = {}
    for role, user in viewers.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        response = client.get("/api/figures")
        assert response.status_code == 200
        api = {figure["id"]: figure for figure in response.json()["figures"]}
        assert list(api) == [d.id for d in CATALOGUE], role
        assert all(f["definition"].startswith("docs/figures.md#") for f in api.values())
        shown = page_figures(client)
        assert set(shown) == set(api), f"{role}: figures not shown on any page"
        wrong = {
            figure: (shown[figure], api_values(api[figure]))
            for figure in api
            if shown[figure] != api_values(api[figure])
        }
        assert wrong == {}, f"{role}: page ≠ API"
        assert cli_body(user) == response.json(), f"{role}: CLI ≠ API"
        exported = export_counts(user)
        assert {k: api[k]["value"] for k in exported} == exported, f"{role}: export ≠ API"
        seen[role] = {figure: body["value"] for figure, body in api.items()}
    return seen


def check_restricted_records_count_only_for_who_may_see_them(seen: dict[str, dict]) -> None:
    visitor, owner = seen["visitor"], seen["contributor_restricted"]
    assert seen["contributor_other"]["claims_total"] == visitor["claims_total"]
    assert owner["claims_total"] == visitor["claims_total"] + 2
    assert owner["claims_confirmed"] == visitor["claims_confirmed"] + 1
    assert owner["claims_disputed"] == visitor["claims_disputed"] + 1
    assert seen["steward"]["claims_total"] == owner["claims_total"]
    assert owner["people_trained"] >= visitor["people_trained"]


def test_figures_agree_everywhere_on_the_brief(brief_world):
    seen = check_every_figure_agrees(viewers_with_restricted_records())
    check_restricted_records_count_only_for_who_may_see_them(seen)
    # The brief's own figures (issue 15, found 1): seven centers in six countries.
    assert seen["visitor"]["centers"] == 7
    assert seen["visitor"]["countries_with_center"] == 6


def test_figures_agree_everywhere_on_a_synthetic_world(brief_world):
    """The synthetic demo set (it needs the brief's vocabularies, so it comes on top of it):
    double reports, aggregate claims, one-sided and unresolved claims, gaps in many cells."""
    from nscap.analytics.synthetic import load_synthetic

    load_synthetic(events=80, seed=15)
    seen = check_every_figure_agrees(viewers_with_restricted_records())
    check_restricted_records_count_only_for_who_may_see_them(seen)
    assert seen["visitor"]["people_trained"] > 0


def test_api_figures_refuses_parameters(client):
    response = client.get("/api/figures", {"user": "steward"})
    assert response.status_code == 400
    assert "user" in response.content.decode()


def test_cli_names_an_unknown_user():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="nobody"):
        call_command("figures", "--user", "nobody")


@pytest.fixture
def brief_world(db):
    from nscap.brief.loader import load_brief

    return load_brief()


def test_no_claim_is_counted_twice_or_lost(brief_world):
    """The answer tally partitions the claims: every one is two-sided or one-sided."""
    from nscap.collaboration.selectors import BACKED, answer_tally, read_claim_rows

    readings = list(read_claim_rows(CollaborationClaim.objects.all()).values())
    tally = answer_tally(readings)
    backed = sum(1 for r in readings if r.answer in BACKED)
    assert tally["total"] == len(readings) == backed + tally["one_sided"]
    assert tally["related_back"] + tally["disputed"] <= tally["one_sided"]


def summary_counts(html: str) -> tuple[int, int]:
    found = re.search(r"(\d+) claims, (\d+) of them one-sided", html)
    assert found, "no claim summary on the page"
    return int(found[1]), int(found[2])


def test_a_filtered_table_counts_one_sided_claims_as_the_catalogue_does(brief_world, client):
    """The filtered Table 3 once counted a claim the partner confirmed as one-sided (it asked
    "is there a claim back?", the catalogue asks "does the partner itself answer?")."""
    # Confirmed by a new partner, who makes no claim back.
    make_claim(claimant=visible_centers(None).first(), confirmation="confirmed")
    bump_data_version()
    url = reverse("collaboration:index")
    every_claimant_is_a_center = client.get(url, {"center": "on"}).content.decode()
    api = {f["id"]: f["value"] for f in client.get("/api/figures").json()["figures"]}
    assert api["claims_confirmed"] > 0
    assert summary_counts(every_claimant_is_a_center) == (
        api["claims_total"],
        api["claims_one_sided"],
    )


def test_cli_text_lists_every_figure_with_its_unit(brief_world):
    out = io.StringIO()
    call_command("figures", stdout=out)
    lines = [line.split("\t") for line in out.getvalue().splitlines()]
    assert [line[0] for line in lines] == [d.id for d in CATALOGUE]
    assert ["centers", "7", "institutions", "centers"] in lines
    assert ["countries_with_center", "6", "countries", "countries with a center"] in lines
