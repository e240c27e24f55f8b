"""The Simplified Chinese catalogues: up to date with the source (every message the code and
templates mark has an entry), every message translated, none fuzzy, placeholders kept, and the
committed .mo files compiled from the .po files as they are now."""

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

from nscap.core.message_catalogues import (
    CATALOGUES,
    LANGUAGES,
    LOCALE_DIRS,
    PACKAGE,
    is_translated,
    message_key,
    messages,
)

PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sd]|\{\w*\}")


def _catalogue_id(po: Path) -> str:
    """nscap-zh_Hans, interchange-zh_Hans: the app above the locale directory, the language."""
    return f"{po.parents[3].name}-{po.parents[1].name}"


@pytest.mark.parametrize("po", CATALOGUES, ids=_catalogue_id)
def test_every_message_is_translated_and_none_is_fuzzy(po):
    entries = messages(po)
    assert entries, f"no messages read from {po}"
    untranslated = [
        e["msgid"] + (" (fuzzy)" if e.get("fuzzy") else "") for e in entries if not is_translated(e)
    ]
    assert untranslated == [], "translate them: `python tools/untranslated.py` lists them"


@pytest.mark.parametrize("po", CATALOGUES, ids=_catalogue_id)
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


@pytest.mark.parametrize("po", CATALOGUES, ids=_catalogue_id)
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
        ("Names to reconcile", "待核对的名称"),
        ("Bulk decision: preview", "批量决定：预览"),
    ],
)
def test_new_pages_speak_chinese(message, chinese):
    # the message is a parameter, not a literal in a gettext call: makemessages leaves it alone
    with translation.override("zh-hans"):
        assert translation.gettext(message) == chinese


# makemessages drives these (xgettext extracts, the others merge into the catalogue)
GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib")
SOURCE_SUFFIXES = {".py", ".html", ".txt"}  # what makemessages reads for the "django" domain


def _copy_sources(target: Path) -> None:
    """The files makemessages would read, and the catalogues' locale directories left empty, so
    that each app's messages go where they go in the real tree."""
    for path in PACKAGE.rglob("*"):
        relative = path.relative_to(PACKAGE)
        if path.suffix in SOURCE_SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / relative)
    for directory in LOCALE_DIRS:
        (target / directory.relative_to(PACKAGE)).mkdir(parents=True, exist_ok=True)


def _source_catalogues(tmp_path: Path) -> dict[Path, set[tuple]]:
    """makemessages over a copy of the sources, into empty catalogues: the messages the source
    marks, per committed catalogue. Run in a subprocess with no LOCALE_PATHS, so that it cannot
    write into the real tree whatever goes wrong."""
    tree = tmp_path / PACKAGE.name
    _copy_sources(tree)
    (tmp_path / "guard_settings.py").write_text(
        "from nscap.test_settings import *  # noqa: F403\nLOCALE_PATHS = []\n"
    )
    paths = [str(tmp_path), str(PACKAGE.parent), os.environ.get("PYTHONPATH", "")]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "guard_settings",
        "PYTHONPATH": os.pathsep.join(filter(None, paths)),
    }
    languages = [option for language in LANGUAGES for option in ("-l", language)]
    # -P: the copied package's directory is the working directory, but must not be importable
    command = [sys.executable, "-P", "-m", "django", "makemessages", *languages]
    result = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        command, cwd=tree, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return {
        po: {_entry_id(e) for e in messages(tree / po.relative_to(PACKAGE))} for po in CATALOGUES
    }


def _entry_id(entry: dict) -> tuple:
    return (*message_key(entry), entry.get("msgid_plural", ""))


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in GETTEXT_TOOLS),
    reason="GNU gettext tools (xgettext, msgmerge) are not installed: apt-get install gettext",
)
def test_the_catalogues_are_up_to_date_with_the_source(tmp_path):
    """Fails when a branch adds, changes or removes a marked string without `make messages`:
    the new message would show in English, the removed one is dead weight."""
    locale_dirs = {path for path in PACKAGE.rglob("locale") if path.is_dir()}
    assert locale_dirs == set(LOCALE_DIRS), "list every locale directory in LOCALE_DIRS"
    from_source = _source_catalogues(tmp_path)
    for po, expected in from_source.items():
        committed = {_entry_id(e) for e in messages(po)}
        missing = sorted(expected - committed)
        no_longer_in_source = sorted(committed - expected)
        assert (missing, no_longer_in_source) == ([], []), (
            f"{po.relative_to(PACKAGE)} is out of date with the source: run `make messages`, "
            f"translate (`python tools/untranslated.py`), then `make messages` again"
        )
