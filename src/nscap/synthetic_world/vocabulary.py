"""The words the second synthetic world is made of: topics as crowd reports write them, the
countries and their languages, and the parts institution names are built from.

Written from the description in issue 13 ("What real crowd reports look like"), not from the
first generator: topic keys are the registry's own (``vocabularies/data/topics.toml``), so the
generated files import; the translations are this module's own and only partly overlap the
registry's aliases, as real reporters' wording does.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TopicWords:
    """How reports name one topic: the official phrase, paraphrases, an abbreviation, and the
    phrase in the reporters' languages."""

    key: str
    official: str
    paraphrases: tuple[str, ...]
    abbreviation: str
    translated: dict[str, str]


TOPICS: tuple[TopicWords, ...] = (
    TopicWords(
        "physical-protection",
        "Physical Protection of Nuclear Material and Nuclear Facilities",
        ("Physical Protection Systems", "Design and Evaluation of PP Systems"),
        "PP",
        {
            "zh": "核材料和核设施实物保护",
            "ja": "核物質防護",
            "ko": "물리적방호",
            "vi": "bảo vệ thực thể vật liệu hạt nhân",
            "id": "proteksi fisik bahan nuklir",
            "ms": "perlindungan fizikal bahan nuklear",
            "th": "การป้องกันทางกายภาพ",
        },
    ),
    TopicWords(
        "insider-threat",
        "Preventive and Protective Measures against Insider Threats",
        ("Insider Threat Mitigation", "Insider Threat Awareness"),
        "ITM",
        {
            "zh": "内部威胁防范",
            "ja": "内部脅威対策",
            "ko": "내부자 위협 대응",
            "vi": "phòng chống mối đe dọa nội gián",
            "id": "ancaman orang dalam",
            "ms": "ancaman orang dalam",
            "th": "ภัยคุกคามจากบุคคลภายใน",
        },
    ),
    TopicWords(
        "security-culture",
        "Nuclear Security Culture",
        ("Strengthening Security Culture", "Security Culture in Practice"),
        "NSC",
        {
            "zh": "核安保文化",
            "ja": "核セキュリティ文化",
            "ko": "핵안보 문화",
            "vi": "văn hóa an ninh hạt nhân",
            "id": "budaya keamanan nuklir",
            "ms": "budaya keselamatan nuklear",
            "th": "วัฒนธรรมความมั่นคงปลอดภัยทางนิวเคลียร์",
        },
    ),
    TopicWords(
        "computer-security",
        "Computer Security for Nuclear Facilities",
        ("Cyber Security at Nuclear Installations", "Protecting Digital I&C Systems"),
        "CS",
        {
            "zh": "核设施计算机安保",
            "ja": "原子力施設のコンピュータセキュリティ",
            "ko": "원자력시설 사이버보안",
            "vi": "an ninh máy tính cơ sở hạt nhân",
            "id": "keamanan komputer fasilitas nuklir",
            "ms": "keselamatan komputer kemudahan nuklear",
            "th": "ความมั่นคงปลอดภัยคอมพิวเตอร์",
        },
    ),
    TopicWords(
        "nuclear-forensics",
        "Nuclear Forensics",
        ("Nuclear Forensic Science", "Forensic Analysis of Seized Material"),
        "NF",
        {
            "zh": "核法证学",
            "ja": "核鑑識",
            "ko": "핵감식",
            "vi": "pháp y hạt nhân",
            "id": "forensik nuklir",
            "ms": "forensik nuklear",
            "th": "นิติวิทยาศาสตร์นิวเคลียร์",
        },
    ),
    TopicWords(
        "radiation-detection",
        "Detection of Nuclear and Other Radioactive Material out of Regulatory Control",
        ("Radiation Detection at Borders", "Use of Radiation Detection Equipment"),
        "MORC",
        {
            "zh": "监管失控核材料探测",
            "ja": "規制外核物質の検知",
            "ko": "규제이탈 방사성물질 탐지",
            "vi": "phát hiện vật liệu phóng xạ ngoài kiểm soát",
            "id": "deteksi bahan radioaktif",
            "ms": "pengesanan bahan radioaktif",
            "th": "การตรวจจับวัสดุกัมมันตรังสี",
        },
    ),
    TopicWords(
        "radioactive-source-security",
        "Security of Radioactive Sources",
        ("Securing Radioactive Sources in Use and Storage", "Source Security Management"),
        "SRS",
        {
            "zh": "放射源安保",
            "ja": "放射線源のセキュリティ",
            "ko": "방사선원 보안",
            "vi": "an ninh nguồn phóng xạ",
            "id": "keamanan sumber radioaktif",
            "ms": "keselamatan sumber radioaktif",
            "th": "ความมั่นคงปลอดภัยของต้นกำเนิดรังสี",
        },
    ),
    TopicWords(
        "transport-security",
        "Security in the Transport of Nuclear Material",
        ("Transport Security Planning", "Secure Transport of Radioactive Material"),
        "TS",
        {
            "zh": "核材料运输安保",
            "ja": "核物質輸送セキュリティ",
            "ko": "핵물질 운송보안",
            "vi": "an ninh vận chuyển vật liệu hạt nhân",
            "id": "keamanan pengangkutan bahan nuklir",
            "ms": "keselamatan pengangkutan bahan nuklear",
            "th": "ความมั่นคงปลอดภัยในการขนส่ง",
        },
    ),
    TopicWords(
        "threat-assessment",
        "Threat Assessment and Design Basis Threat",
        ("Developing a National DBT", "Threat Characterisation"),
        "DBT",
        {
            "zh": "威胁评估与设计基准威胁",
            "ja": "脅威評価と設計基礎脅威",
            "ko": "위협평가 및 설계기준위협",
            "vi": "đánh giá mối đe dọa",
            "id": "penilaian ancaman",
            "ms": "penilaian ancaman",
            "th": "การประเมินภัยคุกคาม",
        },
    ),
    TopicWords(
        "nuclear-security-regulation",
        "Regulatory Framework for Nuclear Security",
        ("Drafting Nuclear Security Regulations", "Regulatory Oversight of Security"),
        "RF",
        {
            "zh": "核安保监管框架",
            "ja": "核セキュリティ規制",
            "ko": "핵안보 규제체계",
            "vi": "khung pháp lý an ninh hạt nhân",
            "id": "kerangka regulasi keamanan nuklir",
            "ms": "rangka kerja kawal selia keselamatan nuklear",
            "th": "กรอบการกำกับดูแลความมั่นคงปลอดภัย",
        },
    ),
    TopicWords(
        "emergency-preparedness",
        "Response to Nuclear Security Events",
        ("Response Planning for Security Events", "Major Public Events Security"),
        "RNSE",
        {
            "zh": "核安保事件响应",
            "ja": "核セキュリティ事象への対応",
            "ko": "핵안보사건 대응",
            "vi": "ứng phó sự cố an ninh hạt nhân",
            "id": "tanggap kejadian keamanan nuklir",
            "ms": "tindak balas kejadian keselamatan nuklear",
            "th": "การตอบสนองต่อเหตุการณ์ความมั่นคงปลอดภัย",
        },
    ),
    TopicWords(
        "vulnerability-assessment",
        "Vulnerability Assessment of Nuclear Facilities",
        ("Evaluating Security System Effectiveness", "Path Analysis and VA"),
        "VA",
        {
            "zh": "核设施脆弱性评估",
            "ja": "脆弱性評価",
            "ko": "취약성 평가",
            "vi": "đánh giá điểm yếu",
            "id": "penilaian kerentanan",
            "ms": "penilaian kerentanan",
            "th": "การประเมินความเปราะบาง",
        },
    ),
)

