"""What linkage compares, computed from plain report rows (no ORM: any backend can feed it).

A report row is a dict with ``key`` and, as far as known, ``host_id`` (or ``host_text`` to be
resolved), ``reporter``, ``title``, ``start``/``end`` (EDTF text "2014", "2014-09",
"2014-09-12" or dates), ``city``, ``country``, ``participants``, ``participants_qualifier``,
``topics`` (topic keys). The host is resolved to an institution id *before* linkage: raw host
text compares badly (acronyms, native-script names, sloppy variants).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from functools import lru_cache

import pyarrow as pa
from rapidfuzz import fuzz, process

from nscap.institutions.normalize import compact, normalize_label

HOST_FUZZY_FLOOR = 85  # rapidfuzz token_sort_ratio below which a sloppy host name is unresolved


class HostResolver:
    """Host text -> institution id from a label table of (label text, institution id).

    Exact match on the folded label first (case, accents, width, "Centre"/"Center", spaces),
    then the part before a comma ("INSA, KR"), then a fuzzy match on Latin names. A label that
    several institutions share (acronyms collide: SNSTC) is settled by the country, from the
    text after the comma or the report's own country; otherwise the host stays unresolved.
    For registry data ``nscap.institutions.resolution.resolve_label`` plays this part; this class
    is the same idea over a plain table, for synthetic data and bulk runs.
    """

    def __init__(
        self, labels: Iterable[tuple[str, str]], places: dict[str, tuple[str, str]] | None = None
    ):
        self._exact: dict[str, list[str]] = {}
        for text, host_id in labels:
            ids = self._exact.setdefault(compact(normalize_label(text)), [])
            if host_id not in ids:
                ids.append(host_id)
        self._places = places or {}  # institution id -> (country, city)
        self._latin = [t for t in self._exact if t.isascii() and len(t) > 8]
        self._cache: dict[tuple, list[str]] = {}

    def __call__(
        self,
        text: str | None,
        country: str | None = None,
        city: str | None = None,
        reporter: str | None = None,
    ) -> str | None:
        """The institution ``text`` names. A label several institutions share is settled by
        the country, then by the reporter (a support centre writing "NSSC" as the host of its
        own report means itself: the commonest report is the host's own), then by the city."""
        if not text:
            return None
        if (text, country) not in self._cache:
            self._cache[text, country] = self._resolve(text, country)
        ids = self._cache[text, country]
        if len(ids) > 1 and reporter in ids:
            return reporter
        if len(ids) > 1 and city:
            folded = normalize_label(city)
            ids = [i for i in ids if normalize_label(self._places.get(i, ("", ""))[1]) == folded]
        return ids[0] if len(ids) == 1 else None

    def candidates(self, text: str | None, country: str | None = None) -> list[str]:
        """Every institution ``text`` may name (in the report's country when several): what
        linkage compares a host it could not settle with."""
        if not text:
            return []
        if (text, country) not in self._cache:
            self._cache[text, country] = self._resolve(text, country)
        return list(self._cache[text, country])

    def _in_country(self, ids: list[str], country: str | None) -> list[str]:
        if len(ids) > 1 and country:
            folded = normalize_label(country)
            ids = [i for i in ids if normalize_label(self._places.get(i, ("", ""))[0]) == folded]
        return ids

    def _resolve(self, text: str, country: str | None) -> list[str]:
        """The candidate institutions (in the country when several), best first."""
        name, _, place = text.partition(",")
        for candidate in (text, name):
            ids = self._exact.get(compact(normalize_label(candidate)))
            if ids:
                return self._in_country(ids, place.strip() or country)
        folded = compact(_expand_abbreviations(normalize_label(text)))
        if not folded.isascii() or len(folded) <= 8:
            return []
        found = process.extract(
            folded, self._latin, scorer=fuzz.ratio, score_cutoff=HOST_FUZZY_FLOOR, limit=5
        )
        if not found:
            return []
        # prefer a near name in the report's country over a slightly nearer one elsewhere
        ranked = sorted(
            found,
            key=lambda hit: (
                not country
                or country not in {self._places.get(i, ("", ""))[0] for i in self._exact[hit[0]]},
                -hit[1],
            ),
        )
        return self._in_country(self._exact[ranked[0][0]], country)


# Abbreviations of institution-name words, expanded before a sloppy name is compared.
_ABBREVIATIONS = {
    "ctr": "center",
    "cntr": "center",
    "cent": "center",
    "nucl": "nuclear",
    "nuc": "nuclear",
    "sec": "security",
    "secur": "security",
    "supp": "support",
    "univ": "university",
    "res": "research",
    "inst": "institute",
    "auth": "authority",
    "natl": "national",
    "nat": "national",
    "intl": "international",
    "dept": "department",
    "assoc": "association",
    "tech": "technology",
    "agcy": "agency",
    "reg": "regulatory",
    "hq": "",
}


def _expand_abbreviations(folded: str) -> str:
    return " ".join(w for w in (_ABBREVIATIONS.get(w, w) for w in folded.split()) if w)


_INITIAL_SKIP = frozenset({"to", "a", "an", "against", "at", "by", "with", "from"})
TOPIC_FUZZY_FLOOR = 90  # rapidfuzz partial_ratio from which a mistyped label still names a topic


class TopicInferrer:
    """Topic keys named in a title, from each topic's labels in the region's languages.

    - A Latin label (after folding: Vietnamese loses its accents) matches as whole words; a
      label in another script as a substring of the title without spaces (CJK and Thai titles
      have none).
    - Where two matched labels overlap, the longer wins ("Response to Nuclear Security Events"
      names response, not nuclear security in general).
    - A *broad* label — one found inside the labels of several other topics, like "nuclear
      security" — names its topic only when nothing more specific is found.
    - Initials of each multi-word English label are a word too ("RTC on PP", "NTC on MORC"),
      unless two topics share them.
    - A title naming nothing is compared fuzzily (mistyped titles) with the longer Latin labels.
    """

    def __init__(self, vocabulary: dict[str, list[str]]):
        self._latin: list[tuple[str, str]] = []  # (" folded label ", key)
        self._other: list[tuple[str, str]] = []  # (compact label, key)
        initials: dict[str, set[str]] = {}
        for key, labels in vocabulary.items():
            for label in labels:
                folded = normalize_label(label)
                if not folded:
                    continue
                if folded.isascii():
                    self._latin.append((f" {folded} ", key))
                    words = [w for w in folded.split() if w not in _INITIAL_SKIP]
                    if len(words) > 1:
                        initials.setdefault("".join(w[0] for w in words), set()).add(key)
                else:
                    self._other.append((compact(folded), key))
        self._initials = {k: next(iter(v)) for k, v in initials.items() if len(v) == 1}
        every = [(label.strip(), key) for label, key in self._latin] + self._other
        self._broad = {
            label
            for label, key in every
            if len({k for other, k in every if k != key and label in other}) >= 2
        }
        self._fuzzy = [(label.strip(), key) for label, key in self._latin if len(label) > 12]
        self.infer = lru_cache(maxsize=200_000)(self._infer)

    def _infer(self, title: str) -> tuple[str, ...]:
        folded = normalize_label(title)
        spaced, packed = f" {folded} ", compact(folded)
        hits: list[tuple[int, int, str, str]] = []  # (start, end, label, key) in one text
        for label, key in self._latin:
            at = spaced.find(label)
            if at >= 0:
                hits.append((at, at + len(label), label.strip(), key))
        for label, key in self._other:
            at = packed.find(label)
            if at >= 0:  # other-script spans live in another text: offset them apart
                hits.append((10_000 + at, 10_000 + at + len(label), label, key))
        found = {
            key
            for start, end, label, key in hits
            if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _l, _k in hits)
            and label not in self._broad
        }
        found |= {self._initials[w] for w in folded.split() if w in self._initials}
        if not found and folded.isascii() and len(folded) > 12:
            found = {
                key
                for label, key in self._fuzzy
                if fuzz.partial_ratio(label, folded) >= TOPIC_FUZZY_FLOOR
            }
        if not found:
            found = {key for _s, _e, label, key in hits}  # only broad labels: take them
        return tuple(sorted(found))


