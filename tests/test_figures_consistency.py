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
from nscap.institutions.visible import visible_centers
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
    if match := re.fullmatch(r"(-?\d+\.\d\d)", text):  # a depth, two places
        return {"value": float(match[1])}
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


# --- Collaboration: claim states and the depth on each side (issue 15, build 3) -----------------
# Per claim (its state, the depth each side states), per pair and per institution (depths,
# exaggeration gap, reciprocity): the Table 3 page, the institution pages, the depth and graph
# pages, the API, ``nscap collaboration`` and (for what it stores) the export agree.

CLAIM_MARK = re.compile(
    r'data-claim-state="(?P<state>[^"]+)">(?P<label>[^<]+)</span>.*?'
    r'data-depth-sides="(?P<claimed>\d+) (?P<partner>\d+) (?P<confirmed>\d+)"',
    re.DOTALL,
)
DEPTH_COLUMNS = {
    "Claimed depth": "claimed",
    "Depth the partners state": "partner_depth",
    "Confirmed depth": "confirmed",
    "Exaggeration gap": "gap",
    "Reciprocity": "reciprocity_rate",
}
EDGE_COLUMNS = {
    "Claimed depth": "claimed",
    "Depth the partner states": "partner_depth",
    "Confirmed depth": "confirmed",
    "State": "state_label",
}


class ChartTableParser(HTMLParser):
    """The header and the rows of the data table of the chart named ``name``."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name, self.inside, self.cell = name, False, None
        self.header: list[str] = []
        self.rows: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "figure":
            self.inside = dict(attrs).get("data-name") == self.name
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(self.cell.strip())
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell += data


def chart_table(html: str, name: str, columns: dict[str, str]) -> dict[tuple, dict]:
    """The chart's table rows, keyed by their first one or two cells, the wanted columns."""
    parser = ChartTableParser(name)
    parser.feed(html)
    header, *rows = [row for row in parser.rows if row]
    table = {}
    for row in rows:
        cells = dict(zip(header, row, strict=True))
        key = (row[0], row[1]) if name == "collaboration-graph" else (row[0],)
        table[key] = {field: cells[title] for title, field in columns.items()}
    return table


def shown_number(text: str) -> float | None:
    """ "2.0", "1.33", "100%", "" (not defined) as the pages print a depth or a rate."""
    text = text.strip().removesuffix("%")
    return None if text in ("", "—", "None") else float(text)


def claim_marks(html: str) -> dict[str, dict]:
    """Every claim on a page (``<li id="<key>">``): its state, its words and its depths."""
    marks = {}
    for chunk in html.split('<li id="')[1:]:
        key, body = chunk.split('"', 1)
        body = body[: body.index("</li>")]
        if found := CLAIM_MARK.search(body):
            marks[key] = {
                "state": found["state"],
                "label": found["label"],
                "sides": (int(found["claimed"]), int(found["partner"]), int(found["confirmed"])),
            }
    return marks


def table_three_marks(client: Client) -> dict[str, dict]:
    """The claim marks of every page of Table 3."""
    marks: dict[str, dict] = {}
    number = 1
    while True:
        html = client.get(reverse("collaboration:index"), {"page": number}).content.decode()
        marks.update(claim_marks(html))
        if 'rel="next"' not in html:
            return marks
        number += 1


def cli_json(*arguments: str, user: Any = None) -> Any:
    out = io.StringIO()
    extra = ["--user", user.username] if user else []
    call_command("collaboration", *arguments, "--format", "json", *extra, stdout=out)
    return json.loads(out.getvalue())


def api_claim_states(client: Client) -> dict[str, dict]:
    """Every claim the viewer may see, from the API: its state and stored confirmation."""
    found, url = {}, "/api/collaboration-claims?limit=500"
    while url:
        body = client.get(url).json()
        found.update({item["key"]: item for item in body["items"]})
        url = body["next"]
    return found


