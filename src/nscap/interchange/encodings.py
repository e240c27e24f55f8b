"""Decoding CSV bytes: a byte-order mark, then strict UTF-8, then the legacy encodings of the
region's Excel (GBK, Shift_JIS, EUC-KR, Big5) with a plausibility check; refused when undecidable.

Legacy encodings overlap: Korean EUC-KR bytes are also valid GB2312 (and often Big5), simplified
Chinese GBK bytes of common characters read as Hangul in EUC-KR, and most Shift_JIS bytes are
valid GBK. A decoding is *plausible* when nearly every non-ASCII character it yields belongs to
the writing the encoding is used for: Hangul for EUC-KR; kana, kanji and full-width forms (not
half-width katakana, which other encodings' bytes turn into) for Shift_JIS; characters of GB2312
(the common simplified Chinese set) for GBK; Big5's frequent characters for Big5.

Rule (issue 12, finding 14): exactly one plausible legacy reading is taken; when several are
plausible, or none, the file is refused and the user chooses. There is no tie-break: any
preference between two plausible readings (the old "Korean wins") stores mojibake for the files
it guesses wrong, silently. The refusal names the candidates and shows a line of the file read
each way, so that the user can see which one is right.
"""

from __future__ import annotations

import codecs

from django.utils.translation import gettext as _

LEGACY_ENCODINGS = ("gbk", "shift_jis", "euc_kr", "big5")
KNOWN_ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", *LEGACY_ENCODINGS)
PLAUSIBLE = 0.9
SAMPLE_CHARACTERS = 60


class UndecidableEncoding(ValueError):
    """The bytes are not UTF-8 and no legacy encoding reads them plausibly (or several do).

    ``candidates`` maps each encoding that reads the bytes at all to a sample line read that
    way (plausible readings first), for pages that let the user choose."""

    def __init__(self, message: str, candidates: dict[str, str] | None = None):
        super().__init__(message)
        self.candidates = candidates or {}


def _in_ranges(char: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in ranges)


_PUNCTUATION = ((0x3000, 0x303F), (0xFF01, 0xFF5E), (0x2010, 0x206F), (0x00A0, 0x00FF))
_HANGUL = ((0xAC00, 0xD7AF), (0x3130, 0x318F))
_JAPANESE = ((0x3040, 0x30FF), (0x4E00, 0x9FFF))


def _korean(char: str) -> bool:
    return _in_ranges(char, _HANGUL + _PUNCTUATION)


def _japanese(char: str) -> bool:
    return _in_ranges(char, _JAPANESE + _PUNCTUATION)


def _chinese(char: str) -> bool:
    if _in_ranges(char, _PUNCTUATION):
        return True
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


BIG5_FREQUENT_LEADS = (0xA1, 0xC6)  # symbols (A1-A3) and the 5,401 frequent characters (A4-C6)


def _traditional_chinese(char: str) -> bool:
    if _in_ranges(char, _PUNCTUATION):
        return True
    try:
        encoded = char.encode("big5")
    except UnicodeEncodeError:
        return False
    low, high = BIG5_FREQUENT_LEADS
    return len(encoded) == 2 and low <= encoded[0] <= high


_CHECKS = {
    "gbk": _chinese,
    "shift_jis": _japanese,
    "euc_kr": _korean,
    "big5": _traditional_chinese,
}


def plausibility(text: str, encoding: str) -> float:
    """Share (0-1) of the non-ASCII characters of ``text`` that fit ``encoding``'s writing."""
    foreign = [char for char in text if ord(char) > 0x7F]
    if not foreign:
        return 1.0
    check = _CHECKS[encoding]
    return sum(1 for char in foreign if check(char)) / len(foreign)


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding used). ``encoding`` forces one; otherwise it is detected."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise UndecidableEncoding(_("Unknown encoding %(name)r.") % {"name": encoding}) from exc
        # Named UTF-8 still drops a byte-order mark, which would otherwise stick to the first
        # column's name.
        codec = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
        try:
            return data.decode(codec), encoding
        except UnicodeDecodeError as exc:
            raise UndecidableEncoding(
                _("The file is not valid %(name)s (byte %(position)d).")
                % {"name": encoding, "position": exc.start}
            ) from exc
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", "utf-16")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    readings: dict[str, str] = {}
    plausible: list[str] = []
    for name in LEGACY_ENCODINGS:
        try:
            readings[name] = data.decode(name)
        except UnicodeDecodeError:
            continue
        if plausibility(readings[name], name) >= PLAUSIBLE:
            plausible.append(name)
    if len(plausible) == 1:
        return readings[plausible[0]], plausible[0]
    raise _ask(data, plausible, [name for name in readings if name not in plausible])


def _ask(data: bytes, plausible: list[str], implausible: list[str]) -> UndecidableEncoding:
    """The refusal: which encodings could be meant, and the first non-ASCII line read each way."""
    number, line = _sample_line(data)
    candidates = {
        name: line.decode(name, errors="replace")[:SAMPLE_CHARACTERS]
        for name in plausible + implausible
    }
    if plausible:
        what = _("it reads as text in several encodings (%(names)s)") % {
            "names": ", ".join(plausible)
        }
    else:
        what = _("no legacy encoding (GBK, Shift_JIS, EUC-KR, Big5) reads it plausibly")
    message = _("Cannot tell the file's encoding: it is not UTF-8, and %(what)s.") % {"what": what}
    if candidates:
        message += " " + _("Line %(number)d read each way:") % {"number": number}
        message += "".join(f"\n  {name}: {text}" for name, text in candidates.items())
    message += "\n" + _(
        "Choose the encoding that reads right (on the upload page, or with --encoding: "
        "%(names)s), or save the file as 'CSV UTF-8'."
    ) % {"names": ", ".join(candidates or LEGACY_ENCODINGS)}
    return UndecidableEncoding(message, candidates)


def _sample_line(data: bytes) -> tuple[int, bytes]:
    """(1-based number, bytes) of the first line with a non-ASCII byte. No legacy encoding here
    uses the newline byte inside a character, so splitting the bytes on it is safe."""
    for number, line in enumerate(data.split(b"\n"), start=1):
        if any(byte > 0x7F for byte in line):
            return number, line.rstrip(b"\r")
    return 1, data.split(b"\n", 1)[0]


def _strict(data: bytes, codec: str, label: str) -> tuple[str, str]:
    try:
        return data.decode(codec), label
    except UnicodeDecodeError as exc:
        raise UndecidableEncoding(
            _("The file starts with a %(name)s byte-order mark but is not valid %(name)s.")
            % {"name": codec.upper()}
        ) from exc
