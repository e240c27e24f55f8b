"""A registry with two "NSSC"s (one restricted), a reporter and its contributor, and a file of
event reports naming hosts that are unknown, ambiguous and misspelt."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import pytest

from nscap.testing.factories import make_institution
from nscap.testing.roles import make_user

HEADER = ["key", "host", "title", "start", "country", "participants", "reported_by", "sensitivity"]


@dataclass
class World:
    insa: Any
    nssc_my: Any
    nssc_id: Any
    hidden_nssc: Any
    reporter: Any
    other: Any
    steward: Any
    contributor: Any
    other_contributor: Any


@pytest.fixture
def world(db) -> World:
    insa = make_institution(
        key="insa",
        name="International Nuclear Nonproliferation and Security Academy",
        country="KR",
        labels=[("INSA", "en", "Latn", "acronym")],
    )
    nssc_my = make_institution(
        key="nssc-my",
        name="Nuclear Security Support Centre Malaysia",
        country="MY",
        kind="nssc",
        labels=[("NSSC", "en", "Latn", "acronym")],
    )
    nssc_id = make_institution(
        key="nssc-id",
        name="Nuclear Security Support Centre Indonesia",
        country="ID",
        kind="nssc",
        labels=[("NSSC", "en", "Latn", "acronym")],
    )
    hidden_nssc = make_institution(
        key="nssc-secret",
        name="Nuclear Security Support Centre Secret",
        country="MY",
        kind="nssc",
        sensitivity="restricted",
        labels=[("NSSC", "en", "Latn", "acronym")],
    )
    reporter = make_institution(key="reporter-x", name="Reporter X", country="MY")
    other = make_institution(key="reporter-y", name="Reporter Y", country="TH")
    return World(
        insa,
        nssc_my,
        nssc_id,
        hidden_nssc,
        reporter,
        other,
        steward=make_user("recon-steward", steward=True),
        contributor=make_user("recon-contributor-x", institution=reporter),
        other_contributor=make_user("recon-contributor-y", institution=other),
    )


def events_csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode()


def messy_rows(n_nssc: int = 3, reporter: str = "reporter-x", prefix: str = "ev") -> list[list]:
    """``n_nssc`` reports of "NSSC" (ambiguous) in MY, one misspelt, one unknown, one resolved."""
    rows = [
        [f"{prefix}-nssc-{i}", "NSSC", f"Workshop {i}", "2020-05", "MY", 20, reporter, "public"]
        for i in range(n_nssc)
    ]
    rows.append(
        [
            f"{prefix}-typo",
            "Internatinal Nuclear Nonproliferation and Security Acadmy",
            "Typo",
            "2020",
            "KR",
            10,
            reporter,
            "public",
        ]
    )
    rows.append(
        [
            f"{prefix}-unknown",
            "Ministry of Somewhere",
            "Unknown",
            "2021",
            "MY",
            5,
            reporter,
            "public",
        ]
    )
    rows.append([f"{prefix}-ok", "INSA", "Resolved", "2021", "KR", 7, reporter, "public"])
    return rows
