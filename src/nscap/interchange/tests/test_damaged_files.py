"""Damaged archives (issue 12, finding 19): a workbook or zip of CSVs whose bytes are wrong in any
of the ways zipfile, zlib and openpyxl notice is refused with a clear ReadError — a 400 on the
upload page and a CommandError in ``nscap import`` — never a 500; and nothing is written.

Each file is a real workbook written by openpyxl, then patched with ``struct`` where the zip
format puts the field (central directory and local headers)."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from nscap.contributions.models import Changeset
from nscap.interchange.readers import ReadError, read_file
from nscap.testing.roles import PASSWORD

from .conftest import csv_bytes, xlsx_bytes

SHEET = "xl/worksheets/sheet1.xml"
CSV_PART = "training_event.csv"
CENTRAL, LOCAL = b"PK\x01\x02", b"PK\x03\x04"
# Offsets of the fields in a central directory header and in a local file header.
CENTRAL_FLAGS, CENTRAL_METHOD, CENTRAL_CRC, CENTRAL_SIZE = 8, 10, 16, 24
CENTRAL_NAME_LENGTH, CENTRAL_NAME, CENTRAL_LOCAL_OFFSET = 28, 46, 42
LOCAL_METHOD, LOCAL_COMPRESSED_SIZE, LOCAL_NAME_LENGTH, LOCAL_EXTRA_LENGTH, LOCAL_NAME = (
    8,
    18,
    26,
    28,
    30,
)


def _workbook() -> bytes:
    rows = [["key", "host", "title"]] + [
        [f"ev-{i}", "insa", f"Course {i} " * 20] for i in range(50)
    ]
    return xlsx_bytes({"training_event": rows})


def _csv_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        rows = [["key", "host", "title"]] + [[f"ev-{i}", "insa", f"T {i} " * 20] for i in range(50)]
        archive.writestr(CSV_PART, csv_bytes(rows))
    return out.getvalue()


def _central_entry(data: bytearray, part: str) -> int:
    """Offset of ``part``'s header in the zip's central directory."""
    offset = data.find(CENTRAL)
    while offset != -1:
        length = struct.unpack_from("<H", data, offset + CENTRAL_NAME_LENGTH)[0]
        name = bytes(data[offset + CENTRAL_NAME : offset + CENTRAL_NAME + length])
        if name == part.encode():
            return offset
        offset = data.find(CENTRAL, offset + 4)
    raise AssertionError(f"{part} is not in the archive")


def _local_entry(data: bytearray, part: str) -> int:
    central = _central_entry(data, part)
    return struct.unpack_from("<I", data, central + CENTRAL_LOCAL_OFFSET)[0]


def understated_size(data: bytearray, part: str) -> None:
    """The finding: the directory says the part unpacks to half its real size."""
    central = _central_entry(data, part)
    size = struct.unpack_from("<I", data, central + CENTRAL_SIZE)[0]
    struct.pack_into("<I", data, central + CENTRAL_SIZE, size // 2)


def wrong_crc(data: bytearray, part: str) -> None:
    central = _central_entry(data, part)
    crc = struct.unpack_from("<I", data, central + CENTRAL_CRC)[0]
    struct.pack_into("<I", data, central + CENTRAL_CRC, crc ^ 0xFFFFFFFF)


def scrambled_data(data: bytearray, part: str) -> None:
    """Bytes in the middle of the compressed stream overwritten."""
    local = _local_entry(data, part)
    name_length, extra_length = struct.unpack_from("<HH", data, local + LOCAL_NAME_LENGTH)
    start = local + LOCAL_NAME + name_length + extra_length
    compressed = struct.unpack_from("<I", data, local + LOCAL_COMPRESSED_SIZE)[0]
    for index in range(start + compressed // 4, start + compressed // 2):
        data[index] = 0xFF


def unknown_compression(data: bytearray, part: str) -> None:
    for offset, field in (
        (_central_entry(data, part), CENTRAL_METHOD),
        (_local_entry(data, part), LOCAL_METHOD),
    ):
        struct.pack_into("<H", data, offset + field, 99)  # 99: AES, which zipfile cannot read


def encrypted(data: bytearray, part: str) -> None:
    central = _central_entry(data, part)
    flags = struct.unpack_from("<H", data, central + CENTRAL_FLAGS)[0]
    struct.pack_into("<H", data, central + CENTRAL_FLAGS, flags | 0x1)


def renamed_local_header(data: bytearray, part: str) -> None:
    local = _local_entry(data, part)
    data[local + LOCAL_NAME] ^= 0x20  # "x" -> "X": directory and header disagree


def truncated(data: bytearray, part: str) -> None:
    del data[len(data) * 2 // 3 :]


def not_a_zip(data: bytearray, part: str) -> None:
    data[:] = b"key,host,title\nev-1,insa,T\n" * 20


def cut_before_the_directory(data: bytearray, part: str) -> None:
    """The end of the file (the directory) kept, a block of the parts' bytes lost."""
    del data[100:400]


