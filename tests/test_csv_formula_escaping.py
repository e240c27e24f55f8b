"""Every CSV the product produces is written by the one writer and formula-escaped (issue 12,
finding 10: the charts' "Download data (CSV)" links let ``=HYPERLINK(...)`` through).

Two guards: no module but ``nscap.core.csv_files`` writes CSV with the ``csv`` module (so no
writer can forget the escape), and each way a CSV leaves the product (chart downloads, the
web and API exports, the import error report, ``nscap analyse``) escapes an institution
named ``=HYPERLINK("http://x")``.
"""

from __future__ import annotations

import ast
import csv
import html
import io
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

import nscap
from nscap.accounts.models import Affiliation
from nscap.analytics.tests.helpers import event
from nscap.core.csv_files import FORMULA_STARTS
from nscap.core.visibility import STEWARDS_GROUP
from nscap.testing.factories import make_institution

PACKAGE = Path(nscap.__file__).resolve().parent
THE_WRITER = PACKAGE / "core" / "csv_files.py"
WRITERS = {"writer", "DictWriter"}
PAYLOAD = '=HYPERLINK("http://x")'
ESCAPED = "'" + PAYLOAD


# --- the one writer ------------------------------------------------------------------------------


def csv_writers_in(source: str) -> list[int]:
    """Lines of ``source`` that make a ``csv`` writer (``csv.writer``, ``csv.DictWriter``, an
    aliased ``import csv as c``, or ``from csv import writer``)."""
    tree = ast.parse(source)
    aliases = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name == "csv"
    }
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "csv":
            if any(alias.name in WRITERS for alias in node.names):
                lines.append(node.lineno)
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in WRITERS
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
        ):
            lines.append(node.lineno)
    return lines


def test_no_module_but_the_one_writer_writes_csv():
    """Product code writes CSV only through ``nscap.core.csv_files`` (tests may build raw input
    files, formulas included, to feed the import)."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == THE_WRITER or "tests" in path.relative_to(PACKAGE).parts:
            continue
        for line in csv_writers_in(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(PACKAGE.parent)}:{line}")
    assert not offenders, (
        "Write CSV with nscap.core.csv_files.csv_text/csv_bytes (it escapes formulas), "
        f"not with the csv module: {offenders}"
    )
    assert csv_writers_in(THE_WRITER.read_text(encoding="utf-8"))  # the scan does see a writer


@pytest.mark.parametrize(
    "source",
    [
        "import csv\ncsv.writer(out)",
        "import csv as c\nc.DictWriter(out, fieldnames=[])",
        "from csv import writer\nwriter(out)",
        "from csv import DictWriter as W\n",
    ],
)
def test_the_scan_finds_every_spelling(source):
    assert csv_writers_in(source)


def test_the_scan_leaves_readers_alone():
    assert not csv_writers_in("import csv\ncsv.reader(text)\ncsv.DictReader(text)")


# --- every CSV that leaves the product -----------------------------------------------------------


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def assert_escaped(text: str) -> None:
    """The payload is there, escaped, and no cell would run as a formula; a cell that starts
    with ``-`` is a number."""
    rows = cells(text)
    flat = [cell for row in rows for cell in row]
    assert ESCAPED in flat, flat
    for cell in flat:
        if cell[:1] == "-":
            float(cell)
        else:
            assert cell[:1] not in FORMULA_STARTS, cell


@pytest.fixture
def world(db, django_user_model):
    evil = make_institution(key="evil", name=PAYLOAD, country="JP")
    event(evil, 2014, 30, {"JP": 20}, key="ev-evil", title="=1+1")
    steward = django_user_model.objects.create_user("csv-steward", password="x-long-password-1")
    steward.groups.add(Group.objects.get_or_create(name=STEWARDS_GROUP)[0])
    member = django_user_model.objects.create_user("csv-member", password="x-long-password-1")
    Affiliation.objects.create(user=member, institution=evil, role="contributor")
    return {"evil": evil, "steward": steward, "member": member}


def chart_downloads(content: bytes) -> list[str]:
    links = re.findall(r'href="(data:text/csv[^"]*)"', content.decode())
    return [unquote(html.unescape(link).split(",", 1)[1]) for link in links]


@pytest.mark.django_db
def test_chart_downloads_are_escaped(client, world):
    page = client.get("/analytics/achievements/")
    assert page.status_code == 200
    downloads = chart_downloads(page.content)
    naming = [
        text for text in downloads if any(PAYLOAD in cell for row in cells(text) for cell in row)
    ]
    assert naming, "the achievements chart's data names the center"
    for text in naming:
        assert_escaped(text)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/data/export", "/api/export"])
def test_exports_are_escaped(client, world, url):
    response = client.get(url, {"format": "csv", "type": "institution"})
    assert response.status_code == 200
    assert_escaped(response.content.decode("utf-8"))
    events = client.get(url, {"format": "csv", "type": "training_event"}).content.decode()
    assert "'=1+1" in cells(events)[1]


@pytest.mark.django_db
def test_cli_analyse_csv_is_escaped(world):
    out = io.StringIO()
    call_command("analyse", "achievements", "--format", "csv", stdout=out)
    assert_escaped(out.getvalue())


@pytest.mark.django_db
def test_import_error_report_is_escaped(client, world):
    client.force_login(world["member"])
    quoted = PAYLOAD.replace('"', '""')
    rows = f'key,host,title,start\r\nev-1,evil,T,"{quoted}"\r\n'
    upload = SimpleUploadedFile("training_event.csv", rows.encode(), "text/csv")
    response = client.post("/data/import/", {"file": upload})
    assert response.status_code == 422
    report = client.get(f"/data/import/{response.context['token']}/errors.csv")
    assert report.status_code == 200
    assert_escaped(report.content.decode("utf-8"))
