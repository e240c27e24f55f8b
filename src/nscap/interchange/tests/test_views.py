"""Pages, API and CLI: templates download, upload -> dry-run report -> submit, error report,
refusals for visitors and non-members (HTML and JSON), GET /api/export, nscap commands."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from nscap.activities.models import TrainingEvent
from nscap.contributions.models import Changeset
from nscap.testing.factories import make_event
from nscap.testing.roles import PASSWORD

from .conftest import csv_bytes

pytestmark = pytest.mark.django_db

ROWS = [["key", "host", "title"], ["ev-web", "INSA", "Web upload"]]


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_templates_download(client, world):
    from openpyxl import load_workbook

    response = client.get("/data/templates/xlsx/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "fields"
    assert "training_event" in book.sheetnames
    header = [c.value for c in book["training_event"][1]]
    assert header[:3] == ["key", "sensitivity", "note"] and "partners" in header
    texts = " ".join(str(c.value) for row in book["fields"].iter_rows() for c in row if c.value)
    assert "co_organiser" in texts and "Kind of institution." in texts
    assert "提供该课程的机构。" in texts and "Kind of course." in texts  # English and Chinese
    response = client.get("/data/templates/csv/")
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "fields.csv" in names and "training_event.csv" in names
    assert client.get("/data/templates/pdf/").status_code == 404


def test_template_imports_cleanly_when_empty(world):
    from nscap.interchange.importer import run_import
    from nscap.interchange.template_files import template_xlsx

    result = run_import(world.steward, "template.xlsx", template_xlsx())
    assert result.plan.ok and result.changeset is None


def test_upload_check_then_submit(client, world):
    _login(client, world.contributor)
    assert client.get("/data/import/").status_code == 200
    upload = SimpleUploadedFile("training_event.csv", csv_bytes(ROWS), "text/csv")
    response = client.post("/data/import/", {"file": upload})
    assert response.status_code == 200
    assert b"ev-web" in response.content and Changeset.objects.count() == 0
    token = response.context["token"]
    response = client.post(f"/data/import/{token}/submit/", {"comment": "from the web"})
    changeset = Changeset.objects.get()
    assert response.status_code == 302 and str(changeset.pk) in response["Location"]
    assert changeset.origin == "import" and changeset.comment == "from the web"
    assert client.post(f"/data/import/{token}/submit/").status_code == 404  # used up


def test_upload_with_errors_shows_them_and_offers_a_report(client, world):
    _login(client, world.contributor)
    bad = [["key", "host", "title", "start"], ["ev-1", "NSSC", "T", "2014-13"]]
    upload = SimpleUploadedFile("training_event.csv", csv_bytes(bad), "text/csv")
    response = client.post("/data/import/", {"file": upload})
    assert response.status_code == 422
    assert b"not a real date" in response.content and b"import-submit" not in response.content
    token = response.context["token"]
    report = client.get(f"/data/import/{token}/errors.csv")
    lines = report.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "sheet,row,column,cell,value,message" and len(lines) == 2
    assert Changeset.objects.count() == 0


def test_unreadable_upload_is_a_clear_400(client, world):
    _login(client, world.contributor)
    upload = SimpleUploadedFile("training_event.csv", "key,title\nx,Café\n".encode("cp1252"))
    response = client.post("/data/import/", {"file": upload})
    assert response.status_code == 400 and b"encoding" in response.content


def test_import_refusals(client, world):
    response = client.get("/data/import/")
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    _login(client, world.outsider)
    assert client.get("/data/import/").status_code == 403
    response = client.get("/data/import/", HTTP_ACCEPT="application/json")
    assert response.status_code == 403 and "members" in response.json()["detail"]
    upload = SimpleUploadedFile("training_event.csv", csv_bytes(ROWS))
    assert client.post("/data/import/", {"file": upload}).status_code == 403
    assert Changeset.objects.count() == 0


def test_someone_elses_upload_token_is_404(client, world, django_user_model):
    _login(client, world.contributor)
    upload = SimpleUploadedFile("training_event.csv", csv_bytes(ROWS))
    token = client.post("/data/import/", {"file": upload}).context["token"]
    from django.test import Client

    other = _login(Client(), world.steward)
    assert other.post(f"/data/import/{token}/submit/").status_code == 404
    assert other.get(f"/data/import/{token}/errors.csv").status_code == 404


def test_export_page_and_api(client, world):
    make_event(key="ev-public", host=world.insa, title="Public")
    make_event(key="ev-secret", host=world.iscn, title="zq secret", sensitivity="restricted")
    response = client.get("/data/export?format=jsonl&type=training_event")
    assert response.status_code == 200
    keys = [json.loads(line)["key"] for line in response.content.decode().splitlines()]
    assert keys == ["ev-public"]
    assert client.get("/data/export?format=pdf").status_code == 400
    response = client.get("/api/export?format=csv&type=training_event")
    assert response.status_code == 200 and b"ev-public" in response.content
    assert b"zq secret" not in response.content
    assert client.get("/api/export?format=pdf").status_code in (400, 422)
    assert client.get("/api/export?format=csv&colour=red").status_code == 400
    _login(client, world.steward)
    assert b"zq secret" in client.get("/api/export?format=jsonld").content


def test_cli_template_import_export(tmp_path, world, capsys):
    template = tmp_path / "t.xlsx"
    call_command("template", "--format", "xlsx", "-o", str(template))
    assert template.stat().st_size > 1000
    data = tmp_path / "training_event.csv"
    data.write_bytes(csv_bytes(ROWS))
    call_command(
        "import", str(data), "--user", world.steward.username, "--dry-run", "--no-progress"
    )
    assert "1 new" in capsys.readouterr().out and not TrainingEvent.objects.exists()
    call_command("import", str(data), "--user", world.steward.username, "--no-progress")
    assert TrainingEvent.objects.filter(key="ev-web").exists()
    call_command("import", str(data), "--user", world.steward.username, "--no-progress")
    assert "Nothing to import" in capsys.readouterr().out
    bad = tmp_path / "bad_training_event.csv"
    bad.write_bytes(
        csv_bytes([["key", "host", "title", "start"], ["ev-x", "Nowhere", "T", "2014-13"]])
    )
    errors = tmp_path / "errors.csv"
    with pytest.raises(CommandError, match="1 error"):
        call_command(
            "import",
            str(bad),
            "--user",
            world.steward.username,
            "--errors",
            str(errors),
            "--no-progress",
        )
    assert "2014-13" in errors.read_text("utf-8-sig")
    with pytest.raises(CommandError, match="may import"):
        call_command("import", str(data), "--user", world.outsider.username, "--no-progress")
    out = tmp_path / "export.jsonl"
    call_command("export", "--format", "jsonl", "--type", "training_event", "-o", str(out))
    assert "ev-web" in out.read_text()
    with pytest.raises(CommandError, match="No user"):
        call_command("export", "--user", "nobody")
