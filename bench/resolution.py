"""Label resolution speed: exact, acronym and fuzzy look-ups over N institutions' labels.

    python bench/resolution.py [--institutions 2500] [--runs 30]

Each institution gets four labels (an English name, an acronym, a Chinese and a Korean name), so
2,500 institutions make 10,000 labels. Prints median and p95 per kind of query.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import record, setup_django, summary, timed  # noqa: E402

WORDS = [
    "Nuclear",
    "Security",
    "Training",
    "Support",
    "Academy",
    "Institute",
    "Radiation",
    "Safety",
    "Regional",
    "National",
    "Technology",
    "Assessment",
    "Culture",
    "Physical",
]
HANZI = "国家核安保技术中心研究院培训辐射安全文化评估物理防护"
HANGUL = "국제핵안보교육훈련센터원자력통제기술원안전문화"


def build(count: int) -> None:
    from nscap.institutions.models import Institution, Label

    rng = random.Random(7)
    institutions = Institution.objects.bulk_create(
        Institution(
            key=f"bench-{i}",
            name=" ".join(rng.sample(WORDS, 4)) + f" {i}",
            kind="university",
            country="JP",
        )
        for i in range(count)
    )
    labels = []
    for inst in institutions:
        acronym = "".join(w[0] for w in inst.name.split()[:4]) + str(inst.pk % 97)
        labels += [
            Label(institution=inst, text=inst.name, language="en", kind="name"),
            Label(institution=inst, text=acronym, language="en", kind="acronym"),
            Label(
                institution=inst,
                text="".join(rng.sample(HANZI, 8)),
                language="zh-Hans",
                script="Hans",
                kind="name",
            ),
            Label(
                institution=inst,
                text="".join(rng.sample(HANGUL, 8)),
                language="ko",
                script="Kore",
                kind="name",
            ),
        ]
    for label in labels:  # save() fills the normalized form
        label.save()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--institutions", type=int, default=2500)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    setup_django()
    from nscap.institutions.models import Institution, Label
    from nscap.institutions.resolution import resolve_label

    build(args.institutions)
    sample = Institution.objects.order_by("pk")[args.institutions // 2]
    zh = Label.objects.get(institution=sample, language="zh-Hans").text
    queries = {
        "exact name": sample.name.upper(),
        "acronym": Label.objects.get(institution=sample, kind="acronym").text,
        "fuzzy English (typo)": sample.name.replace("a", "e", 1).lower(),
        "fuzzy Chinese (one character off)": zh[:-1] + "心",
        "no match": "zzzz qqqq xxxx",
    }
    labels = Label.objects.count()
    print(f"label resolution over {labels:,} labels ({args.institutions:,} institutions)")
    rows = []
    for name, text in queries.items():
        stats = summary(timed(lambda text=text: resolve_label(text, limit=10), args.runs))
        print(f"  {name:36s} median {stats['median_ms']:7.1f} ms   p95 {stats['p95_ms']:7.1f} ms")
        rows.append(
            (
                f"resolve_label, {name}, {labels:,} labels",
                f"median {stats['median_ms']:.1f} ms, p95 {stats['p95_ms']:.1f} ms",
            )
        )
    record("resolution", rows)


if __name__ == "__main__":
    main()
