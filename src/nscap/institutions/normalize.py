"""Fold a label to the form that label resolution compares."""

import re
import unicodedata

_STOPWORDS = {"the", "of", "for", "and", "on", "in", "de", "la"}
_SPELLINGS = {"centre": "center", "centres": "centers", "programme": "program"}
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


def _strip_latin_marks(text: str) -> str:
    """Drop accents from Latin letters (Việt -> Viet) but keep kana voicing marks (が stays が)."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.category(ch) == "Mn" and out and out[-1].isascii():
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def normalize_label(text: str) -> str:
    """Case-, accent-, width- and punctuation-insensitive form; drops "the", folds Centre/Center."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _strip_latin_marks(text).casefold().replace("đ", "d")
    words = [w for w in _PUNCT.split(text) if w]
    words = [_SPELLINGS.get(w, w) for w in words if w not in _STOPWORDS]
    return " ".join(words)
