"""Pages, the API and ``nscap analyse`` give the same figures; bad parameters are 400s by name."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from nscap.analytics.tests.helpers import claim, event, need
from nscap.testing.factories import make_institution, make_target_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    host = make_institution(key="iscn", name="ISCN", country="JP")
    customs = make_target_group(key="customs", name="Customs")
    event(host, 2014, 30, {"JP": 20, "KR": 4}, groups=(customs,), key="ev-1", title="RTC on PP")
    event(host, 2014, 30, {"JP": 20}, key="ev-2", title="Second run")
    event(host, 2014, 500, {"JP": 500}, sensitivity="restricted", key="ev-secret")
    need(100, 2014, country="JP", group=customs, key="jp-customs")
    need(1000, 2014, region="World", key="world")
    claim(host, 200, 2014, 2014)
    return host


def _cli(*args) -> str:
    out = io.StringIO()
    call_command("analyse", *args, stdout=out)
    return out.getvalue()


def test_api_and_cli_json_agree_and_hide_restricted_events(client, data):
    api = client.get("/api/analytics/gaps").json()
    cli = json.loads(_cli("gaps", "--format", "json"))
    assert api == cli
    jp = next(r for r in api["rows"] if r["scope_key"] == "JP")
    assert jp["supply"]["value"] == 20  # the customs course only; the secret one is unseen
    world = next(r for r in api["rows"] if r["scope_key"] == "world")
    # 60 logged (24 + 6 unattributed, 30 unattributed) and the claim's 200 − 60 beyond them.
    assert world["supply"]["value"] == 60 + 140
    assert api["totals"]["events"] == 2


def test_cli_csv_has_the_api_figures(client, data):
    api = client.get("/api/analytics/gaps?year=2014&country=JP").json()
    rows = list(csv.DictReader(io.StringIO(_cli("gaps", "--year", "2014", "--country", "jp"))))
    assert [(r["cell"], float(r["supply"]), float(r["gap"])) for r in rows] == [
        (r["cell"], r["supply"]["value"], r["gap"]["value"]) for r in api["rows"]
    ]
    assert rows[0]["cell"] == "JP.customs._.2014"


def test_page_shows_the_same_figures_and_drills_down(client, data):
    page = client.get("/analytics/gaps/?year=2014&axis=target_group")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="chart-gap-heatmap"' in text
    assert "/analytics/gaps/JP.customs.all.2014/" in text  # the heatmap cell's link
    cell = client.get("/analytics/gaps/JP.customs.all.2014/")
    assert cell.status_code == 200
    body = cell.content.decode()
    assert "RTC on PP" in body and "Second run" not in body and "ev-secret" not in body
    assert cell.context["detail"]["rows"][0]["supply"]["value"] == 20
    api = client.get("/api/analytics/gaps?year=2014").json()
    page_rows = {r["cell"]: r["gap"] for r in page.context["report"]["rows"]}
    assert page_rows == {r["cell"]: r["gap"] for r in api["rows"]}


def test_achievements_api_cli_and_page_agree(client, data):
    api = client.get("/api/analytics/achievements").json()
    assert api == json.loads(_cli("achievements", "--format", "json"))
    assert api["rows"][0]["participants"] == 60
    page = client.get("/analytics/achievements/?institution=iscn")
    assert page.status_code == 200
    assert page.context["report"]["rows"] == api["rows"]
    assert client.get("/analytics/").status_code == 200


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("year=soon", "year"),
        ("country=Japan", "country"),
        ("region=Atlantis", "region"),
        ("colour=red", "colour"),
    ],
)
def test_bad_gap_parameters_are_400_naming_the_parameter(client, data, query, parameter):
    api = client.get(f"/api/analytics/gaps?{query}")
    assert api.status_code == 400
    assert api.json()["parameter"] == parameter
    page = client.get(f"/analytics/gaps/?{query}")
    assert page.status_code == 400
    assert parameter in page.content.decode()


def test_bad_achievement_parameters_and_cells(client, data):
    assert client.get("/api/analytics/achievements?year=0").json()["parameter"] == "year"
    assert client.get("/analytics/achievements/?year=x").status_code == 400
    assert client.get("/analytics/gaps/JP.customs/").status_code == 400
    assert client.get("/analytics/gaps/FR.all.all.2014/").status_code == 404


def test_achievements_center_is_typed_by_name_and_an_unknown_one_is_400(client, data):
    api = client.get("/api/analytics/achievements").json()
    page = client.get("/analytics/achievements/?institution=ISCN")
    assert page.status_code == 200
    assert page.context["report"]["rows"] == api["rows"]
    unknown = client.get("/analytics/achievements/?institution=Atlantis+Institute")
    assert unknown.status_code == 400
    assert "No center you can see is called “Atlantis Institute”" in unknown.content.decode()


def test_cli_refuses_bad_options():
    with pytest.raises(CommandError, match="--region"):
        _cli("gaps", "--region", "Atlantis")
    with pytest.raises(CommandError, match="--country"):
        _cli("gaps", "--country", "JPN")
    with pytest.raises(CommandError, match="No active user"):
        _cli("gaps", "--user", "ghost")


def test_wins_headline_drill_down_cites_the_brief(client):
    from nscap.brief.loader import load_brief

    load_brief()
    page = client.get("/analytics/gaps/")
    assert "/analytics/gaps/world._._.2013/" in page.content.decode()
    cell = client.get("/analytics/gaps/world._._.2013/")
    assert cell.status_code == 200
    body = cell.content.decode()
    assert "footnote 3" in body
    assert "capacity to train and educate just over half" in body
    assert "<td>230,000</td>" in body and "<td>50 % (50 % – 52.5 %)</td>" in body
