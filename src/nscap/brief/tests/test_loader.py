"""The loader: counts, idempotence, clear errors on bad data, nothing half-written."""

from __future__ import annotations

import io
import os
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from nscap.activities.models import AggregateClaim, Course
from nscap.brief.loader import load_brief
from nscap.brief.reader import BRIEF_DATA_DIR, VOCABULARY_DATA_DIR, BriefDataError, read_brief
from nscap.collaboration.models import CollaborationClaim
from nscap.institutions.models import CenterProfile, Institution, Label, Milestone
from nscap.needs.models import NeedsAssessment
from nscap.networks.models import Membership, Network
from nscap.quantities.models import Quantity
from nscap.sources.models import Citation, Source
from nscap.vocabularies.models import TargetGroup, Topic

RECORD_MODELS = [
    Source,
    Topic,
    TargetGroup,
    Institution,
    CenterProfile,
    Milestone,
    Network,
    Membership,
    Course,
    AggregateClaim,
    NeedsAssessment,
    Quantity,
    CollaborationClaim,
]
BRIEF_TEXT = Path(
    os.environ.get(
        "NSCAP_BRIEF_TEXT",
        Path(__file__).resolve().parents[4] / ".." / "shared" / "seed" / "000_0b9013b0aebed260.txt",
    )
)


def snapshot() -> dict:
    """Every loaded row's identity, version and last-modified time."""
    state: dict = {
        model._meta.label: set(model.objects.values_list("key", "version", "updated_at"))
        for model in RECORD_MODELS
    }
    state["labels"] = set(Label.objects.values_list("pk", "text", "normalized", "preferred"))
    state["citations"] = set(Citation.objects.values_list("pk", "footnote", "quote", "locator"))
    return state


def copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "brief"
    shutil.copytree(BRIEF_DATA_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_first_load_reports_what_it_created(db):
    report = load_brief()
    assert report.count(Institution, "created") == 20
    assert report.count(Course, "created") == 30
    assert report.count(CollaborationClaim, "created") == 22
    assert report.count(Milestone, "created") == 16
    assert report.count(Quantity, "created") == Quantity.objects.count() >= 35
    data = read_brief()
    cites = sum(
        len(item.row.cite)
        for items in data.tables.values()
        for item in items
        if hasattr(item.row, "cite")
    )
    assert report.count(Citation, "created") == Citation.objects.count() == cites
    assert report.total("updated") == report.total("unchanged") == 0
    assert any("Joint Statement" in fact for fact in report.unplaced)


def test_loading_twice_changes_nothing(db):
    load_brief()
    before = snapshot()
    report = load_brief()
    assert report.total("created") == report.total("updated") == 0
    assert report.count(Institution, "unchanged") == 20
    assert not report.changed
    assert snapshot() == before


def test_a_changed_row_is_updated_and_its_version_bumped(db, tmp_path):
    load_brief()
    data_dir = copy_data(tmp_path)
    edit(data_dir / "figures.toml", "value = 108\n", "value = 109\n")
    report = load_brief(data_dir=data_dir)
    assert report.count(Quantity, "updated") == 1
    assert report.total("created") == 0
    courses = Quantity.objects.get(key="iaea-2014-courses")
    assert (courses.value, courses.version) == (109, 2)
    assert Quantity.objects.get(key="iaea-2014-people-trained").version == 1


def test_a_bad_value_names_file_table_key_and_field_and_writes_nothing(db, tmp_path):
    data_dir = copy_data(tmp_path)
    edit(
        data_dir / "figures.toml",
        'value = 3000\nqualifier = "almost"',
        'value = 3000\nqualifier = "roughly"',
    )
    with pytest.raises(BriefDataError) as error:
        load_brief(data_dir=data_dir)
    message = str(error.value)
    assert "brief/figures.toml" in message
    assert "[[quantity]] key 'iaea-2014-people-trained'" in message
    assert "'qualifier'" in message and "'roughly' is not one of" in message
    assert Institution.objects.count() == Source.objects.count() == Topic.objects.count() == 0


def test_bad_data_leaves_a_loaded_registry_as_it_was(db, tmp_path):
    load_brief()
    before = snapshot()
    data_dir = copy_data(tmp_path)
    edit(data_dir / "profiles.toml", 'date = "2014-09"', 'date = "2014-13"')
    with pytest.raises(BriefDataError, match=r"profiles.toml: \[\[milestone\]\] key 'csca-inaugur"):
        load_brief(data_dir=data_dir)
    assert snapshot() == before


def test_a_row_the_model_refuses_midway_rolls_everything_back(db, tmp_path):
    # A title longer than the column passes the TOML schema; the model refuses it after the
    # institutions are written: the whole load must roll back.
    data_dir = copy_data(tmp_path)
    edit(data_dir / "courses.toml", 'title = "Nuclear forensics"', f'title = "{"x" * 400}"')
    with pytest.raises(BriefDataError, match=r"iscn-nuclear-forensics.*refused by the model"):
        load_brief(data_dir=data_dir)
    assert Institution.objects.count() == Course.objects.count() == Citation.objects.count() == 0


def test_invalid_toml_names_the_file_and_line(db, tmp_path):
    data_dir = copy_data(tmp_path)
    edit(data_dir / "collaboration.toml", 'key = "insen"', 'key = "insen')
    with pytest.raises(BriefDataError, match=r"collaboration.toml: not valid TOML: .*line \d+"):
        load_brief(data_dir=data_dir)


def test_unknown_reference_names_the_field(db, tmp_path):
    data_dir = copy_data(tmp_path)
    edit(data_dir / "institutions.toml", 'parent = "kinac"', 'parent = "kinak"')
    with pytest.raises(BriefDataError) as error:
        load_brief(data_dir=data_dir)
    assert "[[institution]] key 'insa': field 'parent': 'kinak' is not the key of any" in str(
        error.value
    )


def test_unknown_field_and_duplicate_key_are_refused(db, tmp_path):
    data_dir = copy_data(tmp_path)
    edit(data_dir / "figures.toml", 'unit = "courses"', 'unit = "courses"\nunits = "x"')
    with pytest.raises(BriefDataError, match=r"key 'iaea-2014-courses': field 'units': Extra"):
        load_brief(data_dir=data_dir)
    data_dir = copy_data(tmp_path / "again")
    edit(data_dir / "figures.toml", 'key = "iaea-2014-courses"', 'key = "iaea-2014-people-trained"')
    with pytest.raises(BriefDataError, match="duplicate key"):
        load_brief(data_dir=data_dir)


def test_a_fact_without_citation_is_refused(db, tmp_path):
    data_dir = copy_data(tmp_path)
    path = data_dir / "profiles.toml"
    text = path.read_text(encoding="utf-8")
    block = re.search(
        r'(\[\[milestone\]\]\nkey = "insa-began-operation".*?)cite = \[.*?\n\]\n', text, re.S
    )
    path.write_text(text.replace(block.group(0), block.group(1) + "cite = []\n"), encoding="utf-8")
    with pytest.raises(BriefDataError, match=r"insa-began-operation': field 'cite'"):
        load_brief(data_dir=data_dir)


def test_command_prints_counts_then_nothing_changed(db):
    out = io.StringIO()
    call_command("load_brief", stdout=out)
    first = out.getvalue()
    assert re.search(r"institutions\.Institution\s+20\s+0\s+0", first)
    assert "Loaded the brief" in first
    out = io.StringIO()
    call_command("load_brief", stdout=out)
    assert re.search(r"institutions\.Institution\s+0\s+0\s+20", out.getvalue())
    assert "nothing changed" in out.getvalue()


def test_command_reports_bad_data_as_a_command_error(db, tmp_path):
    data_dir = copy_data(tmp_path)
    edit(
        data_dir / "institutions.toml",
        'country = "CN"\nparent = "caea"',
        'country = "China"\nparent = "caea"',
    )
    with pytest.raises(
        CommandError, match=r"institutions.toml: \[\[institution\]\] key 'snstc': field 'country'"
    ):
        call_command("load_brief", data_dir=data_dir, stdout=io.StringIO())
    assert Institution.objects.count() == 0


def test_vocabularies_map_topics_to_the_nuclear_security_series(db):
    load_brief()
    nss = dict(Topic.objects.values_list("key", "nss_references"))
    assert "NSS 13" in nss["physical-protection"]
    assert nss["security-culture"] == ["NSS 7"]
    assert nss["insider-threat"] == ["NSS 8"]
    assert nss["nuclear-forensics"] == ["NSS 2-G"]
    assert nss["educational-programme"] == ["NSS 12"]
    assert (
        Topic.objects.get(key="security-culture-self-assessment").parent.key == "security-culture"
    )
    assert Topic.objects.get(key="nuclear-security").name_zh == "核安保"
    assert Topic.objects.get(key="nuclear-safety").name_zh == "核安全"
    assert "Royal Malaysia Police" in TargetGroup.objects.get(key="police").aliases


def test_vocabulary_errors_name_the_vocabulary_file(db, tmp_path):
    vocabulary_dir = tmp_path / "vocabularies"
    shutil.copytree(VOCABULARY_DATA_DIR, vocabulary_dir)
    edit(vocabulary_dir / "topics.toml", 'parent = "security-culture"', 'parent = "culture"')
    with pytest.raises(BriefDataError, match=r"topics.toml: \[\[topic\]\] key 'security-culture-s"):
        load_brief(vocabulary_dir=vocabulary_dir)


def _normalize(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"(?<=\w)- (?=\w)", "-", text).strip()


@pytest.mark.skipif(not BRIEF_TEXT.exists(), reason=f"the brief's text is not at {BRIEF_TEXT}")
def test_every_quote_is_verbatim_in_the_brief():
    text = _normalize(BRIEF_TEXT.read_text(encoding="utf-8"))
    missing = []
    for path in sorted(BRIEF_DATA_DIR.glob("*.toml")):
        for table, rows in tomllib.loads(path.read_text(encoding="utf-8")).items():
            for row in rows:
                quotes = [cite["quote"] for cite in row.get("cite", [])]
                quotes += [row["quote"]] if table == "unplaced" else []
                missing += [
                    (path.name, row.get("key"), q) for q in quotes if _normalize(q) not in text
                ]
    assert not missing
