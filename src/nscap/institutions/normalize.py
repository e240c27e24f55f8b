"""Fold a label to the form that label resolution compares.

Crowd-sourced data names one institution many ways: ``ＩＮＳＡ`` typed on a Japanese keyboard,
``Việt Nam`` without its accents, ``the Centre`` and ``Center``, ``I-CoNSEP`` and ``ICONSEP``.
``normalize_label`` folds all of these to one form, which ``Label.save()`` stores in the indexed
``Label.normalized`` column. ``compact`` and ``romanize`` give the two further views of a folded
form that resolution uses (no spaces; Latin letters).

Changing these rules changes what is stored: labels saved before the change keep their old
``normalized`` value until they are saved again.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

# Words that carry no identity in an institution's name, dropped wherever they stand.
_STOPWORDS = frozenset({"the", "of", "for", "and", "on", "in", "de", "la"})

# Spelling variants and common abbreviations, folded to one spelling.
_SPELLINGS = {
    "centre": "center",
    "centres": "centers",
    "programme": "program",
    "programmes": "programs",
    "defence": "defense",
    "licence": "license",
    "licencing": "licensing",
    "intl": "international",
    "natl": "national",
    "ctr": "center",
    "univ": "university",
    "dept": "department",
    "govt": "government",
    "assn": "association",
}
_BRITISH_ISATION = re.compile(r"isation(s?)$")
_APOSTROPHES = re.compile(r"['’ʼ`´]")
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


def _fold_latin(text: str) -> str:
    """Drop accents from Latin letters (Việt -> Viet, đ -> d, ø -> o) and leave other scripts alone.

    Combining marks are dropped only after a Latin letter, so Japanese voicing marks (が) and
    Hangul syllables survive the round trip through NFKD.
    """
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.category(ch) == "Mn":
            if out and _is_latin(out[-1]):
                continue
            out.append(ch)
        elif not ch.isascii() and _is_latin(ch):
            out.append(anyascii(ch))
        else:
            out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def _is_latin(ch: str) -> bool:
    return ch.isascii() or unicodedata.name(ch, "").startswith("LATIN ")


def _fold_word(word: str) -> str:
    word = _SPELLINGS.get(word, word)
    return _BRITISH_ISATION.sub(r"ization\1", word) if word.isascii() else word


def normalize_label(text: str) -> str:
    """Case-, accent-, width- and punctuation-insensitive form; drops "the", folds Centre/Center.

    >>> normalize_label("The  State Nuclear Security Technology Centre")
    'state nuclear security technology center'
    >>> normalize_label("ＩＮＳＡ.")
    'insa'
    """
    text = unicodedata.normalize("NFKC", text or "")
    text = _APOSTROPHES.sub("", text)
    text = _fold_latin(text).casefold()
    words = [_fold_word(w) for w in _PUNCT.split(text) if w]
    return " ".join(w for w in words if w not in _STOPWORDS)


def compact(normalized: str) -> str:
    """The normalized form without spaces: ``i consep`` -> ``iconsep``, Korean spacing ignored."""
    return normalized.replace(" ", "")


def is_latin_text(normalized: str) -> bool:
    """True when a normalized form is all ASCII (Latin script after folding)."""
    return normalized.isascii()


@lru_cache(maxsize=65_536)
def romanize(normalized: str) -> str:
    """A compact Latin transliteration (anyascii) of a normalized form, for weak cross-script hits.

    Chinese characters come out as Mandarin pinyin syllables, Hangul as Revised Romanization
    syllables, kana as romaji; kanji in Japanese names also come out as pinyin, so this is
    evidence of a match only when it is strong.
    """
    return re.sub(r"[^a-z0-9]", "", anyascii(normalized).lower())


def initials(normalized: str) -> str:
    """First letters of the words of a normalized Latin name (stopwords already dropped).

    ``state nuclear security technology center`` -> ``snstc``.
    """
    return "".join(word[0] for word in normalized.split() if word)
