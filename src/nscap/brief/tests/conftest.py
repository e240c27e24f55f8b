"""Fixtures for the brief's tests: the registry with the brief loaded once per test."""

from __future__ import annotations

import pytest

from nscap.brief.loader import LoadReport, load_brief


@pytest.fixture
def brief(db) -> LoadReport:
    """Load the brief's transcription into the test database; return the load's report."""
    return load_brief()
