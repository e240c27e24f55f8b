"""The Simplified Chinese catalogues: every message translated, none fuzzy, placeholders kept,
and the committed .mo files compiled from the .po files as they are now."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

import nscap

PACKAGE = Path(nscap.__file__).resolve().parent
CATALOGUES = [
    PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
    PACKAGE / "interchange" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sd]|\{\w*\}")


def read_po(path: Path) -> list[dict]:
    """The catalogue's live entries (obsolete ``#~`` ones left out), header included: each a dict
    of msgctxt, msgid, msgid_plural, msgstr (a string or a list of plural forms) and fuzzy."""
    entries: list[dict] = []
    entry: dict = {}
    field = None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:
            if "msgid" in entry:
                entries.append(entry)
            entry, field = {}, None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            entry["fuzzy"] = "fuzzy" in {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = field, line
        elif keyword.startswith("msgstr["):
            entry.setdefault("msgstr_plural", {})[int(keyword[7:-1])] = ""
        field = keyword
        text = ast.literal_eval(rest)
        if field.startswith("msgstr["):
            entry["msgstr_plural"][int(field[7:-1])] += text
        else:
            entry[field] = entry.get(field, "") + text
    for entry in entries:
        if "msgstr_plural" in entry:
            plural = entry.pop("msgstr_plural")
            entry["msgstr"] = [plural[n] for n in sorted(plural)]
    return entries


def messages(path: Path) -> list[dict]:
    return [e for e in read_po(path) if e["msgid"]]


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parent.parent.parent.parent.name)
def test_every_message_is_translated_and_none_is_fuzzy(po):
    entries = messages(po)
    assert entries, f"no messages read from {po}"
    untranslated = [
        e["msgid"]
        for e in entries
        if not (all(e["msgstr"]) if isinstance(e["msgstr"], list) else e["msgstr"])
    ]
    fuzzy = [e["msgid"] for e in entries if e.get("fuzzy")]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parent.parent.parent.parent.name)
def test_translations_keep_the_placeholders(po):
    wrong = []
    for e in messages(po):
        expected = sorted(PLACEHOLDER.findall(e["msgid"]))
        plural_expected = sorted(PLACEHOLDER.findall(e.get("msgid_plural", e["msgid"])))
        for text in e["msgstr"] if isinstance(e["msgstr"], list) else [e["msgstr"]]:
            found = sorted(PLACEHOLDER.findall(text))
            # one plural form (Chinese) may follow the singular or the plural message
            if found not in (expected, plural_expected):
                wrong.append((e["msgid"], text))
    assert wrong == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parent.parent.parent.parent.name)
def test_the_committed_mo_is_compiled_from_the_po(po):
    with po.with_suffix(".mo").open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog
    stale = []
    for e in messages(po):
        key = f"{e['msgctxt']}\x04{e['msgid']}" if "msgctxt" in e else e["msgid"]
        if isinstance(e["msgstr"], list):
            compiled = [catalog.get((key, n)) for n in range(len(e["msgstr"]))]
        else:
            compiled = catalog.get(key)
        if compiled != e["msgstr"]:
            stale.append(e["msgid"])
    assert stale == [], "run `make messages` (compilemessages) and commit the .mo files"


@pytest.mark.parametrize(
    "message, chinese",
    [
        ("Merge suggestions", "合并建议"),
        ("Training gaps", "培训缺口"),
        ("Import and export", "导入与导出"),
    ],
)
def test_new_pages_speak_chinese(message, chinese):
    # the message is a parameter, not a literal in a gettext call: makemessages leaves it alone
    with translation.override("zh-hans"):
        assert translation.gettext(message) == chinese