# What a course is called, official form and initials ("RTC" in "RTC on PP").
COURSE_FORMS: tuple[tuple[str, str], ...] = (
    ("Regional Training Course on", "RTC"),
    ("National Training Course on", "NTC"),
    ("International Training Course on", "ITC"),
    ("National Workshop on", "NW"),
    ("Regional Workshop on", "RW"),
    ("Train-the-Trainers Course on", "TTT"),
    ("Technical Meeting on", "TM"),
)
PARAPHRASE_ENDINGS = ("Workshop", "Course", "Training", "Seminar")
# "training course on X" in each reporting language; {topic} is replaced
TRANSLATED_FORMS = {
    "zh": "{topic}培训班",
    "ja": "{topic}に関する研修",
    "ko": "{topic} 교육과정",
    "vi": "Khóa đào tạo về {topic}",
    "id": "Pelatihan {topic}",
    "ms": "Kursus Latihan {topic}",
    "th": "หลักสูตรฝึกอบรม{topic}",
}


@dataclass(frozen=True)
class Country:
    """A country: its code, the language its institutions report in, cities, a weight."""

    code: str
    language: str
    adjective: str
    cities: tuple[str, ...]
    weight: int


COUNTRIES: tuple[Country, ...] = (
    Country("CN", "zh", "Chinese", ("Beijing", "Shanghai", "Chengdu", "Shenzhen"), 16),
    Country("JP", "ja", "Japanese", ("Tokyo", "Tokai", "Osaka"), 12),
    Country("KR", "ko", "Korean", ("Daejeon", "Seoul", "Busan"), 11),
    Country("VN", "vi", "Vietnamese", ("Hanoi", "Ho Chi Minh City", "Da Lat"), 7),
    Country("ID", "id", "Indonesian", ("Jakarta", "Serpong", "Bandung"), 8),
    Country("MY", "ms", "Malaysian", ("Kuala Lumpur", "Bangi", "Penang"), 6),
    Country("TH", "th", "Thai", ("Bangkok", "Chiang Mai", "Nakhon Nayok"), 6),
    Country("PH", "en", "Philippine", ("Manila", "Quezon City"), 4),
    Country("SG", "en", "Singapore", ("Singapore",), 3),
    Country("IN", "en", "Indian", ("Mumbai", "New Delhi", "Kalpakkam"), 6),
    Country("PK", "en", "Pakistani", ("Islamabad", "Karachi"), 4),
    Country("MN", "en", "Mongolian", ("Ulaanbaatar",), 2),
    Country("KZ", "en", "Kazakh", ("Almaty", "Astana"), 3),
    Country("BD", "en", "Bangladeshi", ("Dhaka",), 2),
    Country("US", "en", "American", ("Albuquerque", "Washington"), 4),
    Country("AU", "en", "Australian", ("Sydney", "Canberra"), 2),
    Country("AT", "en", "Austrian", ("Vienna",), 1),
)

