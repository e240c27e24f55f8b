""" "Did you mean": other queries that find something, offered when a search finds nothing.

Two sources, both read for the viewer only:

* label resolution (``institutions.resolution.resolve_label``), which reads the labels of
  visible institutions and knows acronyms, initials, fuzzy and cross-script names;
* a spelling fix of each word against the words of the names of the visible institutions,
  courses, networks and sources (``rapidfuzz``; the words cached per visibility class and data
  version), kept only when the fixed query finds a visible record.

So a suggestion never names or hints at a record the viewer may not see.
"""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz, process

from nscap.analytics.cache import cached
from nscap.institutions.resolution import resolve_label
from nscap.search.choices import ResultType
from nscap.search.matching import words_q
from nscap.search.selectors import query_words, visible_entries

MAX_SUGGESTIONS = 3
LABEL_FLOOR = 0.6  # resolve_label score below which a name is not worth offering
WORD_FLOOR = 75  # rapidfuzz similarity (0-100) of a fixed word
MIN_WORD = 3  # shorter words are not corrected
VOCABULARY_TYPES = (
    ResultType.INSTITUTION,
    ResultType.COURSE,
    ResultType.NETWORK,
    ResultType.SOURCE,
)


def did_you_mean(text: str, user: Any) -> list[str]:
    """Up to three queries that find something the viewer may see, best first."""
    words = query_words(text)
    if not words:
        return []
    found: list[str] = []
    fixed = _spelling_fix(words, user)
    if fixed:
        found.append(fixed)
    for candidate in resolve_label(text, user=user, limit=MAX_SUGGESTIONS):
        if candidate.score >= LABEL_FLOOR:
            found.append(candidate.institution.name)
    return list(dict.fromkeys(s for s in found if query_words(s) != words))[:MAX_SUGGESTIONS]


def _vocabulary(user: Any) -> list[str]:
    """The words of the visible names (numbers left out: nobody misspells into one).

    Cached per visibility class and data version (``analytics.cache``): at 1M events reading
    55,000 names took most of a 1.2 s miss."""
    names = (
        visible_entries(user)
        .filter(record_type__in=VOCABULARY_TYPES)
        .values_list("names", flat=True)
    )
    words = {w for n in names.iterator() for w in n.replace("|", " ").split()}
    return sorted(w for w in words if not w.isdigit())


def _spelling_fix(words: list[str], user: Any) -> str:
    """The query with each unknown word replaced by the closest word of a visible name."""
    vocabulary = cached("search.vocabulary", user, {}, lambda: _vocabulary(user))
    if not vocabulary:
        return ""
    known = set(vocabulary)
    fixed = []
    for word in words:
        if word in known or len(word) < MIN_WORD:
            fixed.append(word)
            continue
        best = process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=WORD_FLOOR)
        fixed.append(best[0] if best else word)
    if fixed == words or not visible_entries(user).filter(words_q(fixed)).exists():
        return ""
    return " ".join(fixed)
