"""CSV encodings: UTF-8 with and without BOM, UTF-16, GBK, Shift_JIS and EUC-KR are read;
undecidable bytes are refused with a clear message; --encoding forces one."""

from __future__ import annotations

import codecs

import pytest

from nscap.interchange.encodings import UndecidableEncoding, decode
from nscap.interchange.importer import run_import

from .conftest import csv_bytes

CHINESE = "key,title\nev-zh,国家核安保技术中心举办实物保护培训班\n"
JAPANESE = "key,title\nev-ja,核セキュリティ研修コース（日本原子力研究開発機構）\n"
KOREAN = "key,title\nev-ko,국제핵비확산안보아카데미 물리적 방호 교육과정\n"

CASES = [
    ("utf-8", CHINESE.encode("utf-8"), CHINESE),
    ("utf-8-sig", codecs.BOM_UTF8 + KOREAN.encode("utf-8"), KOREAN),
    ("utf-16", KOREAN.encode("utf-16"), KOREAN),  # Python writes the BOM
    ("gbk", CHINESE.encode("gbk"), CHINESE),
    ("shift_jis", JAPANESE.encode("shift_jis"), JAPANESE),
    # EUC-KR reads as GBK too: detection asks (test_regional_encodings), naming it works.
]


@pytest.mark.parametrize(("expected", "data", "text"), CASES, ids=[c[0] for c in CASES])
def test_each_encoding_is_detected(expected, data, text):
    assert decode(data) == (text, expected)


def test_utf16_big_endian_with_bom():
    data = codecs.BOM_UTF16_BE + JAPANESE.encode("utf-16-be")
    assert decode(data)[0] == JAPANESE


@pytest.mark.parametrize(
    "data",
    [
        "key,title\nev,Café in Paris\n".encode("cp1252"),  # Latin-1 bytes: no CJK reading
        b"key,title\nev,\xff\xfe\xfd\xfc\n"[:-1] + b"\x80\x81",
        codecs.BOM_UTF8 + b"\xc3\x28",  # BOM, then invalid UTF-8
    ],
    ids=["cp1252", "random", "bad-after-bom"],
)
def test_undecidable_bytes_are_refused_clearly(data):
    with pytest.raises(UndecidableEncoding) as refused:
        decode(data)
    assert "UTF-8" in str(refused.value) or "utf-8" in str(refused.value).lower()


def test_forced_encoding():
    data = CHINESE.encode("gbk")
    assert decode(data, "gbk")[0] == CHINESE
    with pytest.raises(UndecidableEncoding, match="not valid shift_jis"):
        decode(CHINESE.encode("gbk"), "shift_jis")
    with pytest.raises(UndecidableEncoding, match="Unknown encoding"):
        decode(data, "klingon")


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "gbk", "shift_jis", "euc_kr"])
def test_import_reads_titles_in_each_encoding(world, encoding):
    title = {
        "gbk": "核安保培训班",
        "shift_jis": "核セキュリティ研修",
        "euc_kr": "물리적 방호 교육과정",
    }
    text = title.get(encoding, "核安保培训班 / 물리적 방호")
    data = csv_bytes([["key", "host", "title"], ["ev-enc", "insa", text]], encoding)
    named = encoding if encoding == "euc_kr" else None  # EUC-KR is never guessed: asked
    result = run_import(world.steward, "training_event.csv", data, encoding=named, dry_run=True)
    assert result.plan.ok, result.plan.errors
    assert result.plan.changes[0].values["title"] == text
    assert result.plan.encodings == [encoding]


@pytest.mark.django_db
def test_import_refuses_undecidable_file(world):
    from nscap.interchange.readers import ReadError

    with pytest.raises(ReadError, match="encoding"):
        run_import(world.steward, "training_event.csv", "key,title\nx,Café\n".encode("cp1252"))
