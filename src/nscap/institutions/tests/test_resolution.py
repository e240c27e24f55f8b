"""Label resolution: institutions from any name, acronym or alias, in any script."""

import pytest
from django.contrib.auth.models import AnonymousUser

from nscap.institutions.resolution import (
    EXACT_ACRONYM,
    EXACT_NAME,
    FUZZY_MAX,
    INITIALS,
    MENTIONS_ACRONYM,
    TRANSLITERATION_MAX,
    LabelResolver,
    resolve_label,
)
from nscap.testing.factories import make_institution

pytestmark = pytest.mark.django_db

# key -> (English name, country, labels). Native names as in the institutions' own usage.
WORLD = {
    "snstc": (
        "State Nuclear Security Technology Center",
        "CN",
        [("SNSTC", "en", "Latn", "acronym"), ("国家核安保技术中心", "zh-Hans", "Hans", "name")],
    ),
    "caea": (
        "China Atomic Energy Authority",
        "CN",
        [("CAEA", "en", "Latn", "acronym"), ("国家原子能机构", "zh-Hans", "Hans", "name")],
    ),
    "csca": (
        "Center for Security Culture and Assessment",
        "ID",
        [("CSCA", "en", "Latn", "acronym")],
    ),
    "batan": (
        "National Nuclear Energy Agency of Indonesia",
        "ID",
        [
            ("BATAN", "id", "Latn", "acronym"),
            ("Badan Tenaga Nuklir Nasional", "id", "Latn", "name"),
        ],
    ),
    "bapeten": (
        "Nuclear Energy Regulatory Agency of Indonesia",
        "ID",
        [
            ("BAPETEN", "id", "Latn", "acronym"),
            ("Badan Pengawas Tenaga Nuklir", "id", "Latn", "name"),
        ],
    ),
    "i-consep": (
        "Indonesia Center of Excellence on Nuclear Security and Emergency Preparedness",
        "ID",
        [("I-CoNSEP", "en", "Latn", "acronym")],
    ),
    "iscn": (
        "Integrated Support Center for Nuclear Nonproliferation and Nuclear Security",
        "JP",
        [
            ("ISCN", "en", "Latn", "acronym"),
            ("核不拡散・核セキュリティ総合支援センター", "ja", "Jpan", "name"),
        ],
    ),
    "jaea": (
        "Japan Atomic Energy Agency",
        "JP",
        [("JAEA", "en", "Latn", "acronym"), ("日本原子力研究開発機構", "ja", "Jpan", "name")],
    ),
    "nssc-my": (
        "Nuclear Security Support Centre",
        "MY",
        [
            ("NSSC", "en", "Latn", "acronym"),
            ("Pusat Sokongan Keselamatan Nuklear", "ms", "Latn", "name"),
        ],
    ),
    "aelb": (
        "Atomic Energy Licensing Board",
        "MY",
        [
            ("AELB", "en", "Latn", "acronym"),
            ("Lembaga Perlesenan Tenaga Atom", "ms", "Latn", "name"),
        ],
    ),
    "insa": (
        "International Nuclear Security Academy",
        "KR",
        [("INSA", "en", "Latn", "acronym")],
    ),
    "kinac": (
        "Korea Institute of Nuclear Nonproliferation and Control",
        "KR",
        [("KINAC", "en", "Latn", "acronym"), ("한국원자력통제기술원", "ko", "Kore", "name")],
    ),
    "nssc-kr": (
        "Nuclear Safety and Security Commission",
        "KR",
        [("NSSC", "en", "Latn", "acronym"), ("원자력안전위원회", "ko", "Kore", "name")],
    ),
    "nssc-vn": (
        "Nuclear Security Support Centre",
        "VN",
        [("NSSC", "en", "Latn", "acronym")],
    ),
    "varans": (
        "Vietnam Agency for Radiation and Nuclear Safety",
        "VN",
        [
            ("VARANS", "en", "Latn", "acronym"),
            ("Cục An toàn bức xạ và hạt nhân", "vi", "Latn", "name"),
        ],
    ),
}


