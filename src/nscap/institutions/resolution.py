"""Label resolution: find institutions from any name, acronym or alias, in any script.

Interface (stable; search and imports rely on it):

    resolve_label(text, *, user=None, limit=10) -> list[Candidate]
    LabelResolver(user).resolve(text, limit=10)  # the same, for many texts (an import)

Candidates are ranked best first, each with a score in [0, 1] and the label that matched.
Ambiguous text ("NSSC") returns several candidates rather than a guess.

How a score is earned (the first tier that fires for a label wins; an institution keeps its
best label):

==========  ==============================================================================
1.00        the folded text equals a name or alias (ignoring spaces: I-CoNSEP = ICONSEP)
0.95        the folded text equals an acronym label
0.90        the text is the initials of a name (SNSTC for State Nuclear Security Technology
            Center)
0.70        a multi-word text mentions an acronym as a whole word ("INSA, South Korea")
0.60-0.80   fuzzy similarity (rapidfuzz) at or above ``FUZZY_FLOOR``: word-order-insensitive
            for Latin text, character-level for text without spaces (Chinese, Japanese, Korean)
0.60-0.70   a transliteration (anyascii) of a non-Latin label matches Latin text, or the reverse;
            kept weak and strict because romanization of Han characters is ambiguous
==========  ==============================================================================

Only labels of institutions that ``Institution.objects.visible_to(user)`` returns are read, so a
hidden institution is never a candidate, nor does it change anyone else's score.

Learned aliases (label kind ``learned``, written by a reconciliation decision) name an
institution only in their context: ``resolve_label`` never reads them; ``learned_alias`` finds
the one whose text and context (location country, reporter) match a row exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from rapidfuzz import fuzz, process

from nscap.institutions.choices import LabelKind
from nscap.institutions.models import Institution, Label
from nscap.institutions.normalize import (
    compact,
    initials,
    is_latin_text,
    normalize_label,
    romanize,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.db.models import QuerySet

EXACT_NAME = 1.0
EXACT_ACRONYM = 0.95
INITIALS = 0.90
MENTIONS_ACRONYM = 0.70
FUZZY_MAX = 0.80
TRANSLITERATION_MAX = 0.70

FUZZY_FLOOR = 75  # rapidfuzz similarity (0-100) below which a fuzzy hit is junk
TRANSLITERATION_FLOOR = 88  # stricter: romanized Han and Hangul collide easily
MIN_FUZZY_LENGTH = 5  # compact Latin text shorter than this is an acronym, not a name
MIN_FUZZY_LENGTH_NON_LATIN = 2  # one CJK character is too little; two can be a name
MIN_INITIALS_LENGTH = 3
MIN_ROMANIZED_LENGTH = 10  # "Guojia", "Hanguk" alone name nothing
PREFIX_COVERAGE = 0.5


@dataclass(frozen=True)
class Candidate:
    """One institution the text may name, how sure we are (0-1) and the label that matched."""

    institution: Institution
    score: float
    matched_label: Label


class _Row(NamedTuple):
    label_id: int
    institution_id: int
    kind: str
    normalized: str


class _Query(NamedTuple):
    normalized: str
    compact: str
    latin: bool
    romanized: str


def resolve_label(
    text: str,
    *,
    user: AbstractBaseUser | AnonymousUser | None = None,
    limit: int = 10,
) -> list[Candidate]:
    """Institutions that ``text`` may name, best first, each once, with a score in [0, 1].

    Exact hits are found in the database through the indexed ``Label.normalized`` column; when
    there are any, they are the answer (all of them, when the text is ambiguous). Otherwise the
    labels of the institutions ``user`` may see are scored in Python. Text that matches nothing
    well enough returns ``[]``. Callers: search, imports, record linkage.
    """
    normalized = normalize_label(text)
    if not normalized or limit <= 0:
        return []
    labels = _visible_labels(user)
    best = _exact_hits(labels, normalized)
    if not best:
        query = _Query(
            normalized, compact(normalized), is_latin_text(normalized), romanize(normalized)
        )
        rows = [
            _Row(*values)
            for values in labels.values_list("id", "institution_id", "kind", "normalized")
        ]
        best = _scan(query, rows)
    return _candidates(best, user, limit)


class LabelResolver:
    """``resolve_label`` for many texts of one viewer: the visible labels, and the institutions
    and labels of candidates, are read once, not once per text.

    An import resolves every distinct name of its file (thousands in a crowd file); read per
    text, the labels and candidates cost ~80 ms a name on a loaded 2-core machine, most of the
    import (issue 14's bench). Answers equal ``resolve_label``'s for the registry as it was
    when first asked: use one per import or request, not across writes.
    """

    def __init__(self, user: AbstractBaseUser | AnonymousUser | None = None):
        self.user = user
        self._rows: list[_Row] | None = None
        self._exact: dict[str, list[_Row]] = {}
        self._institutions: dict[int, Institution] = {}
        self._labels: dict[int, Label] = {}

    def resolve(self, text: str, *, limit: int = 10) -> list[Candidate]:
        """As ``resolve_label(text, user=self.user, limit=limit)``."""
        normalized = normalize_label(text)
        if not normalized or limit <= 0:
            return []
        if self._rows is None:
            self._rows = [
                _Row(*values)
                for values in _visible_labels(self.user).values_list(
                    "id", "institution_id", "kind", "normalized"
                )
            ]
            for row in self._rows:
                self._exact.setdefault(row.normalized, []).append(row)
        best: dict[int, tuple[float, int]] = {}
        for row in self._exact.get(normalized, ()):
            score = EXACT_ACRONYM if row.kind == LabelKind.ACRONYM else EXACT_NAME
            _keep(best, row.institution_id, score, row.label_id)
        if not best:
            query = _Query(
                normalized, compact(normalized), is_latin_text(normalized), romanize(normalized)
            )
            best = _scan(query, self._rows)
        return self._candidates(best, limit)

    def _candidates(self, best: dict[int, tuple[float, int]], limit: int) -> list[Candidate]:
        if best and not self._institutions:  # every visible one at once: two queries in all
            rows = self._rows or []
            self._institutions = Institution.objects.visible_to(self.user).in_bulk(
                {row.institution_id for row in rows}
            )
            self._labels = Label.objects.in_bulk([row.label_id for row in rows])
        institutions = {pk: self._institutions[pk] for pk in best if pk in self._institutions}
        ranked = sorted(
            (item for item in best.items() if item[0] in institutions),
            key=lambda item: (-item[1][0], institutions[item[0]].name, institutions[item[0]].key),
        )
        return [
            Candidate(institutions[pk], score, self._labels[label_id])
            for pk, (score, label_id) in ranked[:limit]
        ]


def _visible_labels(user: AbstractBaseUser | AnonymousUser | None) -> QuerySet[Label]:
    return (
        Label.objects.filter(institution__in=Institution.objects.visible_to(user).values("pk"))
        .exclude(kind=LabelKind.LEARNED)
        .order_by()
    )


def learned_alias(
    text: str,
    country: str,
    reporter: str,
    *,
    user: AbstractBaseUser | AnonymousUser | None = None,
) -> Institution | None:
    """The institution a reconciliation decision taught ``text`` to name in rows located in
    ``country`` and reported by ``reporter`` (an institution key; "" for none), if exactly one
    visible institution has such a learned alias; a learned alias is preferred to any other
    resolution in its context, since a person chose it for these very rows."""
    normalized = normalize_label(text)
    if not normalized:
        return None
    ids = set(
        Label.objects.filter(
            kind=LabelKind.LEARNED,
            normalized=normalized,
            context_country=country or "",
            context_reporter=reporter or "",
        ).values_list("institution_id", flat=True)
    )
    if len(ids) != 1:
        return None
    return Institution.objects.visible_to(user).filter(pk__in=ids).first()


def _exact_hits(labels: QuerySet[Label], normalized: str) -> dict[int, tuple[float, int]]:
    """Institution id -> (score, label id) for labels whose stored folded form equals the text."""
    best: dict[int, tuple[float, int]] = {}
    for label_id, institution_id, kind in labels.filter(normalized=normalized).values_list(
        "id", "institution_id", "kind"
    ):
        _keep(
            best,
            institution_id,
            EXACT_ACRONYM if kind == LabelKind.ACRONYM else EXACT_NAME,
            label_id,
        )
    return best


def _scan(query: _Query, rows: list[_Row]) -> dict[int, tuple[float, int]]:
    """Score every visible label in Python; institution id -> (best score, label id)."""
    best: dict[int, tuple[float, int]] = {}
    words = set(query.normalized.split())
    fuzzy_rows: list[_Row] = []
    for row in rows:
        label_compact = compact(row.normalized)
        if label_compact == query.compact:
            score = EXACT_ACRONYM if row.kind == LabelKind.ACRONYM else EXACT_NAME
            _keep(best, row.institution_id, score, row.label_id)
        elif row.kind == LabelKind.ACRONYM:
            if (
                len(words) > 1
                and len(label_compact) >= MIN_INITIALS_LENGTH
                and row.normalized in words
            ):
                _keep(best, row.institution_id, MENTIONS_ACRONYM, row.label_id)
        else:
            if (
                query.latin
                and " " not in query.normalized
                and len(query.compact) >= MIN_INITIALS_LENGTH
                and is_latin_text(row.normalized)
                and initials(row.normalized) == query.compact
            ):
                _keep(best, row.institution_id, INITIALS, row.label_id)
            fuzzy_rows.append(row)
    _score_fuzzy(query, fuzzy_rows, best)
    _score_transliterated(query, fuzzy_rows, best)
    return best


def _score_fuzzy(query: _Query, rows: list[_Row], best: dict[int, tuple[float, int]]) -> None:
    """Fuzzy similarity within one script family, computed in C by rapidfuzz."""
    minimum = MIN_FUZZY_LENGTH if query.latin else MIN_FUZZY_LENGTH_NON_LATIN
    if len(query.compact) < minimum:
        return
    same_script = [row for row in rows if is_latin_text(row.normalized) == query.latin]
    # Character-level similarity of the forms without spaces: the only measure that works for
    # Chinese and Japanese (no spaces between words) and Korean (spacing varies).
    scored = _extract(query.compact, [compact(row.normalized) for row in same_script], fuzz.ratio)
    if query.latin:
        # Word order does not matter in Latin names ("Academy, International Nuclear Security").
        by_words = _extract(
            query.normalized, [row.normalized for row in same_script], fuzz.token_sort_ratio
        )
        for index, similarity in by_words.items():
            scored[index] = max(scored.get(index, 0.0), similarity)
    for index, similarity in scored.items():
        row = same_script[index]
        _keep(best, row.institution_id, round(FUZZY_MAX * similarity / 100, 3), row.label_id)


def _score_transliterated(
    query: _Query, rows: list[_Row], best: dict[int, tuple[float, int]]
) -> None:
    """Weak cross-script hits: Latin text against romanized non-Latin labels, and the reverse.

    A whole-name match must be close (``TRANSLITERATION_FLOOR``); romanized text that is the
    start of a romanized name ("Guojia He Anbao" for 国家核安保技术中心) counts only when it
    covers at least half of it, so a generic opening word ("Guojia", national) matches nothing.
    """
    if len(query.romanized) < MIN_ROMANIZED_LENGTH:
        return
    for row in rows:
        if is_latin_text(row.normalized) == query.latin:
            continue
        form = romanize(row.normalized) if query.latin else compact(row.normalized)
        similarity = fuzz.ratio(query.romanized, form, score_cutoff=TRANSLITERATION_FLOOR)
        covers = len(query.romanized) >= PREFIX_COVERAGE * len(form)
        if not similarity and covers and form.startswith(query.romanized):
            similarity = TRANSLITERATION_FLOOR
        if similarity:
            score = round(TRANSLITERATION_MAX * similarity / 100, 3)
            _keep(best, row.institution_id, score, row.label_id)


def _extract(query: str, choices: list[str], scorer: Callable[..., float]) -> dict[int, float]:
    """Index of each choice at or above ``FUZZY_FLOOR`` -> its similarity (0-100)."""
    if not choices:
        return {}
    matches = process.extract(query, choices, scorer=scorer, score_cutoff=FUZZY_FLOOR, limit=None)
    return {index: similarity for _, similarity, index in matches}


def _keep(
    best: dict[int, tuple[float, int]], institution_id: int, score: float, label_id: int
) -> None:
    if score > best.get(institution_id, (-1.0, 0))[0]:
        best[institution_id] = (score, label_id)


def _candidates(
    best: dict[int, tuple[float, int]],
    user: AbstractBaseUser | AnonymousUser | None,
    limit: int,
) -> list[Candidate]:
    if not best:
        return []
    institutions = Institution.objects.visible_to(user).in_bulk(list(best))
    labels = Label.objects.in_bulk([label_id for _, label_id in best.values()])
    ranked = sorted(
        (item for item in best.items() if item[0] in institutions),
        key=lambda item: (-item[1][0], institutions[item[0]].name, institutions[item[0]].key),
    )
    return [
        Candidate(
            institution=institutions[institution_id], score=score, matched_label=labels[label_id]
        )
        for institution_id, (score, label_id) in ranked[:limit]
    ]
