"""Real GBK, Shift_JIS, EUC-KR and Big5 CSV files of CJK institution names and titles (issue 12,
finding 14): detection either reads a file right, unambiguously, or refuses and asks, naming
the candidate encodings with a line read each way — it never stores mojibake; with the encoding
named (function, upload page, ``nscap import --encoding``) every file imports as written."""

from __future__ import annotations

import codecs

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from nscap.activities.models import TrainingEvent
from nscap.interchange.encodings import UndecidableEncoding, decode
from nscap.interchange.importer import run_import
from nscap.testing.roles import PASSWORD

from .conftest import csv_bytes

# (file, encoding, titles, what detection must do: "detect" or "ask")
FILES = [
    (
        "gbk",
        "gbk",
        ["国家核安保技术中心", "国家核安保技术中心实物保护培训班"],
        "detect",
    ),
    # The finding: every character's GBK bytes are Hangul in EUC-KR ("벌소뵙갛괏").
    ("gbk-hangul-lookalike", "gbk", ["国家核安保", "核安保"], "ask"),
    (
        "shift_jis",
        "shift_jis",
        ["核セキュリティ・核不拡散総合支援センター", "核セキュリティ研修コース"],
        "detect",
    ),
    # EUC-KR's Hangul are GB2312 characters in GBK: always two plausible readings.
    (
        "euc_kr",
        "euc_kr",
        ["원자력통제기술원", "국제핵비확산안보아카데미 물리적 방호 교육과정"],
        "ask",
    ),
    ("big5", "big5", ["核能研究所", "核能研究所核子保安訓練課程"], "detect"),
]
IDS = [case[0] for case in FILES]


def _file(encoding: str, titles: list[str]) -> bytes:
    rows = [["key", "host", "title"]] + [[f"ev-{i}", "insa", t] for i, t in enumerate(titles)]
    return csv_bytes(rows, encoding)


def _titles(text: str) -> list[str]:
    return [line.split(",")[2] for line in text.splitlines()[1:]]


@pytest.mark.parametrize(("case", "encoding", "titles", "outcome"), FILES, ids=IDS)
def test_detection_reads_right_or_asks_never_mojibake(case, encoding, titles, outcome):
    data = _file(encoding, titles)
    try:
        text, used = decode(data)
    except UndecidableEncoding as asked:
        assert outcome == "ask", f"{case}: refused, but one reading is plain: {asked}"
        message = str(asked)
        assert encoding in asked.candidates and encoding in message
        # The sample line, read the right way, is among the readings shown.
        assert asked.candidates[encoding] == f"ev-0,insa,{titles[0]}"
        assert f"{encoding}: ev-0,insa,{titles[0]}" in message
        assert len(asked.candidates) >= 2 and "Line 2 read each way" in message
        assert "--encoding" in message
    else:
        assert (outcome, used) == ("detect", encoding), f"{case} read as {used}"
        assert _titles(text) == titles


@pytest.mark.parametrize(("case", "encoding", "titles", "outcome"), FILES, ids=IDS)
def test_named_encoding_reads_every_file(case, encoding, titles, outcome):
    text, used = decode(_file(encoding, titles), encoding)
    assert (_titles(text), used) == (titles, encoding)


@pytest.mark.parametrize(
    "data",
    [
        "key,title\nev,国家核安保技术中心\n".encode(),
        codecs.BOM_UTF8 + "key,title\nev,원자력통제기술원\n".encode(),
    ],
    ids=["utf-8", "utf-8-bom"],
)
def test_utf8_is_taken_without_asking(data):
    text, used = decode(data)
    assert used in ("utf-8", "utf-8-sig") and text.startswith("key,")


def test_named_utf8_drops_the_byte_order_mark():
    data = codecs.BOM_UTF8 + "key,title\nev,核能研究所\n".encode()
    assert decode(data, "utf-8") == ("key,title\nev,核能研究所\n", "utf-8")


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "encoding", "titles", "outcome"), FILES, ids=IDS)
def test_import_with_the_encoding_named_stores_the_titles(world, case, encoding, titles, outcome):
    result = run_import(
        world.steward, "training_event.csv", _file(encoding, titles), encoding=encoding
    )
    assert result.plan.ok, result.plan.errors
    stored = dict(TrainingEvent.objects.values_list("key", "title"))
    assert stored == {f"ev-{i}": title for i, title in enumerate(titles)}


@pytest.mark.django_db
def test_upload_page_asks_then_imports_with_the_chosen_encoding(client, world):
    assert client.login(username=world.contributor.username, password=PASSWORD)
    titles = ["国家核安保", "核安保"]
    data = _file("gbk", titles)
    response = client.post(
        "/data/import/", {"file": SimpleUploadedFile("training_event.csv", data)}
    )
    assert response.status_code == 400 and not TrainingEvent.objects.exists()
    page = response.content.decode()
    assert "several encodings" in page and "gbk: ev-0,insa,国家核安保" in page
    assert "euc_kr: ev-0,insa,벌소뵙갛괏" in page  # what the old detection stored
    upload = SimpleUploadedFile("training_event.csv", data)
    response = client.post("/data/import/", {"file": upload, "encoding": "gbk"})
    assert response.status_code == 200, response.context.get("read_error")
    client.post(f"/data/import/{response.context['token']}/submit/")
    from nscap.contributions.models import Changeset

    changeset = Changeset.objects.get()
    titles_proposed = sorted(change.data["title"] for change in changeset.changes.all())
    assert titles_proposed == sorted(titles)


@pytest.mark.django_db
def test_cli_imports_big5_and_euc_kr_when_named(tmp_path, world):
    for encoding, titles in (("big5", ["核能研究所"]), ("euc_kr", ["원자력통제기술원"])):
        path = tmp_path / "training_event.csv"
        rows = [["key", "host", "title"], [f"ev-{encoding.replace('_', '-')}", "insa", titles[0]]]
        path.write_bytes(csv_bytes(rows, encoding))
        call_command(
            "import", str(path), "--user", world.steward.username, "--encoding", encoding,
            "--no-progress",
        )  # fmt: skip
    assert set(TrainingEvent.objects.values_list("title", flat=True)) == {
        "核能研究所",
        "원자력통제기술원",
    }