@pytest.fixture
def world():
    return {
        key: make_institution(key=key, name=name, country=country, labels=labels)
        for key, (name, country, labels) in WORLD.items()
    }


def keys(candidates):
    return [candidate.institution.key for candidate in candidates]


def top(text, **kwargs):
    candidates = resolve_label(text, **kwargs)
    assert candidates, f"nothing found for {text!r}"
    return candidates[0]


# --- exact hits, however the text is written -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key", "score"),
    [
        ("State Nuclear Security Technology Center", "snstc", EXACT_NAME),
        ("the state nuclear security technology centre", "snstc", EXACT_NAME),
        ("STATE NUCLEAR SECURITY TECHNOLOGY CENTRE (the)", "snstc", EXACT_NAME),
        ("SNSTC", "snstc", EXACT_ACRONYM),
        ("INSA.", "insa", EXACT_ACRONYM),
        ("ＩＮＳＡ", "insa", EXACT_ACRONYM),
        ("insa", "insa", EXACT_ACRONYM),
        ("Intl Nuclear Security Academy", "insa", EXACT_NAME),
        ("Int'l. Nuclear Security Academy", "insa", EXACT_NAME),
        ("i-consep", "i-consep", EXACT_ACRONYM),
        ("ICONSEP", "i-consep", EXACT_ACRONYM),
        ("I CoNSEP", "i-consep", EXACT_ACRONYM),
        ("Ｉ－ＣｏＮＳＥＰ", "i-consep", EXACT_ACRONYM),
        ("国家核安保技术中心", "snstc", EXACT_NAME),
        ("日本原子力研究開発機構", "jaea", EXACT_NAME),
        ("核不拡散・核セキュリティ総合支援センター", "iscn", EXACT_NAME),
        ("한국원자력통제기술원", "kinac", EXACT_NAME),
        ("한국 원자력 통제 기술원", "kinac", EXACT_NAME),
        ("Cục An toàn bức xạ và hạt nhân", "varans", EXACT_NAME),
        ("Cuc An toan buc xa va hat nhan", "varans", EXACT_NAME),
        ("CỤC AN TOÀN BỨC XẠ VÀ HẠT NHÂN", "varans", EXACT_NAME),
        ("Badan Tenaga Nuklir Nasional", "batan", EXACT_NAME),
        ("Badan Pengawas Tenaga Nuklir", "bapeten", EXACT_NAME),
        ("badan pengawas tenaga nuklir", "bapeten", EXACT_NAME),
        ("Lembaga Perlesenan Tenaga Atom", "aelb", EXACT_NAME),
        ("Pusat Sokongan Keselamatan Nuklear", "nssc-my", EXACT_NAME),
    ],
)
def test_exact_hits_in_any_script_and_spelling(world, text, key, score):
    candidates = resolve_label(text)
    assert keys(candidates) == [key]
    assert candidates[0].score == score


def test_matched_label_is_the_one_that_matched(world):
    candidate = top("国家核安保技术中心")
    assert candidate.matched_label.text == "国家核安保技术中心"
    assert candidate.matched_label.language == "zh-Hans"
    assert candidate.matched_label.institution_id == world["snstc"].pk


def test_indonesian_names_that_share_words_stay_apart(world):
    # BATAN and BAPETEN share "Badan ... Tenaga Nuklir"; neither may be offered for the other.
    assert keys(resolve_label("Badan Tenaga Nuklir Nasional")) == ["batan"]
    assert keys(resolve_label("Badan Pengawas Tenaga Nuklir")) == ["bapeten"]
    typo = resolve_label("Badan Tenaga Nuklear Nasional")
    assert keys(typo) == ["batan"]
    assert 0.6 <= typo[0].score < EXACT_NAME


# --- ambiguity -------------------------------------------------------------------------------


def test_ambiguous_acronym_returns_every_institution_it_names(world):
    candidates = resolve_label("NSSC")
    assert sorted(keys(candidates)) == ["nssc-kr", "nssc-my", "nssc-vn"]
    assert {candidate.score for candidate in candidates} == {EXACT_ACRONYM}


