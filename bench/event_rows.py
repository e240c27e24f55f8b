"""Synthetic training-event rows for the import benchmark, as a CSV file ``nscap import`` reads.

    python bench/event_rows.py OUT.csv --rows 100000 --hosts insa,kinac,... [--prefix bench]

Each row is one run of a course: a key, a host named by an existing institution's key, a title,
start and end dates (day, month or year precision), a city and country, a delivery mode, a head
count and one or two topics (keys of the loaded vocabulary). Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

COLUMNS = [
    "key",
    "host",
    "title",
    "start",
    "end",
    "city",
    "country",
    "delivery_mode",
    "participants",
    "topics",
]
SUBJECTS = [
    "Physical protection of nuclear material",
    "Insider threat mitigation",
    "Nuclear security culture",
    "Radiation detection at borders",
    "Computer security for nuclear facilities",
    "Transport security",
    "Nuclear forensics",
    "Vulnerability assessment",
    "Response to nuclear security events",
]
KINDS = ["Regional training course", "Workshop", "National seminar", "Train-the-trainers"]
PLACES = [
    ("Seoul", "KR"),
    ("Daejeon", "KR"),
    ("Beijing", "CN"),
    ("Tokai", "JP"),
    ("Kuala Lumpur", "MY"),
    ("Jakarta", "ID"),
    ("Hanoi", "VN"),
    ("Bangkok", "TH"),
    ("Manila", "PH"),
    ("Vienna", "AT"),
]
MODES = ["in_person", "in_person", "in_person", "online", "hybrid", "unknown"]


def rows(count: int, hosts: list[str], topics: list[str], prefix: str, seed: int = 5) -> Iterator:
    """``count`` rows (lists in COLUMNS order)."""
    rng = random.Random(seed)
    for i in range(count):
        start = date(2005, 1, 1) + timedelta(days=rng.randrange(7300))
        precision = rng.random()
        if precision < 0.8:  # most reports give the days
            start_text = start.isoformat()
            end_text = (start + timedelta(days=rng.randrange(1, 10))).isoformat()
        elif precision < 0.95:
            start_text, end_text = start.isoformat()[:7], ""
        else:
            start_text, end_text = str(start.year), ""
        city, country = rng.choice(PLACES)
        yield [
            f"{prefix}-{i:07d}",
            rng.choice(hosts),
            f"{rng.choice(KINDS)} on {rng.choice(SUBJECTS).lower()} ({i})",
            start_text,
            end_text,
            city,
            country,
            rng.choice(MODES),
            rng.randrange(5, 80),
            "; ".join(sorted(set(rng.sample(topics, rng.randint(1, 2))))),
        ]


def write_csv(path: Path, count: int, hosts: list[str], topics: list[str], prefix: str) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows(rows(count, hosts, topics, prefix))
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--hosts", required=True, help="institution keys, comma-separated")
    parser.add_argument("--topics", default="nuclear-security,physical-protection")
    parser.add_argument("--prefix", default="bench")
    args = parser.parse_args()
    write_csv(args.out, args.rows, args.hosts.split(","), args.topics.split(","), args.prefix)


if __name__ == "__main__":
    main()
