"""Synthetic training-event reports with known truth, for tests, docs, the bench and the demo.

``generate(n_events, seed=...)`` makes ``n_events`` true events hosted by centers whose names
come in several scripts (Latin, Chinese, Japanese, Korean, Vietnamese), then reports each one
1-3 times (by the host, a co-organiser, the IAEA) with the noise real reports carry:

==============  ==============================================================================
host_alias      the host named by acronym, native-script name, or a sloppy variant (typo, case)
title           title paraphrased, abbreviated ("RTC on PP") or translated
date_shift      start shifted by 1-4 days
month_only      start given as a month ("2014-09")
count           participants rounded to 5 or 10, or marked "approximately"
missing         city, participants or topics left out
==============  ==============================================================================

Hard negatives come free: a center runs the same course series several times a year, weeks
apart, so reports of different runs share host, title and topics but not dates.
Everything is deterministic from ``seed``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

IAEA = "iaea"

# (English, Chinese, Japanese, Korean, Vietnamese) labels of each topic.
TOPICS: dict[str, tuple[str, str, str, str, str]] = {
    "physical-protection": (
        "Physical Protection",
        "实物保护",
        "核物質防護",
        "물리적 방호",
        "Bảo vệ thực thể",
    ),
    "nuclear-forensics": ("Nuclear Forensics", "核法证学", "核鑑識", "핵감식", "Pháp y hạt nhân"),
    "radiation-detection": (
        "Radiation Detection",
        "辐射探测",
        "放射線検知",
        "방사선 탐지",
        "Phát hiện bức xạ",
    ),
    "insider-threat": (
        "Insider Threat",
        "内部威胁",
        "内部脅威",
        "내부자 위협",
        "Mối đe dọa nội bộ",
    ),
    "transport-security": (
        "Transport Security",
        "运输安保",
        "輸送セキュリティ",
        "운송 보안",
        "An ninh vận chuyển",
    ),
    "computer-security": (
        "Computer Security",
        "计算机安全",
        "コンピュータセキュリティ",
        "컴퓨터 보안",
        "An ninh máy tính",
    ),
    "border-monitoring": (
        "Border Monitoring",
        "边境监测",
        "国境監視",
        "국경 감시",
        "Giám sát biên giới",
    ),
    "security-culture": (
        "Nuclear Security Culture",
        "核安保文化",
        "核セキュリティ文化",
        "핵안보 문화",
        "Văn hóa an ninh hạt nhân",
    ),
    "response": (
        "Response to Nuclear Security Events",
        "核安保事件响应",
        "核セキュリティ事象対応",
        "핵안보 사건 대응",
        "Ứng phó sự cố an ninh hạt nhân",
    ),
    "material-accounting": (
        "Nuclear Material Accounting",
        "核材料衡算",
        "核物質計量管理",
        "핵물질 계량",
        "Kế toán vật liệu hạt nhân",
    ),
}
SCRIPTS = ("Latn", "Hans", "Jpan", "Kore", "Latn-vi")

# City: (English, native, country, script index into TOPICS labels)
CITIES = [
    ("Beijing", "北京", "CN", 1),
    ("Shanghai", "上海", "CN", 1),
    ("Chengdu", "成都", "CN", 1),
    ("Xi'an", "西安", "CN", 1),
    ("Tokai", "東海", "JP", 2),
    ("Tokyo", "東京", "JP", 2),
    ("Fukui", "福井", "JP", 2),
    ("Daejeon", "대전", "KR", 3),
    ("Seoul", "서울", "KR", 3),
    ("Busan", "부산", "KR", 3),
    ("Hanoi", "Hà Nội", "VN", 4),
    ("Da Lat", "Đà Lạt", "VN", 4),
    ("Jakarta", "Jakarta", "ID", 0),
    ("Kuala Lumpur", "Kuala Lumpur", "MY", 0),
    ("Manila", "Manila", "PH", 0),
    ("Bangkok", "Bangkok", "TH", 0),
    ("Almaty", "Almaty", "KZ", 0),
    ("Islamabad", "Islamabad", "PK", 0),
]
# Kind of center: (English, Chinese, Japanese, Korean, Vietnamese)
KINDS = [
    ("Nuclear Security Training Centre", "核安保培训中心", "核セキュリティ研修センター",
     "핵안보훈련센터", "Trung tâm Đào tạo An ninh Hạt nhân"),
    ("Institute of Nuclear Safety and Security", "核安全与安保研究院", "原子力安全保安研究所",
     "원자력안전보안연구원", "Viện An toàn và An ninh Hạt nhân"),
    ("Nuclear Security Support Center", "核安保支持中心", "核セキュリティ支援センター",
     "핵안보지원센터", "Trung tâm Hỗ trợ An ninh Hạt nhân"),
    ("Academy of Radiation Protection", "辐射防护学院", "放射線防護アカデミー",
     "방사선방호아카데미", "Học viện Bảo vệ Bức xạ"),
]  # fmt: skip
FORMS = [
    ("Regional Training Course", "区域培训班", "地域研修コース", "지역 훈련과정",
     "Khóa đào tạo khu vực"),
    ("National Workshop", "国家研讨会", "国内ワークショップ", "국가 워크숍", "Hội thảo quốc gia"),
    ("International Training Course", "国际培训班", "国際研修コース", "국제 훈련과정",
     "Khóa đào tạo quốc tế"),
    ("Seminar", "研讨班", "セミナー", "세미나", "Hội thảo"),
]  # fmt: skip
SCOPES = ("regional", "national")
NOISE_TYPES = ("host_alias", "title", "date_shift", "month_only", "count", "missing")


@dataclass(frozen=True)
class Host:
    """A synthetic center: its id, labels (name, acronym, native name), place and script."""

    id: str
    name: str
    acronym: str
    native: str
    country: str
    city: str
    script: int


@dataclass
class SyntheticData:
    """Reports (plain dicts), the truth (report key -> event id), hosts and the label table."""

    records: list[dict]
    truth: dict[str, str]
    hosts: list[Host]
    labels: list[tuple[str, str]] = field(default_factory=list)  # (label text, host id)

    def host_places(self) -> dict[str, tuple[str, str]]:
        return {host.id: (host.country, host.city) for host in self.hosts}

    def topic_vocabulary(self) -> dict[str, list[str]]:
        return {key: list(labels) for key, labels in TOPICS.items()}


def make_hosts(count: int) -> list[Host]:
    """``count`` distinct centers; names repeat city × kind, then take a number."""
    hosts = []
    for i in range(count):
        city_en, city_native, country, script = CITIES[i % len(CITIES)]
        kind = KINDS[(i // len(CITIES)) % len(KINDS)]
        series = i // (len(CITIES) * len(KINDS))
        suffix = f" {series + 1}" if series else ""
        name = f"{city_en} {kind[0]}{suffix}"
        acronym = "".join(w[0] for w in name.replace("'", "").split() if w[0].isupper())
        acronym += suffix.strip()
        native_kind = kind[script]
        native = (
            f"{native_kind} {city_native}{suffix}"
            if script == 4
            else f"{city_native}{native_kind}{suffix}"
        )
        if script == 0:
            native = name
        hosts.append(Host(f"h{i}", name, acronym, native, country, city_en, script))
    return hosts


def _sloppy(rng: random.Random, text: str) -> str:
    words = text.split()
    choice = rng.random()
    if choice < 0.35 and len(words) > 2:  # a word dropped
        del words[rng.randrange(1, len(words))]
    elif choice < 0.7:  # a typo: two letters swapped in one word
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) > 3:
            j = rng.randrange(len(w) - 1)
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    else:
        words = [w.lower() for w in words]
    return " ".join(words).replace("Centre", "Center")


def _host_text(rng: random.Random, host: Host, noisy: bool) -> str:
    if not noisy:
        return host.name
    options = [host.acronym, f"{host.acronym}, {host.country}", _sloppy(rng, host.name)]
    if host.script:
        options.append(host.native)
    return rng.choice(options)


def _title(rng: random.Random, form: int, topic: str, script: int, noisy: bool) -> str:
    form_en, topic_en = FORMS[form][0], TOPICS[topic][0]
    if not noisy:
        return f"{form_en} on {topic_en}"
    choice = rng.random()
    if choice < 0.35:  # abbreviation: "RTC on PP"
        initials = "".join(w[0] for w in form_en.split())
        return f"{initials} on {''.join(w[0] for w in topic_en.split() if w[0].isupper())}"
    if choice < 0.7 or script == 0:  # paraphrase
        return rng.choice(
            [
                f"{topic_en} {form_en.split()[-1].lower()} ({rng.choice(SCOPES)})",
                f"{form_en}: {topic_en.lower()}",
                f"Training on {topic_en} for officers",
            ]
        )
    native_form, native_topic = FORMS[form][script], TOPICS[topic][script]
    return f"{native_form} {native_topic}" if script == 4 else f"{native_topic}{native_form}"


def _count(rng: random.Random, participants: int) -> tuple[int, str]:
    if rng.random() < 0.5:
        return participants, "approximately"
    step = rng.choice([5, 10])
    return max(step, round(participants / step) * step), "exact"


MAX_EVENTS_PER_HOST = 700  # ~50 a year for 14 years: the busiest real centers run fewer


def host_weights(n_hosts: int, n_events: int) -> list[float]:
    """Host popularity falling off like 1/rank (a few big centers host most events, so blocks
    are skewed), flattened at the top so that no center expects more than
    ``MAX_EVENTS_PER_HOST`` events: without it the top center of a million reports would run
    ten courses a day."""
    top = 0
    while True:
        weights = [1 / (max(rank, top) + 1) for rank in range(n_hosts)]
        if n_events * weights[0] / sum(weights) <= MAX_EVENTS_PER_HOST or top >= n_hosts:
            return weights
        top += max(1, top // 10)


def generate(
    n_events: int, *, seed: int = 7, n_hosts: int | None = None, start_year: int = 2010
) -> SyntheticData:
    """``n_events`` true events and their 1-3 noisy reports each; deterministic from ``seed``."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    hosts = make_hosts(n_hosts or max(len(CITIES), n_events // 40))
    weights = host_weights(len(hosts), n_events)
    records: list[dict] = []
    truth: dict[str, str] = {}
    topic_keys = list(TOPICS)
    event_no = 0
    while event_no < n_events:
        host = rng.choices(hosts, weights)[0]
        topic = rng.choice(topic_keys)
        form = rng.randrange(len(FORMS))
        runs = min(rng.choice([1, 1, 2, 3, 4]), n_events - event_no)
        day = dt.date(start_year, 1, 1) + dt.timedelta(days=rng.randrange(365 * 14))
        for _run in range(runs):
            event_id = f"e{event_no}"
            event_no += 1
            length = rng.choice([2, 4, 5, 9])
            participants = rng.randrange(8, 60)
            partners = [h for h in rng.sample(hosts, min(3, len(hosts))) if h.id != host.id]
            reporters = [host.id, partners[0].id, IAEA]
            k = rng.choices([1, 2, 3], [0.45, 0.35, 0.2])[0]
            for index, reporter in enumerate(rng.sample(reporters, k)):
                noises: set[str] = set()
                if index and rng.random() < 0.6:
                    noises.add("host_alias")
                if index and rng.random() < 0.6:
                    noises.add("title")
                date_noise = rng.random() if index else 1.0
                if date_noise < 0.25:
                    noises.add("date_shift")
                elif date_noise < 0.4:
                    noises.add("month_only")
                if index and rng.random() < 0.5:
                    noises.add("count")
                if rng.random() < 0.2:
                    noises.add("missing")
                start = day
                if "date_shift" in noises:
                    start = day + dt.timedelta(days=rng.choice([-4, -3, -2, -1, 1, 2, 3, 4]))
                count, qualifier = (
                    _count(rng, participants) if "count" in noises else (participants, "exact")
                )
                key = f"r{len(records)}"
                missing = rng.choice(["city", "participants", "topics"])
                record = {
                    "key": key,
                    "host": host.id,  # the truth; linkage reads host_text
                    "host_text": _host_text(rng, host, "host_alias" in noises),
                    "reporter": reporter,
                    "title": _title(rng, form, topic, host.script, "title" in noises),
                    "start": start.isoformat()[:7] if "month_only" in noises else start.isoformat(),
                    "end": (
                        None
                        if "month_only" in noises
                        else (start + dt.timedelta(days=length - 1)).isoformat()
                    ),
                    "city": host.city,
                    "country": host.country,
                    "participants": count,
                    "participants_qualifier": qualifier,
                    "topics": [topic] if rng.random() < 0.5 else [],
                    "noise": sorted(noises),
                }
                if "missing" in noises:
                    record[missing] = [] if missing == "topics" else None
                records.append(record)
                truth[key] = event_id
            day += dt.timedelta(days=rng.randrange(21, 120))  # the next run, weeks later
    rng.shuffle(records)
    labels = [(text, h.id) for h in hosts for text in (h.name, h.acronym, h.native)]
    return SyntheticData(records, truth, hosts, labels)