CORRUPTIONS: list[Callable[[bytearray, str], None]] = [
    understated_size,
    wrong_crc,
    scrambled_data,
    unknown_compression,
    encrypted,
    renamed_local_header,
    truncated,
    not_a_zip,
    cut_before_the_directory,
]


def _damage(corruption: Callable[[bytearray, str], None], data: bytes, part: str) -> bytes:
    damaged = bytearray(data)
    corruption(damaged, part)
    return bytes(damaged)


@pytest.mark.parametrize("corruption", CORRUPTIONS, ids=lambda c: c.__name__)
@pytest.mark.parametrize(
    ("name", "build", "part"),
    [("book.xlsx", _workbook, SHEET), ("training_event.zip", _csv_zip, CSV_PART)],
    ids=["xlsx", "csv-zip"],
)
def test_damaged_archive_is_a_clear_read_error(corruption, name, build, part):
    data = _damage(corruption, build(), part)
    with pytest.raises(ReadError) as refused:
        read_file(name, data)
    message = str(refused.value)
    assert "damaged" in message or "not a valid" in message or "encoding" in message, message


def _replace_parts(data: bytes, replace: dict[str, bytes | None]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = replace.get(entry.filename, source.read(entry))
            if content is not None:
                target.writestr(entry.filename, content)
    return out.getvalue()


@pytest.mark.parametrize(
    "replace",
    [
        {"xl/workbook.xml": None},
        {SHEET: b'<worksheet xmlns="http://schemas.openxmlformats.org/'},
        {"[Content_Types].xml": b"not xml at all"},
        {"xl/_rels/workbook.xml.rels": b"<Relationships><Relationship Id="},
    ],
    ids=["no-workbook-part", "cut-off-sheet-xml", "content-types-not-xml", "broken-rels"],
)
def test_valid_zip_that_is_not_a_workbook_is_a_clear_read_error(replace):
    with pytest.raises(ReadError, match="damaged"):
        read_file("book.xlsx", _replace_parts(_workbook(), replace))


def test_the_undamaged_files_read():
    assert len(read_file("book.xlsx", _workbook())[0].rows) == 50
    assert len(read_file("training_event.zip", _csv_zip())[0].rows) == 50


@pytest.mark.django_db
def test_upload_page_answers_400_for_the_understated_size(client, world):
    assert client.login(username=world.contributor.username, password=PASSWORD)
    damaged = _damage(understated_size, _workbook(), SHEET)
    upload = SimpleUploadedFile("book.xlsx", damaged)
    response = client.post("/data/import/", {"file": upload})
    assert response.status_code == 400
    assert b"damaged" in response.content and b"BadZipFile" in response.content
    assert Changeset.objects.count() == 0


@pytest.mark.django_db
def test_cli_import_is_a_command_error_for_the_understated_size(tmp_path, world):
    path = tmp_path / "book.xlsx"
    path.write_bytes(_damage(understated_size, _workbook(), SHEET))
    with pytest.raises(CommandError, match="damaged"):
        call_command("import", str(path), "--user", world.steward.username, "--no-progress")
    assert Changeset.objects.count() == 0