_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def parse_partial(value: str | dt.date | None, precision: str | None = None) -> tuple:
    """(date or None, precision) from EDTF text or a date (with its stored precision)."""
    if value is None or value == "":
        return None, None
    if isinstance(value, dt.date):
        return value, precision or "day"
    match = _PARTIAL.match(str(value).strip())
    if not match:
        return None, None
    year, month, day = match.groups()
    date = dt.date(int(year), int(month or 1), int(day or 1))
    return date, "day" if day else ("month" if month else "year")


def title_key(title: str | None) -> str:
    """The folded title compared (weakly) as a string."""
    return normalize_label(title or "")


PARTNER_COLUMNS = ("other_host_1", "other_host_2", "other_host_3", "other_host_4")

COLUMNS = (
    "unique_id",
    "key",
    "host_id",
    "reporter_id",
    "start_date",
    "precise",
    "month",
    "month_shifted",
    "title_norm",
    "topics",
    "topic_primary",
    "city_norm",
    "country",
    "participants",
    "count_low",
    "count_high",
    "days",
    "partners",
    *PARTNER_COLUMNS,
)

COUNT_CEILING = 1_000_000  # "more than N": no upper bound, as an integer SQL compares

# How a qualifier bounds the true count (None: no bound on that side). A rounded or
# "approximately" count bounds nothing: only its distance from the other count says anything.
_COUNT_BOUNDS: dict[str, tuple[int, int]] = {
    "exact": (0, 0),
    "more_than": (1, COUNT_CEILING),
    "just_over": (1, COUNT_CEILING),
    "at_least": (0, COUNT_CEILING),
    "almost": (-COUNT_CEILING, -1),
}


