"""Fixtures for the import/export tests: two centres with labels, two that share an acronym,
vocabulary, a contributor of INSA and a steward; and helpers that build files in memory."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import pytest

from nscap.testing.factories import make_institution, make_target_group, make_topic
from nscap.testing.roles import make_user


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: long-running import test (kept under ~60 s)")


@dataclass
class World:
    insa: Any
    iscn: Any
    nssc_one: Any
    nssc_two: Any
    topic: Any
    group: Any
    contributor: Any
    steward: Any
    outsider: Any


@pytest.fixture
def world(db) -> World:
    insa = make_institution(
        key="insa",
        name="International Nuclear Nonproliferation and Security Academy",
        country="KR",
        labels=[
            ("INSA", "en", "Latn", "acronym"),
            ("국제핵비확산안보아카데미", "ko", "Kore", "name"),
        ],
    )
    iscn = make_institution(
        key="iscn",
        name="Integrated Support Center for Nuclear Nonproliferation and Nuclear Security",
        labels=[("ISCN", "en", "Latn", "acronym")],
    )
    nssc_one = make_institution(
        key="nssc-one",
        name="Nuclear Security Support Centre One",
        labels=[("NSSC", "en", "Latn", "acronym")],
    )
    nssc_two = make_institution(
        key="nssc-two",
        name="Nuclear Security Support Centre Two",
        labels=[("NSSC", "en", "Latn", "acronym")],
    )
    topic = make_topic(key="physical-protection", name="Physical protection")
    group = make_target_group(key="regulators", name="Regulators")
    return World(
        insa,
        iscn,
        nssc_one,
        nssc_two,
        topic,
        group,
        contributor=make_user("contributor-insa", institution=insa),
        steward=make_user("the-steward", steward=True),
        outsider=make_user("outsider"),
    )


def csv_bytes(rows: list[list[Any]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(sheets: dict[str, list[list[Any]]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


EVENT_HEADER = ["key", "host", "title", "start", "end", "participants", "topics", "partners"]