# (kind, English phrase, acronym stem or None, weight); "nssc" share one acronym: NSSC
KINDS: tuple[tuple[str, str, str | None, int], ...] = (
    ("nssc", "Nuclear Security Support Centre", "NSSC", 5),
    ("center_of_excellence", "Centre of Excellence for Nuclear Security", "COE", 2),
    ("regulator", "Nuclear Regulatory Authority", "NRA", 3),
    ("operator", "Nuclear Power Company", "NPC", 2),
    ("research_institute", "Atomic Energy Research Institute", "AERI", 3),
    ("university", "University of Science and Technology", "UST", 3),
    ("government_agency", "Border and Customs Agency", "BCA", 2),
    ("ngo", "Nonproliferation Studies Network", "NSN", 1),
)
# Native-script names: "{country} {qualifier} {kind}" in each language (qualifier varies)
NATIVE_KIND = {
    "zh": "核安保技术中心",
    "ja": "核不拡散・核セキュリティ総合支援センター",
    "ko": "핵비확산핵안보센터",
    "vi": "Trung tâm Hỗ trợ An ninh Hạt nhân",
    "id": "Pusat Dukungan Keamanan Nuklir",
    "ms": "Pusat Sokongan Keselamatan Nuklear",
    "th": "ศูนย์สนับสนุนความมั่นคงปลอดภัยทางนิวเคลียร์",
}
# Distinguishing words: a Latin one for the English name, a native one per language
QUALIFIERS = (
    "Northern", "Southern", "Eastern", "Western", "Central", "National", "Coastal", "Highland",
    "Capital", "Pacific", "Riverside", "Lakeside", "Metropolitan", "Provincial", "United",
    "Federal", "Frontier", "Harbour", "Valley", "Summit",
)  # fmt: skip
NATIVE_QUALIFIERS = {
    "zh": "北南东西中国海山京河湖都省联邦边港谷峰",
    "ja": "北南東西中央海山都河湖市県連邦辺港谷峰",
    "ko": "북남동서중앙해산도강호시군연방변항곡봉",
    "vi": ["Bắc", "Nam", "Đông", "Tây", "Trung", "Quốc gia", "Biển", "Núi", "Thủ đô", "Sông"],
    "id": ["Utara", "Selatan", "Timur", "Barat", "Tengah", "Nasional", "Pesisir", "Dataran"],
    "ms": ["Utara", "Selatan", "Timur", "Barat", "Tengah", "Kebangsaan", "Pantai", "Tanah"],
    "th": ["เหนือ", "ใต้", "ตะวันออก", "ตะวันตก", "กลาง", "แห่งชาติ", "ชายฝั่ง", "ที่ราบสูง"],
}
TARGET_GROUPS = (
    "regulators", "operators", "guards", "front-line-officers", "customs", "police",
    "scientists-engineers", "students", "trainers", "policymakers",
)  # fmt: skip