def check_collaboration_agrees(viewers: dict[str, Any], institution_pages: int = 6) -> dict:
    """Claim states, pair and institution depths agree on pages, API, CLI and export; returns
    the API's claim states per viewer."""
    from nscap.collaboration.choices import state_label

    seen = {}
    for role, user in viewers.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        # Claims: API state == CLI state == Table 3 mark (words from the one label function),
        # and the depth on each side printed on the page == the CLI's.
        api = api_claim_states(client)
        cli = {row["claim"]: row for row in cli_json("claims", user=user)}
        assert set(cli) == set(api), role
        marks = table_three_marks(client)
        assert set(marks) == set(api), f"{role}: a claim without its state on Table 3"
        for key, item in api.items():
            mark = marks[key]
            assert mark["state"] == item["answer"] == cli[key]["state"], (role, key)
            assert mark["label"] == state_label(item["answer"]) == cli[key]["state_label"]
            sides = (cli[key]["claimed"], cli[key]["partner_depth"], cli[key]["confirmed"])
            assert mark["sides"] == sides, (role, key)
            assert sides[2] == min(sides[0], sides[1]), (role, key)  # the lesser side
            # The stored confirmation never contradicts the state (it did: "confirmed" beside
            # "named back, other kind").
            if item["confirmation"] != "claimed":
                assert item["answer"] == item["confirmation"], (role, key)
        content, _type, _name = export(user, "jsonl", "collaboration_claim")
        exported = [json.loads(line) for line in content.decode().splitlines() if line]
        assert {row["key"]: row["confirmation"] for row in exported} == {
            key: item["confirmation"] for key, item in api.items()
        }, f"{role}: export ≠ API"

        # Institutions: depth page table == API == CLI == each institution's own page.
        body = client.get("/api/analytics/collaboration").json()
        assert cli_json("institutions", user=user) == body, f"{role}: CLI ≠ API"
        depth_html = client.get(reverse("collaboration:depth"), {"page": 1}).content.decode()
        table = chart_table(depth_html, "collaboration-depth", DEPTH_COLUMNS)
        rows = {row["institution"]["key"]: row for row in body["institutions"]}
        for row in body["institutions"][:100]:  # the depth page's first page
            shown = {k: shown_number(v) for k, v in table[(row["institution"]["name"],)].items()}
            assert shown == {field: row[field] for field in DEPTH_COLUMNS.values()}, (role, row)
        linked = [key for key, row in rows.items() if row["partners"]][:institution_pages]
        for key in linked:
            html = client.get(reverse("institutions:detail", args=[key])).content.decode()
            for field in ("partners", *DEPTH_COLUMNS.values()):
                found = re.search(rf'data-collaboration="{field}">([^<]*)<', html)
                assert found, (role, key, field)
                assert shown_number(found[1]) == rows[key][field], (role, key, field)
            page_marks = claim_marks(html)
            assert page_marks, (role, key)
            for claim_key, mark in page_marks.items():
                assert mark == marks[claim_key], (role, key, claim_key)  # same as Table 3

        # Pairs: the graph page's edge table == API edges == CLI edges.
        edges = client.get("/api/analytics/collaboration/edges").json()
        assert cli_json("edges", user=user) == edges, f"{role}: CLI ≠ API"
        graph_html = client.get(reverse("collaboration:graph")).content.decode()
        edge_table = chart_table(graph_html, "collaboration-graph", EDGE_COLUMNS)
        for edge in edges:
            names = (edge["claimant"]["name"], edge["partner"]["name"])
            if names not in edge_table:  # not a link (disputed or planned only): not drawn
                assert edge["state"] == "disputed" or not edge["claimed"], (role, edge)
                continue
            shown = edge_table[names]
            assert shown["state_label"] == state_label(edge["state"]), (role, edge)
            assert [int(shown[f]) for f in ("claimed", "partner_depth", "confirmed")] == [
                edge[f] for f in ("claimed", "partner_depth", "confirmed")
            ] or not edge["claimed"], (role, edge)  # a planned-only pair shows no claimed depth
            assert edge["confirmed"] <= min(edge["claimed"] or edge["planned"], 5)
        seen[role] = api
    return seen


def add_disputed_claim() -> CollaborationClaim:
    """A public claim the partner disputed, between two centers: CSCA (Indonesia) says it ran a
    joint trial with INSA (South Korea); INSA disputed it."""
    from nscap.institutions.models import Institution

    claim = make_claim(
        claimant=Institution.objects.get(key="csca"),
        partner=Institution.objects.get(key="insa"),
        type="joint_trial",
        status="done",
        confirmation="disputed",
        key="csca-insa-disputed-trial",
    )
    bump_data_version()
    return claim


def test_claim_states_and_depths_agree_everywhere_on_the_brief(brief_world):
    add_disputed_claim()
    seen = check_collaboration_agrees(viewers_with_restricted_records())
    visitor = seen["visitor"]
    # Found 2: ISCN's personnel exchange with INSA was "confirmed" in the API and "named back,
    # other kind" on the page; INSA names ISCN only in the Asian network.
    exchange = visitor["iscn-insa-personnel-exchange"]
    assert (exchange["confirmation"], exchange["answer"], exchange["two_sided"]) == (
        "claimed",
        "named_back",
        True,
    )
    assert visitor["csca-insa-disputed-trial"]["answer"] == "disputed"
    # The restricted claims show their states to whoever may see them, to nobody else.
    owner = seen["contributor_restricted"]
    restricted = {k: v["answer"] for k, v in owner.items() if k not in visitor}
    assert sorted(restricted.values()) == ["confirmed", "disputed"]
    assert not set(restricted) & set(seen["contributor_other"])


