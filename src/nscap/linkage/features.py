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
        self._cache: dict[tuple, str | None] = {}

    def __call__(
        self, text: str | None, country: str | None = None, city: str | None = None
    ) -> str | None:
        if not text:
            return None
        if (text, country, city) not in self._cache:
            self._cache[text, country, city] = self._resolve(text, country, city)
        return self._cache[text, country, city]

    def _pick(self, ids: list[str], country: str | None, city: str | None) -> str | None:
        for index, value in ((0, country), (1, city)):
            if len(ids) > 1 and value:
                folded = normalize_label(value)
                ids = [
                    i
                    for i in ids
                    if normalize_label(self._places.get(i, ("", ""))[index]) == folded
                ]
        return ids[0] if len(ids) == 1 else None

    def _resolve(self, text: str, country: str | None, city: str | None) -> str | None:
        name, _, place = text.partition(",")
        for candidate in (text, name):
            ids = self._exact.get(compact(normalize_label(candidate)))
            if ids:
                return self._pick(ids, place.strip() or country, city)
        folded = compact(normalize_label(text))
        if not folded.isascii() or len(folded) <= 8:
            return None
        best = process.extractOne(
            folded, self._latin, scorer=fuzz.ratio, score_cutoff=HOST_FUZZY_FLOOR
        )
        return self._pick(self._exact[best[0]], country, city) if best else None


class TopicInferrer:
    """Topic keys named in a title, from each topic's labels in the region's languages.

    A label matches as a folded substring (CJK titles have no spaces), an English label also by
    its initials as a whole word ("RTC on PP" names physical protection).
    """

    def __init__(self, vocabulary: dict[str, list[str]]):
        self._labels: list[tuple[str, str]] = []
        self._initials: dict[str, str] = {}
        for key, labels in vocabulary.items():
            for label in labels:
                folded = normalize_label(label)
                if folded:
                    self._labels.append((compact(folded), key))
            words = [w for w in labels[0].split() if w[:1].isupper()] if labels else []
            if len(words) > 1:
                self._initials.setdefault("".join(w[0] for w in words).lower(), key)
        self.infer = lru_cache(maxsize=200_000)(self._infer)

    def _infer(self, title: str) -> tuple[str, ...]:
        folded = normalize_label(title)
        spaced = compact(folded)
        found = {key for label, key in self._labels if label in spaced}
        found |= {self._initials[w] for w in folded.split() if w in self._initials}
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
)


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
            host_id = resolve_host(row.get("host_text"), row.get("country"), row.get("city"))
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
        ]
    )
    return pa.table(data, schema=schema)