def test_ambiguous_name_returns_both_centres(world):
    assert sorted(keys(resolve_label("Nuclear Security Support Center"))) == [
        "nssc-my",
        "nssc-vn",
    ]


def test_text_mentioning_an_acronym_finds_it_weakly(world):
    candidate = top("INSA, South Korea")
    assert candidate.institution.key == "insa"
    assert candidate.score == MENTIONS_ACRONYM
    assert sorted(keys(resolve_label("NSSC, Malaysia"))) == ["nssc-kr", "nssc-my", "nssc-vn"]


# --- fuzzy hits ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("State Nuclear Security Tech Centre", "snstc"),
        ("Intenational Nuclear Securty Academy", "insa"),
        ("Nuclear Security Academy, International", "insa"),
        ("International Nuclear Security Academy (Korea)", "insa"),
        ("Japan Atomic Energy Agncy", "jaea"),
        ("核安保技术中心", "snstc"),  # without 国家 (national)
        ("國家核安保技術中心", "snstc"),  # traditional characters
        ("日本原子力研究開発機構(JAEA)", "jaea"),
        ("原子力研究開発機構", "jaea"),
        ("한국원자력통제기술연구원", "kinac"),
        ("Cuc An toan buc xa hat nhan", "varans"),
    ],
)
def test_sloppy_variants_rank_the_right_institution_first(world, text, key):
    candidates = resolve_label(text)
    assert candidates[0].institution.key == key
    assert 0.6 <= candidates[0].score <= FUZZY_MAX


def test_initials_of_a_name_find_it_below_a_real_acronym(world):
    unlisted = make_institution(key="nsti", name="Nuclear Security Training Institute")
    candidate = top("NSTI")
    assert candidate.institution == unlisted
    assert candidate.score == INITIALS
    assert candidate.matched_label.text == "Nuclear Security Training Institute"


def test_a_candidate_appears_once_with_its_best_label(world):
    kaeri = make_institution(
        key="kaeri",
        name="Korea Atomic Energy Research Institute",
        labels=[("Korea Atomic Energy Research Inst.", "en", "Latn", "alias")],
    )
    candidates = resolve_label("Korea Atomic Energy Research Institut")
    assert keys(candidates).count("kaeri") == 1
    assert candidates[0].institution == kaeri
    assert candidates[0].matched_label.text == "Korea Atomic Energy Research Institute"


def test_scores_are_in_range_ranked_and_limited(world):
    candidates = resolve_label("Nuclear Security Center", limit=50)
    scores = [candidate.score for candidate in candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= score <= 1.0 for score in scores)
    assert len(resolve_label("NSSC", limit=2)) == 2
    assert resolve_label("NSSC", limit=0) == []


# --- junk ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "--",
        "the",
        "XYZ",
        "NSC",  # a near acronym is not a match: acronyms are not fuzzy-matched
        "Quantum Bakery Association",
        "Royal Botanic Gardens",
        "中心",  # "center" alone
        "核",
        "Guojia",  # "national" alone, romanized
    ],
)
def test_unknown_text_returns_nothing(world, text):
    assert resolve_label(text) == []


# --- transliteration (weak, strict) ----------------------------------------------------------


def test_full_pinyin_finds_the_chinese_name_weakly(world):
    candidate = top("Guojia He Anbao Jishu Zhongxin")
    assert candidate.institution.key == "snstc"
    assert candidate.score <= TRANSLITERATION_MAX
    assert candidate.matched_label.script == "Hans"


def test_half_of_the_pinyin_from_the_start_finds_it_weakly(world):
    assert keys(resolve_label("Guojia He Anbao")) == ["snstc"]


def test_romanized_korean_finds_kinac_weakly(world):
    candidate = top("Hanguk Wonjaryeok Tongje Gisulwon")
    assert candidate.institution.key == "kinac"
    assert candidate.score <= TRANSLITERATION_MAX