def test_a_disputed_claim_is_disputed_on_every_page_the_api_the_cli_and_the_export(
    brief_world, client
):
    """Found 2: a claim the partner disputed showed as "named back, other kind"."""
    from nscap.institutions.models import Institution

    claim = add_disputed_claim()
    # INSA also names CSCA back (another kind): before, a claim back hid the dispute.
    make_claim(
        claimant=Institution.objects.get(key="insa"),
        partner=claim.claimant,
        type="network_membership",
        key="insa-csca-network",
    )
    bump_data_version()
    words = "disputed by the partner"
    for url in (
        reverse("collaboration:index"),
        reverse("institutions:detail", args=["csca"]),
        reverse("institutions:detail", args=["insa"]),
    ):
        mark = claim_marks(client.get(url).content.decode())[claim.key]
        assert (mark["state"], mark["label"]) == ("disputed", words), url
        assert mark["sides"] == (4, 0, 0), url  # INSA states nothing of a trial
    edges = client.get("/api/analytics/collaboration/edges").json()
    edge = next(e for e in edges if e["claimant"]["key"] == "csca")
    judged = {c["key"]: c for c in edge["claims"]}[claim.key]
    assert (judged["evidence"], judged["partner_depth"], judged["confirmed_depth"]) == (
        "disputed",
        0,
        0,
    )
    graph = client.get(reverse("collaboration:graph")).content.decode()
    row = chart_table(graph, "collaboration-graph", EDGE_COLUMNS)[
        (claim.claimant.name, claim.partner.name)
    ]
    assert row["state_label"] == words
    # The depth page: CSCA names nobody it is not disputed by (no link, no reciprocity).
    depth = client.get(reverse("collaboration:depth")).content.decode()
    csca = chart_table(depth, "collaboration-depth", DEPTH_COLUMNS)[(claim.claimant.name,)]
    assert (csca["claimed"], csca["reciprocity_rate"]) == ("—", "—")
    item = client.get(f"/api/collaboration-claims/{claim.key}").json()
    assert (item["answer"], item["confirmation"]) == ("disputed", "disputed")
    cli = {row["claim"]: row for row in cli_json("claims")}[claim.key]
    assert (cli["state"], cli["state_label"]) == ("disputed", words)
    content, _type, _name = export(None, "jsonl", "collaboration_claim")
    exported = {row["key"]: row for row in map(json.loads, content.decode().splitlines())}
    assert exported[claim.key]["confirmation"] == "disputed"
    api = {f["id"]: f["value"] for f in client.get("/api/figures").json()["figures"]}
    assert api["claims_disputed"] == 1


def test_depth_figures_on_the_brief_follow_the_lesser_side(brief_world, client):
    """Found 3: every institution showed reciprocity 100% and gap 0.0; Vietnam's MOUs counted
    as confirmed depth 5; ISCN's personnel exchange as confirmed 3 while INSA states 1."""
    body = client.get("/api/analytics/collaboration").json()
    rows = {row["institution"]["key"]: row for row in body["institutions"]}
    # Before: ISCN confirmed 2.0, gap 0.0 (its exchange counted at depth 3); 10 confirmed.
    assert [rows["iscn"][f] for f in ("claimed", "confirmed", "gap")] == [2.0, 1.0, 1.0]
    figures = {f["id"]: f["value"] for f in client.get("/api/figures").json()["figures"]}
    assert figures["claims_confirmed"] == 8
    pick = ("claimed", "partner_depth", "confirmed", "gap", "reciprocity_rate")
    assert [rows["nssc-vietnam"][f] for f in pick] == [5.0, 0.0, 0.0, 5.0, 0]
    assert [rows["iscn"][f] for f in pick] == [2.0, 1.0, 1.0, 1.0, 100]
    api = {f["id"]: f["value"] for f in client.get("/api/figures").json()["figures"]}
    assert (api["depth_claimed"], api["depth_confirmed"], api["exaggeration_gap"]) == (
        2.25,
        0.75,
        1.5,
    )
    assert (api["claims_confirmed"], api["claims_two_sided"], api["reciprocity_rate"]) == (
        8,
        2,
        75,
    )


def test_claim_states_and_depths_agree_on_a_synthetic_world(brief_world):
    from nscap.analytics.synthetic import load_synthetic

    load_synthetic(events=80, seed=15)
    add_disputed_claim()
    seen = check_collaboration_agrees(viewers_with_restricted_records(), institution_pages=4)
    states = {item["answer"] for item in seen["steward"].values()}
    assert {"confirmed", "disputed", "one_sided"} <= states
