"""Uploaded files (issue 12, finding 20): kept only while a checked import waits for its submit,
never past NSCAP_IMPORT_UPLOAD_TTL, and only for the user who uploaded them. Real files in a
temporary data directory, aged with ``os.utime``; the real upload page and ``nscap
purge-uploads``."""

from __future__ import annotations

import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from nscap.contributions.models import Changeset
from nscap.interchange import uploads
from nscap.testing.factories import make_event
from nscap.testing.roles import PASSWORD

from .conftest import csv_bytes

pytestmark = pytest.mark.django_db

ROWS = [["key", "host", "title"], ["ev-up", "INSA", "Upload"]]
TTL = 3600


@pytest.fixture
def imports(settings, tmp_path):
    """The directory uploads go to, empty, under a data directory of this test's own."""
    settings.DATA_DIR = tmp_path
    settings.NSCAP_IMPORT_UPLOAD_TTL = TTL
    return uploads.upload_dir()


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _upload(client: Client, data: bytes, name: str = "training_event.csv", **fields):
    return client.post("/data/import/", {"file": SimpleUploadedFile(name, data), **fields})


def _files(directory) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


def _age(directory, seconds: float) -> None:
    past = time.time() - seconds
    for path in directory.iterdir():
        os.utime(path, (past, past))


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ("key,title\nx,Café\n".encode("cp1252"), 400),  # unreadable
        (csv_bytes([["key", "host", "title", "start"], ["ev-1", "NSSC", "T", "2014-13"]]), 422),
        (csv_bytes([["key", "host", "title"]]), 200),  # nothing to import
    ],
    ids=["unreadable", "errors", "nothing-to-import"],
)
def test_refused_upload_leaves_no_file(imports, world, data, status):
    client = _client(world.contributor)
    response = _upload(client, data)
    assert response.status_code == status
    assert _files(imports) == []
    assert b"import-submit" not in response.content


def test_refused_upload_keeps_its_error_report_but_not_the_file(imports, world):
    client = _client(world.contributor)
    bad = [["key", "host", "title", "start"], ["ev-1", "NSSC", "T", "2014-13"]]
    response = _upload(client, csv_bytes(bad))
    assert response.status_code == 422 and _files(imports) == []
    report = client.get(f"/data/import/{response.context['token']}/errors.csv")
    assert report.status_code == 200 and b"not a real date" in report.content
    other = _client(world.steward)
    assert other.get(f"/data/import/{response.context['token']}/errors.csv").status_code == 404


def test_submitted_upload_leaves_no_file(imports, world):
    client = _client(world.contributor)
    response = _upload(client, csv_bytes(ROWS))
    assert response.status_code == 200 and len(_files(imports)) == 1
    response = client.post(f"/data/import/{response.context['token']}/submit/")
    assert response.status_code == 302 and Changeset.objects.count() == 1
    assert _files(imports) == []


def test_upload_refused_at_submit_leaves_no_file(imports, world):
    client = _client(world.contributor)
    token = _upload(client, csv_bytes(ROWS)).context["token"]
    # The registry moves between check and submit: another institution's restricted event
    # took the key. (An ambiguous name no longer refuses a file: it is queued, issue 14.)
    make_event(key="ev-up", host=world.iscn, sensitivity="restricted")
    response = client.post(f"/data/import/{token}/submit/")
    assert response.status_code == 422 and b"import-submit" not in response.content
    assert _files(imports) == [] and Changeset.objects.count() == 0
    assert client.get(f"/data/import/{token}/errors.csv").status_code == 200


def test_cancelled_upload_leaves_no_file(imports, world):
    client = _client(world.contributor)
    response = _upload(client, csv_bytes(ROWS))
    assert b"import-cancel" in response.content and len(_files(imports)) == 1
    token = response.context["token"]
    assert client.post(f"/data/import/{token}/cancel/").status_code == 302
    assert _files(imports) == []
    assert client.post(f"/data/import/{token}/submit/").status_code == 404
    assert Changeset.objects.count() == 0


