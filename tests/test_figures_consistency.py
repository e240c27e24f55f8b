"""Issue 15: every catalogue figure shows the same value on the pages, in ``GET /api/figures``,
in ``nscap figures`` and, where an export can answer it, in the export.

The achievement and overlap figures are also checked against their own reports (the
achievements API and ``nscap analyse achievements``, the overlaps API), and each gap row's
coverage, measured or indicative, against the gaps API and ``nscap analyse gaps``.

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
from nscap.analytics.figures import ACHIEVEMENT_FIGURES, CATALOGUE
from nscap.collaboration.models import CollaborationClaim
from nscap.core.choices import Sensitivity
from nscap.core.selectors import visible_centers
from nscap.interchange.exporter import export
from nscap.testing.factories import make_claim, make_event
from nscap.testing.roles import make_steward, make_user
from nscap.vocabularies.models import TargetGroup, Topic

pytestmark = pytest.mark.django_db

PAGES = (
    "core:home",
    "collaboration:index",
    "collaboration:graph",
    "collaboration:depth",
    "analytics:index",
    "analytics:gaps",
    "analytics:achievements",
    "activities:overlaps",
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
    hidden = make_event(
        host=owner,
        sensitivity=Sensitivity.RESTRICTED,
        start=dt.date(2014, 3, 1),
        end=dt.date(2014, 3, 5),
        participants=40,
        country="JP",
    )
    # A public run of the same topic for the same people nearby, by the other center: an
    # overlap group only for who may see the hidden one.
    shown = make_event(host=other, start=dt.date(2014, 5, 1), participants=25, country="JP")
    topic, group = (
        Topic.objects.get(key="physical-protection"),
        TargetGroup.objects.get(key="operators"),
    )
    for event in (hidden, shown):
        event.topics.set([topic])
        event.target_groups.set([group])
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
        check_reports_agree_with_the_catalogue(client, user, api, role)
        gaps = client.get("/api/analytics/gaps").json()["rows"]
        table = coverage_cells(client.get(reverse("analytics:gaps")).content.decode())
        assert table == coverage_rows(gaps[: len(table)]), f"{role}: coverage page ≠ API"
        assert len(table) == min(len(gaps), 100)
        seen[role] = {figure: body["value"] for figure, body in api.items()}
    return seen


def check_reports_agree_with_the_catalogue(
    client: Client, user: Any, api: dict[str, dict], role: str
) -> None:
    """The existing reports carry the same achievement and overlap figures: the achievements
    API and ``nscap analyse achievements`` (the catalogue's figures), the overlaps API (its
    fields, from the one function, at the page's defaults)."""
    wanted = [api[i] for i in ACHIEVEMENT_FIGURES]
    report = client.get("/api/analytics/achievements").json()
    assert report["figures"] == wanted, f"{role}: achievements API ≠ /api/figures"
    out = io.StringIO()
    arguments = ["achievements", "--format", "json"] + (["--user", user.username] if user else [])
    call_command("analyse", *arguments, stdout=out)
    assert json.loads(out.getvalue())["figures"] == wanted, f"{role}: analyse ≠ /api/figures"
    overlaps = client.get("/api/analytics/overlaps").json()
    fields = {
        "overlap_groups": "groups",
        "overlap_offerings": "offerings_in_groups",
        "overlap_providers": "providers_in_groups",
        "overlap_participants": "participants_in_groups",
    }
    assert {f: overlaps[name] for f, name in fields.items()} == {
        f: api[f]["value"] for f in fields
    }, f"{role}: overlaps API ≠ /api/figures"


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
    # The hidden run: an event of its host's achievements, and an overlap group with the
    # other center's public run, for who may see it only.
    visitor, owner = seen["visitor"], seen["contributor_restricted"]
    assert owner["achievement_events"] == visitor["achievement_events"] + 1
    assert owner["achievement_participants"] == visitor["achievement_participants"] + 40
    assert (visitor["overlap_groups"], owner["overlap_groups"]) == (0, 1)
    assert (owner["overlap_offerings"], owner["overlap_providers"]) == (2, 2)
    assert owner["overlap_participants"] == 65
    assert seen["contributor_other"]["overlap_groups"] == 0
    assert seen["steward"]["overlap_groups"] == 1


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


def coverage_cells(html: str) -> list[tuple[str, str]]:
    """The coverage each gap table row shows, in the table's order, with the row's cell id."""
    cells = re.findall(r'data-coverage="([^"]+)">([^<]*)<', html)
    return [(cell, text.strip()) for cell, text in cells]


def coverage_rows(rows: list[dict]) -> list[tuple[str, str]]:
    return [(row["cell"], row["coverage_shown"]) for row in rows]


def test_coverage_of_a_stock_is_indicative_on_the_page_the_api_and_the_cli(brief_world, client):
    """Finding 4: the gap table printed "coverage 0.1%" of WINS's 230,000 as if measured; the
    docs call that comparison indicative only (a stock of professionals, not a yearly need)."""
    html = client.get(reverse("analytics:gaps")).content.decode()
    api = client.get("/api/analytics/gaps").json()
    (wins,) = [r for r in api["rows"] if r["quantity"] == "wins-2013-professionals-worldwide"]
    assert wins["coverage_basis"] == "indicative"
    assert wins["coverage_shown"].startswith("indicative only: ")
    assert coverage_cells(html) == coverage_rows(api["rows"])
    out = io.StringIO()
    call_command("analyse", "gaps", stdout=out)
    lines = out.getvalue().splitlines()
    header = lines[0].split(",")
    cli = [
        (row[header.index("cell")], row[header.index("coverage_shown")])
        for row in (line.split(",") for line in lines[1:])
    ]
    assert cli == coverage_rows(api["rows"])
    # The heatmap does not colour the world by a measured-looking share either.
    from nscap.analytics.gaps import gap_analysis, heatmap_cells

    (cell,) = heatmap_cells(gap_analysis(None)["rows"], "target_group")
    assert cell["coverage"] is None


def test_a_yearly_need_has_a_measured_coverage_with_one_decimal(brief_world, client):
    from nscap.testing.factories import make_needs, make_quantity

    needs = make_needs()  # the world: every person counts, whatever their country
    make_quantity(
        needs_assessment=needs,
        measure="people_needing_training",
        value=3000,
        period_start=dt.date(2016, 1, 1),
        period_end=dt.date(2016, 12, 31),
        key="world-need-2016",
    )
    make_event(
        host=visible_centers(None).get(key="iscn"),
        start=dt.date(2016, 6, 1),
        participants=4,
        country="JP",
    )
    bump_data_version()
    api = client.get("/api/analytics/gaps").json()
    (row,) = [r for r in api["rows"] if r["quantity"] == "world-need-2016"]
    assert row["coverage_basis"] == "measured"
    # 4 of 3,000 is 0.13 %: not "0 %", and not marked indicative.
    shown = dict(coverage_cells(client.get(reverse("analytics:gaps")).content.decode()))
    assert shown[row["cell"]] == row["coverage_shown"]
    assert row["coverage_shown"] == "0.1 %"


def test_achievements_keep_the_qualifiers_and_count_overlapping_claims_once(brief_world, client):
    """Finding 4: SNSTC's two claims for 2012 were added up, people were fractional (166.67)
    and "over" was dropped; ISCN's "more than 1,500 experts" was missing."""
    body = client.get("/api/analytics/achievements").json()
    centers = {c["institution"]: c for c in body["centers"]}
    assert centers["iscn"]["claimed_beyond_logged"] == {"value": 1500, "low": 1500, "high": None}
    assert centers["snstc"]["claimed_beyond_logged"] == {"value": 500, "low": 500, "high": None}
    snstc = {r["year"]: r["claimed"] for r in body["rows"] if r["institution"] == "snstc"}
    assert snstc[2012] == {"value": 166, "low": 166, "high": None}  # over 500 over 3 years
    assert sum(share["value"] for share in snstc.values()) == 500  # the 2012-13 claim adds 0
    (claimed,) = [f for f in body["figures"] if f["id"] == "achievement_claimed_beyond_logged"]
    # ISCN 1,500+, IAEA almost 3,000, Malaysia 80, SNSTC 500+: no upper bound.
    assert (claimed["value"], claimed["low"], claimed["high"]) == (5080, 4930, None)
    html = client.get(reverse("analytics:achievements")).content.decode()
    assert "1,500 (1,500 – no upper bound)" in html
    assert not re.search(r"\d\.\d\d", html.split("<main", 1)[-1].split("<script", 1)[0])


def test_a_filtered_overlaps_page_counts_by_the_same_function_but_not_as_the_catalogue(
    brief_world,
):
    """With another window the page's summary and the API give the same counts (one function,
    ``figures.overlap_values``); only the defaults are marked as the catalogue's figures."""
    viewers = viewers_with_restricted_records()
    client = Client()
    client.force_login(viewers["steward"])
    for window in (0, 3, 6):
        html = client.get(reverse("activities:overlaps"), {"window": window}).content.decode()
        found = re.search(
            r"(\d+) overlap groups, each within \d+ months, holding (\d+) "
            r"offerings by (\d+) providers",
            html,
        )
        api = client.get("/api/analytics/overlaps", {"window": window}).json()
        assert found and tuple(map(int, found.groups())) == (
            api["groups"],
            api["offerings_in_groups"],
            api["providers_in_groups"],
        )
        assert ('data-figure="overlap_groups"' in html) == (window == 6)
    # The two runs two months apart: a group within 3 months, none within the same month.
    assert client.get("/api/analytics/overlaps", {"window": 3}).json()["groups"] == 1
    assert client.get("/api/analytics/overlaps", {"window": 0}).json()["groups"] == 0
