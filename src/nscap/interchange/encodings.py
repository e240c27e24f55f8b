"""Decoding CSV bytes: a byte-order mark, then strict UTF-8, then the legacy encodings of the
region's Excel (GBK, Shift_JIS, EUC-KR) with a plausibility check; refused when undecidable.

Legacy encodings overlap: Korean EUC-KR bytes are also valid GB2312, and most Shift_JIS bytes are
valid GBK. A decoding is *plausible* when nearly every non-ASCII character it yields belongs to
the writing the encoding is used for: Hangul for EUC-KR; kana, kanji and full-width forms (not
half-width katakana, which other encodings' bytes turn into) for Shift_JIS; characters of GB2312
(the common simplified Chinese set) for GBK.
"""

from __future__ import annotations

import codecs

from django.utils.translation import gettext as _

LEGACY_ENCODINGS = ("gbk", "shift_jis", "euc_kr")
KNOWN_ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", *LEGACY_ENCODINGS)
PLAUSIBLE = 0.9


class UndecidableEncoding(ValueError):
    """The bytes are not UTF-8 and no legacy encoding reads them plausibly (or several do)."""


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


_CHECKS = {"gbk": _chinese, "shift_jis": _japanese, "euc_kr": _korean}


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
        try:
            return data.decode(encoding), encoding
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
    plausible = {}
    for name in LEGACY_ENCODINGS:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if plausibility(text, name) >= PLAUSIBLE:
            plausible[name] = text
    # Korean EUC-KR bytes always read as plausible GB2312, while Chinese rarely reads as
    # Hangul: when both fit, the Korean reading is the right one.
    if "euc_kr" in plausible and "gbk" in plausible:
        del plausible["gbk"]
    if len(plausible) == 1:
        name, text = plausible.popitem()
        return text, name
    raise UndecidableEncoding(
        _(
            "Cannot tell the file's encoding: it is not UTF-8, and %(what)s. Save it as "
            "'CSV UTF-8' or name the encoding (--encoding gbk, shift_jis, euc_kr, utf-16)."
        )
        % {
            "what": _("several legacy encodings read it (%(names)s)")
            % {"names": ", ".join(plausible)}
            if plausible
            else _("no legacy encoding (GBK, Shift_JIS, EUC-KR) reads it plausibly")
        }
    )


def _strict(data: bytes, codec: str, label: str) -> tuple[str, str]:
    try:
        return data.decode(codec), label
    except UnicodeDecodeError as exc:
        raise UndecidableEncoding(
            _("The file starts with a %(name)s byte-order mark but is not valid %(name)s.")
            % {"name": codec.upper()}
        ) from exc
