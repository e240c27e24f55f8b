"""Limits: file size, row count, zip entries, a zip bomb and XML bombs, each refused clearly and
within a memory bound (peak measured with tracemalloc)."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest

from nscap.interchange.readers import ReadError, read_file

from .conftest import csv_bytes, xlsx_bytes

MEMORY_BOUND = 32 * 2**20  # bytes of Python allocations while refusing a hostile file

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">\n' for i in range(1, 10)
    )
    + ']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    "</sheetData></worksheet>"
)


def _measured(call):
    """(exception raised by ``call``, peak bytes allocated, seconds)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - the test inspects it
        raised = exc
    else:
        raised = None
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return raised, peak, elapsed


def _replace_part(data: bytes, part: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(
                entry.filename, content if entry.filename == part else source.read(entry)
            )
    return out.getvalue()


def _workbook() -> bytes:
    return xlsx_bytes({"training_event": [["key", "host", "title"], ["e1", "insa", "T"]]})


def test_zip_bomb_is_refused_from_the_table_of_contents():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            block = b"\0" * 2**20
            for _ in range(300):  # 300 MB of zeros, about 0.3 MB compressed
                part.write(block)
    bomb = out.getvalue()
    assert len(bomb) < 2 * 2**20
    raised, peak, elapsed = _measured(lambda: read_file("bomb.xlsx", bomb))
    assert isinstance(raised, ReadError)
    assert "zip bomb" in str(raised) and "300 MB" in str(raised)
    assert peak < MEMORY_BOUND and elapsed < 5
    print(f"zip bomb refused: peak {peak / 2**20:.1f} MB, {elapsed * 1000:.0f} ms")


def test_billion_laughs_is_refused_before_parsing():
    bomb = _replace_part(_workbook(), "xl/worksheets/sheet1.xml", BILLION_LAUGHS.encode())
    raised, peak, elapsed = _measured(lambda: read_file("bomb.xlsx", bomb))
    assert isinstance(raised, ReadError) and "entities" in str(raised)
    assert peak < MEMORY_BOUND and elapsed < 5


def test_billion_laughs_hidden_past_the_preamble_is_refused_by_defusedxml():
    padded = BILLION_LAUGHS.replace(
        '<?xml version="1.0"?>\n', '<?xml version="1.0"?>\n<!--' + "x" * 70_000 + "-->\n"
    )
    bomb = _replace_part(_workbook(), "xl/worksheets/sheet1.xml", padded.encode())
    raised, peak, elapsed = _measured(lambda: read_file("bomb.xlsx", bomb))
    assert isinstance(raised, ReadError), raised
    assert peak < MEMORY_BOUND and elapsed < 5


def test_openpyxl_itself_parses_with_defusedxml():
    import openpyxl
    from defusedxml import DefusedXmlException
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML, "openpyxl must find defusedxml"
    bomb = _replace_part(_workbook(), "xl/worksheets/sheet1.xml", BILLION_LAUGHS.encode())

    def load():
        book = openpyxl.load_workbook(io.BytesIO(bomb), read_only=True)
        for sheet in book.worksheets:
            list(sheet.iter_rows(values_only=True))

    raised, peak, _elapsed = _measured(load)
    chain = []
    while raised is not None:
        chain.append(raised)
        raised = raised.__cause__ or raised.__context__
    assert any(isinstance(exc, DefusedXmlException) for exc in chain), chain
    assert peak < MEMORY_BOUND


def test_file_size_limit(settings):
    settings.NSCAP_IMPORT_MAX_BYTES = 100
    with pytest.raises(ReadError, match="more than the limit of 0 MB"):
        read_file("training_event.csv", b"key,title\n" + b"x,y\n" * 50)


def test_row_limit(settings):
    settings.NSCAP_IMPORT_MAX_ROWS = 3
    data = csv_bytes([["key", "title"]] + [[f"k{i}", "t"] for i in range(4)])
    with pytest.raises(ReadError, match="more than 3 rows"):
        read_file("training_event.csv", data)
    read_file("training_event.csv", csv_bytes([["key", "title"]] + [["k", "t"]] * 3))


def test_zip_entry_limit(settings):
    settings.NSCAP_IMPORT_MAX_ZIP_ENTRIES = 3
    with pytest.raises(ReadError, match="parts, more than the limit of 3"):
        read_file("book.xlsx", _workbook())


def test_not_a_workbook():
    with pytest.raises(ReadError, match="not a valid XLSX"):
        read_file("book.xlsx", b"this is not a zip")
    with pytest.raises(ReadError, match="Cannot read .pdf"):
        read_file("book.pdf", b"%PDF-1.4")