def test_transliteration_does_not_cross_match_other_names(world):
    # English names of other institutions never land on a CJK name through romanization.
    assert "snstc" not in keys(resolve_label("China Atomic Energy Authority"))
    assert keys(resolve_label("China Atomic Energy Authority")) == ["caea"]
    # Japanese kanji romanize as Mandarin, so Hepburn romaji does not match: no guess is made.
    assert resolve_label("Nihon Genshiryoku Kenkyu Kaihatsu Kiko") == []


# --- visibility ------------------------------------------------------------------------------


@pytest.fixture
def hidden():
    return make_institution(
        key="hidden",
        name="Restricted Nuclear Security Support Centre",
        sensitivity="restricted",
        labels=[("NSSC", "en", "Latn", "acronym"), ("秘密中心名称", "zh-Hans", "Hans", "name")],
    )


@pytest.mark.parametrize("visitor", [None, AnonymousUser()])
def test_restricted_institution_is_not_returned_to_a_visitor(world, hidden, visitor):
    assert "hidden" not in keys(resolve_label("NSSC", user=visitor))
    assert len(resolve_label("NSSC", user=visitor)) == 3
    assert resolve_label("Restricted Nuclear Security Support Centre", user=visitor)[0].score < 1
    assert "hidden" not in keys(resolve_label("Restricted Nuclear Security Support Centre"))
    assert resolve_label("秘密中心名称", user=visitor) == []


def test_restricted_institution_is_returned_to_a_steward(world, hidden, steward):
    assert "hidden" in keys(resolve_label("NSSC", user=steward))
    assert len(resolve_label("NSSC", user=steward)) == 4
    assert keys(resolve_label("Restricted Nuclear Security Support Centre", user=steward)) == [
        "hidden"
    ]
    assert keys(resolve_label("秘密中心名称", user=steward)) == ["hidden"]


def test_network_institution_is_hidden_from_a_signed_in_member_without_role(
    world, django_user_model
):
    make_institution(key="net", name="Networked Centre", sensitivity="network")
    user = django_user_model.objects.create_user("member", password="a-long-test-password")
    assert resolve_label("Networked Centre", user=user) == []


# --- cost ------------------------------------------------------------------------------------


def test_query_count_does_not_grow_with_the_number_of_labels(world, django_assert_max_num_queries):
    for number in range(30):
        make_institution(key=f"extra-{number}", name=f"Nuclear Security Center {number}")
    with django_assert_max_num_queries(4):
        candidates = resolve_label("Nuclear Securty Centre 1", limit=50)
    assert len(candidates) > 10
    with django_assert_max_num_queries(3):
        assert keys(resolve_label("INSA")) == ["insa"]


# --- many texts at once (imports) ------------------------------------------------------------

MANY_TEXTS = [
    "NSSC", "INSA, South Korea", "State Nuclear Security Tech Centre", "国家核安保技术中心",
    "Intenational Nuclear Securty Academy", "한국원자력통제기술연구원", "Guojia He Anbao Jishu",
    "Restricted Nuclear Security Support Centre", "秘密中心名称", "nothing like any name", "",
]  # fmt: skip


def _answer(candidates):
    return [(c.institution.key, c.score, c.matched_label.pk) for c in candidates]


@pytest.mark.parametrize("who", ["visitor", "steward"])
def test_label_resolver_answers_as_resolve_label(world, hidden, steward, who):
    user = steward if who == "steward" else None
    resolver = LabelResolver(user)
    for limit in (1, 10):
        for text in MANY_TEXTS:
            expected = resolve_label(text, user=user, limit=limit)
            assert _answer(resolver.resolve(text, limit=limit)) == _answer(expected), text


def test_label_resolver_reads_the_labels_once_for_many_texts(world, django_assert_max_num_queries):
    resolver = LabelResolver()
    resolver.resolve("NSSC")
    with django_assert_max_num_queries(0):  # every candidate and label already read
        for _round in range(3):
            assert sorted(keys(resolver.resolve("NSSC"))) == ["nssc-kr", "nssc-my", "nssc-vn"]
            resolver.resolve("nothing like any name")
