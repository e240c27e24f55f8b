"""The translation catalogues (gettext .po files) and a small reader for them.

One reader for the tests that guard the catalogues (``core/tests/test_translations.py``) and for
``tools/untranslated.py``, which lists what is left to translate. Standard library only: the
tool runs without Django settings, and nothing here is imported by the running site.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
# The languages translated, as gettext names them (`make messages` passes each as -l), and the
# locale directories makemessages writes to: the project's, and each app's that has its own
# (makemessages files the messages of the code under it there instead).
LANGUAGES: list[str] = ["zh_Hans"]
LOCALE_DIRS: list[Path] = [PACKAGE / "locale", PACKAGE / "interchange" / "locale"]
CATALOGUES: list[Path] = [
    directory / language / "LC_MESSAGES" / "django.po"
    for directory in LOCALE_DIRS
    for language in LANGUAGES
]


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
    """The catalogue's messages, without its header."""
    return [e for e in read_po(path) if e["msgid"]]


def message_key(entry: dict) -> tuple[str, str]:
    """What identifies a message in a catalogue: its context (or "") and its msgid."""
    return entry.get("msgctxt", ""), entry["msgid"]


def is_translated(entry: dict) -> bool:
    """Every form has a translation and none is marked fuzzy (a guess gettext would not use)."""
    msgstr = entry["msgstr"]
    filled = all(msgstr) if isinstance(msgstr, list) else bool(msgstr)
    return filled and not entry.get("fuzzy")


def untranslated(path: Path) -> list[dict]:
    """The messages still to translate: empty, partly empty (plural forms) or fuzzy."""
    return [e for e in messages(path) if not is_translated(e)]
