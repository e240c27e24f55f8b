"""Issue 15, found 9 / build 8: the brief's citations are complete. Every footnote of the brief
is cited by some record, or left out with a reason in ``brief/data/unplaced.toml``; Table 3 rows
cite their footnote on every claim of the row; every center profile cites each of its Table 1
focus cells."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from nscap.brief.reader import read_brief
from nscap.brief.tests.citing import BRIEF_SOURCE, citations_of
from nscap.brief.tests.test_loader import BRIEF_TEXT
from nscap.collaboration.models import CollaborationClaim
from nscap.institutions.models import CenterProfile
from nscap.sources.models import Citation

# The brief's endnotes run from 1 to 72 (its last marker: "seldom elaborated on.72").
BRIEF_FOOTNOTES = range(1, 73)


def unplaced_footnotes() -> dict[int, str]:
    """Footnote -> the reason it is left out, from ``unplaced.toml``."""
    return {
        item.row.footnote: item.row.reason
        for item in read_brief().rows("unplaced")
        if item.row.footnote is not None
    }


@pytest.mark.skipif(not BRIEF_TEXT.exists(), reason=f"the brief's text is not at {BRIEF_TEXT}")
def test_the_last_footnote_is_the_last_marker_of_the_brief():
    text = re.sub(r"\s+", " ", BRIEF_TEXT.read_text(encoding="utf-8"))
    assert f"elaborated on.{BRIEF_FOOTNOTES[-1]} " in text
    assert f"elaborated on.{BRIEF_FOOTNOTES[-1] + 1}" not in text


def test_every_footnote_is_cited_or_left_out_with_a_reason(brief):
    cited = set(
        Citation.objects.filter(source__key=BRIEF_SOURCE, footnote__isnull=False).values_list(
            "footnote", flat=True
        )
    )
    reasons = unplaced_footnotes()
    uncited = [n for n in BRIEF_FOOTNOTES if n not in cited]
    without_reason = [n for n in uncited if not reasons.get(n, "").strip()]
    assert not without_reason, (
        f"footnotes {without_reason} of the brief are cited by no record and have no reason in "
        "brief/data/unplaced.toml"
    )
    assert set(reasons) <= set(BRIEF_FOOTNOTES), "unplaced.toml names a footnote the brief lacks"


def test_every_claim_of_a_table_3_row_cites_the_row_footnote(brief):
    footnotes_by_row: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for claim in CollaborationClaim.objects.all():
        for citation in citations_of(claim, locator__startswith="Table 3"):
            footnotes_by_row[citation.locator][claim.key].add(citation.footnote)
    uneven = {
        row: dict(claims)
        for row, claims in footnotes_by_row.items()
        if any(None in f for f in claims.values()) and any(f - {None} for f in claims.values())
    }
    assert not uneven, f"Table 3 rows citing their footnote on some claims only: {uneven}"
    china = footnotes_by_row["Table 3, China row"]
    assert set(china) == {
        "snstc-iscn-asian-network",
        "snstc-insa-asian-network",
        "snstc-insa-materials-exchange",
    }
    assert all(footnotes == {48} for footnotes in china.values())


def test_every_profile_cites_each_focus_cell(brief):
    missing = [
        (profile.key, field)
        for profile in CenterProfile.objects.all()
        for field in ("geographic_focus", "topics", "activity_focus")
        if not citations_of(profile, field=field).exists()
    ]
    assert not missing
