"""The issue's examples on the brief's data: single words, prefixes, CJK without spaces, width
and accents folded, ranking, facets and "did you mean" (issue 17, item 2)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from nscap.search.selectors import SearchFilters, facets, ranked, start
from nscap.search.suggestions import did_you_mean

VISITOR = AnonymousUser()


def keys(text: str, result_type: str | None = None, **filters) -> list[str]:
    search = start(text, VISITOR, SearchFilters(**filters))
    return [entry.key for entry in ranked(search, result_type)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("japan", {"jaea", "iscn"}),
        ("atomic", {"caea", "jaea", "aelb", "iaea"}),
        ("academy", {"insa"}),
        ("原子力", {"jaea", "iaea"}),  # inside 日本原子力研究開発機構 and 国際原子力機関
        ("원자력", {"kinac", "nssc-korea", "iaea"}),  # 한국원자력통제기술원, 원자력안전위원회, …
        ("核安保", {"snstc"}),  # inside 国家核安保技术中心
        ("ＩＮＳＡ", {"insa"}),  # full-width letters
        ("Việt Nam", {"nssc-vietnam", "varans"}),  # accents and the space folded away
        ("acad", {"insa"}),  # a prefix
        ("核安", {"snstc"}),  # two CJK characters: below a trigram, matched by LIKE
    ],
)
def test_the_issues_examples_find_their_institutions(brief, query, expected):
    assert expected <= set(keys(query, "institution"))


def test_nuclear_security_finds_every_type_with_names_that_start_with_it_first(brief):
    search = start("nuclear security", VISITOR)
    assert {"institution", "course", "network", "source"} <= set(search.counts)
    institutions = keys("nuclear security", "institution")
    assert {"insa", "snstc", "nssc-malaysia", "nssc-vietnam", "iscn"} <= set(institutions)
    # "Nuclear Security Support Centre …" starts with the query: ranked before names that only
    # contain it (International Nuclear Security Academy).
    assert institutions.index("nssc-malaysia") < institutions.index("insa")
    assert institutions.index("nssc-vietnam") < institutions.index("insa")


def test_an_acronym_equal_to_the_query_ranks_first(brief):
    assert keys("INSA", "institution")[0] == "insa"
    assert keys("atomic energy licensing board", "institution")[0] == "aelb"


def test_counts_per_type_agree_with_the_hits(brief):
    search = start("nuclear", VISITOR)
    for result_type, count in search.counts.items():
        assert ranked(search, result_type).count() == count
    assert search.total == ranked(search).count()


def test_facets_count_the_hits_and_filters_narrow_them(brief):
    search = start("nuclear security", VISITOR)
    values = facets(search)
    japan = next(v for v in values["country"] if v.value == "JP")
    assert japan.label == "Japan"
    in_japan = keys("nuclear security", country="JP")
    assert japan.count == len(in_japan) > 0
    assert {"iscn"} <= set(in_japan) and "insa" not in in_japan
    kinds = {v.value: v.count for v in values["kind"]}
    assert kinds["center_of_excellence"] == len(
        keys("nuclear security", kind="center_of_excellence")
    )
    topic = values["topic"][0]
    assert topic.count == len(keys("nuclear security", topic=topic.value))
    assert values["year"], "courses and sources have years"
    year = values["year"][0]
    assert year.count == len(keys("nuclear security", year=int(year.value)))


def test_type_filter_keeps_counts_of_every_type(brief):
    search = start("nuclear security", VISITOR, SearchFilters(type="course"))
    assert {"institution", "course"} <= set(search.counts)
    assert {e.record_type for e in ranked(search)} == {"course"}


@pytest.mark.parametrize(
    ("query", "suggestion"),
    [("acadmy", "academy"), ("nuclaer securty", "nuclear security")],
)
def test_a_misspelling_finds_nothing_and_is_offered_a_fix(brief, query, suggestion):
    assert start(query, VISITOR).total == 0
    assert suggestion in did_you_mean(query, VISITOR)


def test_a_sloppy_full_name_is_offered_the_institution(brief):
    assert start("Internatonal Nuclear Securty Academy", VISITOR).total == 0
    assert "International Nuclear Security Academy" in did_you_mean(
        "Internatonal Nuclear Securty Academy", VISITOR
    )


def test_nonsense_and_stopwords_alone_find_nothing_and_suggest_nothing(brief):
    assert start("qqqqxz", VISITOR).total == 0
    assert did_you_mean("qqqqxz", VISITOR) == []
    assert start("the of", VISITOR).words == []
    assert start("%_", VISITOR).total == 0  # LIKE wildcards are not wildcards here


def test_an_old_sqlite_is_warned_about_and_search_still_finds(brief, monkeypatch):
    import sqlite3

    from nscap.search import checks, matching

    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))
    warnings = checks.sqlite_without_trigram()
    from django.db import connection

    if connection.vendor == "sqlite":
        assert [w.id for w in warnings] == ["search.W001"]
    monkeypatch.setattr(matching, "backend", lambda: "scan")
    assert {"jaea", "iaea"} <= set(keys("原子力", "institution"))
    assert keys("academy", "institution") == ["insa"]