def count_bounds(participants: int | None, qualifier: str | None) -> tuple[int | None, int | None]:
    """The true counts a reported count allows: exactly 30 is [30, 30], "more than 30" is
    [31, ∞), "almost 30" is [0, 29]; an approximate or unqualified (often rounded) count allows
    any. Two reports of one event must allow a common count: "more than 60" and exactly 60
    cannot be one event (``engine`` compares the bounds)."""
    if participants is None:
        return None, None
    low, high = _COUNT_BOUNDS.get(qualifier or "", (-COUNT_CEILING, COUNT_CEILING))
    return max(0, participants + low), min(COUNT_CEILING, participants + high)


def duration_days(start, start_precision, end, end_precision) -> int | None:
    """Days from start to end when both are day dates (an event's length: a report that
    shifts the dates of an event by a day or two keeps its length)."""
    if start_precision != "day" or end_precision != "day" or end < start:
        return None
    return (end - start).days


def _padded(ids: list) -> list[str | None]:
    ids = [str(i) for i in ids[: len(PARTNER_COLUMNS)]]
    return ids + [None] * (len(PARTNER_COLUMNS) - len(ids))


def _claimed_partners(row: dict, host_id, reporter: str) -> list[str | None]:
    """Other institutions that may be the true host of the event a report names itself host
    of: its first partners, padded with None (an unresolved host's candidates take their place).

    A co-organiser or trainer sometimes reports an event as its own and lists the true host
    as a partner; blocking and the host comparison look for the other report's host here.
    Only the self-naming side counts: a participant's report lists partners it merely heard of.
    """
    partners = [str(p) for p in row.get("partners") or () if p is not None and str(p) != host_id]
    if host_id is None or str(host_id) != reporter:
        partners = []
    return _padded(partners)


def feature_table(
    rows: Iterable[dict],
    *,
    topics: TopicInferrer | None = None,
    resolve_host: Callable[..., str | None] | None = None,
) -> pa.Table:
    """The Arrow table Splink reads: one row per report, features already normalised.

    ``month_shifted`` is the month of start + 15 days: two blocks on host + month and host +
    shifted month catch reports a few days apart across a month boundary.
    """
    data: dict[str, list] = {name: [] for name in COLUMNS}
    for index, row in enumerate(rows):
        host_id = row.get("host_id")
        if host_id is None and resolve_host is not None:
            host_id = resolve_host(
                row.get("host_text"),
                row.get("country"),
                row.get("city"),
                reporter=row.get("reporter"),
            )
        start, precision = parse_partial(row.get("start"), row.get("start_precision"))
        precise = precision == "day"
        row_topics = tuple(sorted(row.get("topics") or ()))
        if not row_topics and topics is not None:
            row_topics = topics.infer(row.get("title") or "")
        data["unique_id"].append(index)
        data["key"].append(str(row["key"]))
        data["host_id"].append(None if host_id is None else str(host_id))
        reporter = row.get("reporter") or host_id  # blank reporter = the host reported it
        data["reporter_id"].append(str(reporter) if reporter is not None else f"?{index}")
        data["start_date"].append(start if precision in ("day", "month") else None)
        data["precise"].append(precise)
        data["month"].append(start.strftime("%Y-%m") if precision in ("day", "month") else None)
        shifted = start + dt.timedelta(days=15) if precise else None
        data["month_shifted"].append(shifted.strftime("%Y-%m") if shifted else None)
        data["title_norm"].append(title_key(row.get("title")) or None)
        data["topics"].append(list(row_topics) or None)
        data["topic_primary"].append(row_topics[0] if row_topics else None)
        data["city_norm"].append(normalize_label(row.get("city") or "") or None)
        data["country"].append(row.get("country") or None)
        participants = row.get("participants")
        data["participants"].append(None if participants is None else int(participants))
        low, high = count_bounds(
            None if participants is None else int(participants), row.get("participants_qualifier")
        )
        data["count_low"].append(low)
        data["count_high"].append(high)
        end, end_precision = parse_partial(row.get("end"), row.get("end_precision"))
        data["days"].append(duration_days(start, precision, end, end_precision))
        named = sorted({str(p) for p in row.get("partners") or () if p is not None})
        data["partners"].append(named or None)
        if host_id is None and hasattr(resolve_host, "candidates"):
            partners = _padded(resolve_host.candidates(row.get("host_text"), row.get("country")))
        else:
            partners = _claimed_partners(row, host_id, data["reporter_id"][-1])
        for column, partner in zip(PARTNER_COLUMNS, partners, strict=True):
            data[column].append(partner)
    schema = pa.schema(
        [
            ("unique_id", pa.int64()),
            ("key", pa.string()),
            ("host_id", pa.string()),
            ("reporter_id", pa.string()),
            ("start_date", pa.date32()),
            ("precise", pa.bool_()),
            ("month", pa.string()),
            ("month_shifted", pa.string()),
            ("title_norm", pa.string()),
            ("topics", pa.list_(pa.string())),
            ("topic_primary", pa.string()),
            ("city_norm", pa.string()),
            ("country", pa.string()),
            ("participants", pa.int64()),
            ("count_low", pa.int64()),
            ("count_high", pa.int64()),
            ("days", pa.int64()),
            ("partners", pa.list_(pa.string())),
            *((column, pa.string()) for column in PARTNER_COLUMNS),
        ]
    )
    return pa.table(data, schema=schema)
