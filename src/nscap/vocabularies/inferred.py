"""Stated or inferred: does the source itself name a label, or did nscap read it into the text?

Issue 15, finding 7: CSCA's "performance testing: detection" was shown as a physical protection
course, though Table 2's cell never says "physical protection"; nscap had mapped the title
through the topic's aliases. Such tags stay (analytics may use them) but are stored and shown
as *inferred*, with the source's words as evidence, apart from what the source states.

The rule (docs/data-formats.md, "Stated and inferred labels"): a topic or target group of a
record is **stated** when the source's own words (the verbatim cell a citation quotes, or the
record's ``*_text`` field) contain its name (English or Chinese) or the words of its key (the
canonical English term: ``insider-threat`` is "insider threat"), as whole words, ignoring case
and punctuation. Otherwise it is **inferred**: ``matched`` names the alias the words
contain when nscap read it through the vocabulary ("performance testing" → physical
protection), and is empty when a person read it (BATAN staff → operators).

Used by the brief loader when it writes a course or a center profile; the pages, the API and
the export read what it stored (``inferred_labels``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any, Protocol

TOPICS = "topics"
TARGET_GROUPS = "target_groups"


class Vocabulary(Protocol):
    """A topic or a target group: its key, names and aliases."""

    key: str
    name: str
    name_zh: str
    aliases: list[str]


def _folded(text: str) -> str:
    """Lower case, accents and punctuation folded to spaces, one space between words."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " " + " ".join(re.findall(r"\w+", text)) + " "


def _says(words: str, name: str) -> bool:
    folded = _folded(name).strip()
    if not folded:
        return False
    # Whole words for scripts with spaces; CJK names have none, so they match as they stand.
    return f" {folded} " in words or (not folded.isascii() and folded in words)


def judge(field: str, labels: Iterable[Vocabulary], evidence: str) -> list[dict[str, Any]]:
    """The labels of ``field`` that ``evidence`` (the source's words) does not name, each as
    ``{"field", "key", "evidence", "matched"}``; an empty list when the source states them all."""
    words = _folded(evidence)
    inferred = []
    for label in labels:
        names = (label.name, label.name_zh, label.key.replace("-", " "))
        if any(_says(words, name) for name in names if name):
            continue
        matched = next((alias for alias in label.aliases or () if _says(words, alias)), "")
        inferred.append(
            {"field": field, "key": label.key, "evidence": evidence, "matched": matched}
        )
    return inferred


def visible_inferred(record: Any, shown: dict[str, Iterable[Any]]) -> list[dict[str, Any]]:
    """``record``'s inferred labels among the labels ``shown`` (by field: the visible topics and
    groups), in the order stored: the API's ``inferred`` list (a hidden label is never named)."""
    keys = {field: {label.key for label in labels} for field, labels in shown.items()}
    return [
        item for item in record.inferred_labels or () if item["key"] in keys.get(item["field"], ())
    ]


def with_basis(record: Any, field: str, labels: Iterable[Any]) -> list[dict[str, Any]]:
    """The labels of ``field`` as the pages list them: each with ``inferred`` (its evidence)
    when nscap inferred it, ``None`` when the source states it."""
    evidence = {
        item["key"]: item for item in record.inferred_labels or () if item["field"] == field
    }
    return [{"label": label, "inferred": evidence.get(label.key)} for label in labels]
