"""Folding labels to the form resolution compares."""

import pytest

from nscap.institutions.normalize import compact, initials, normalize_label, romanize
from nscap.testing.factories import make_institution


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("State Nuclear Security Technology Center", "state nuclear security technology center"),
        (
            "the State Nuclear Security Technology Centre",
            "state nuclear security technology center",
        ),
        (
            "The  state nuclear security technology CENTRE.",
            "state nuclear security technology center",
        ),
        ("ＩＮＳＡ", "insa"),
        ("INSA.", "insa"),
        ("I-CoNSEP", "i consep"),
        ("Việt Nam", "viet nam"),
        ("Cục An toàn bức xạ và hạt nhân", "cuc an toan buc xa va hat nhan"),
        ("Đà Nẵng", "da nang"),
        ("Int'l Nuclear Security Academy", "international nuclear security academy"),
        ("Intl. Nuclear Security Academy", "international nuclear security academy"),
        ("Organisation for Security", "organization security"),
        ("Straße Øresund Łódź", "strasse oresund lodz"),
        ("国家核安保技术中心", "国家核安保技术中心"),
        ("核不拡散・核セキュリティ総合支援センター", "核不拡散 核セキュリティ総合支援センター"),
        ("ｶﾞｲﾄﾞ", "ガイド"),  # half-width katakana with a voicing mark
        ("한국원자력통제기술원", "한국원자력통제기술원"),
        ("", ""),
        ("  -- ( ) --  ", ""),
        ("The", ""),
    ],
)
def test_normalize_label(text, folded):
    assert normalize_label(text) == folded


def test_normalize_label_handles_none():
    assert normalize_label(None) == ""


def test_inner_the_and_centre_are_folded_wherever_they_stand():
    assert normalize_label("Centre for the Study of the Centre") == normalize_label(
        "center study center"
    )


def test_kana_voicing_marks_are_not_stripped_like_accents():
    # が (ga) and か (ka) are different syllables; accents on Latin letters are not.
    assert normalize_label("が") != normalize_label("か")
    assert normalize_label("é") == normalize_label("e")


def test_compact_ignores_spacing_and_punctuation():
    forms = {compact(normalize_label(t)) for t in ("I-CoNSEP", "ICONSEP", "I CoNSEP", "i.consep")}
    assert forms == {"iconsep"}
    assert compact(normalize_label("한국 원자력 통제 기술원")) == "한국원자력통제기술원"


def test_initials_skip_stopwords():
    assert initials(normalize_label("Center for Security Culture and Assessment")) == "csca"
    assert initials(normalize_label("State Nuclear Security Technology Center")) == "snstc"


def test_romanize_gives_compact_latin():
    assert romanize("国家核安保技术中心") == "guojiaheanbaojishuzhongxin"
    assert romanize("insa") == "insa"


@pytest.mark.django_db
def test_label_save_stores_the_folded_form():
    institution = make_institution(
        name="The International Nuclear Security Academy",
        labels=[("ＩＮＳＡ", "en", "Latn", "acronym")],
    )
    stored = dict(institution.labels.values_list("text", "normalized"))
    assert stored == {
        "The International Nuclear Security Academy": "international nuclear security academy",
        "ＩＮＳＡ": "insa",
    }