def test_dry_run_file_stays_until_it_expires_then_purge_uploads_deletes_it(imports, world, capsys):
    client = _client(world.contributor)
    token = _upload(client, csv_bytes(ROWS)).context["token"]
    call_command("purge_uploads")
    assert len(_files(imports)) == 1 and "Deleted 0" in capsys.readouterr().out
    _age(imports, TTL - 60)
    call_command("purge_uploads")
    assert len(_files(imports)) == 1
    _age(imports, TTL + 60)
    call_command("purge_uploads")
    assert _files(imports) == [] and "Deleted 1" in capsys.readouterr().out
    assert client.post(f"/data/import/{token}/submit/").status_code == 404
    assert Changeset.objects.count() == 0


def test_the_next_upload_purges_expired_ones(imports, world):
    first = _client(world.contributor)
    _upload(first, csv_bytes(ROWS))
    (stale,) = _files(imports)
    _age(imports, TTL + 60)
    _upload(_client(world.steward), csv_bytes(ROWS))
    assert stale not in _files(imports) and len(_files(imports)) == 1


def test_an_expired_upload_cannot_be_submitted_before_it_is_purged(imports, world):
    client = _client(world.contributor)
    token = _upload(client, csv_bytes(ROWS)).context["token"]
    _age(imports, TTL + 60)
    response = client.post(f"/data/import/{token}/submit/")
    assert response.status_code == 404
    assert _files(imports) == [] and Changeset.objects.count() == 0


def test_another_user_cannot_submit_cancel_or_read_a_pending_upload(imports, world):
    owner = _client(world.contributor)
    token = _upload(owner, csv_bytes(ROWS)).context["token"]
    other = _client(world.steward)
    for url in (f"/data/import/{token}/submit/", f"/data/import/{token}/cancel/"):
        assert other.post(url).status_code == 404
    assert other.get(f"/data/import/{token}/errors.csv").status_code == 404
    # Even with the token's entry copied into the other user's session, the owner check holds.
    session = other.session
    session[uploads.SESSION_KEY] = owner.session[uploads.SESSION_KEY]
    session.save()
    assert other.post(f"/data/import/{token}/submit/").status_code == 404
    assert other.post(f"/data/import/{token}/cancel/").status_code == 404
    assert len(_files(imports)) == 1 and Changeset.objects.count() == 0
    assert owner.post(f"/data/import/{token}/submit/").status_code == 302
    changeset = Changeset.objects.get()
    assert changeset.author == world.contributor and _files(imports) == []


def test_a_session_keeps_a_few_pending_uploads_and_deletes_the_oldest(imports, world):
    client = _client(world.contributor)
    tokens = [
        _upload(client, csv_bytes(ROWS)).context["token"]
        for _ in range(uploads.MAX_PER_SESSION + 2)
    ]
    assert len(_files(imports)) == uploads.MAX_PER_SESSION
    assert client.post(f"/data/import/{tokens[0]}/submit/").status_code == 404
    assert client.post(f"/data/import/{tokens[-1]}/submit/").status_code == 302


def test_file_name_on_disk_comes_from_the_token_not_the_upload(imports, world):
    client = _client(world.contributor)
    token = _upload(client, csv_bytes(ROWS), name="../../training_event.csv").context["token"]
    assert _files(imports) == [f"{token}.csv"]
    assert sorted(path.name for path in imports.parent.iterdir()) == ["imports"]


def test_a_huge_error_report_is_cut_to_keep_the_session_small(imports, world):
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    from nscap.interchange.importer import RowError, errors_csv

    request = RequestFactory().post("/data/import/")
    request.user, request.session = world.contributor, SessionStore()
    upload = uploads.PendingUpload("tok", "big.csv", ".csv", "", "", world.contributor.pk)
    # Random values: a report that does not compress away.
    rows = [RowError("s", n, "title", os.urandom(40).hex(), "too long") for n in range(20_000)]
    uploads.discard(request, upload, errors_csv(rows))
    stored = request.session[uploads.SESSION_KEY]["tok"]["errors"]
    assert len(stored) < uploads.ERROR_REPORT_MAX_BYTES * 4 / 3 + 4  # base64 of the cap
    report = uploads.error_report(request, "tok").decode("utf-8-sig")
    assert report.startswith("sheet,row,column") and report.rstrip().endswith("fit)")
    assert 100 < len(report.splitlines()) < 20_000
