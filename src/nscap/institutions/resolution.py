"""Label resolution: find institutions from any name, acronym or alias, in any script.

Interface (stable; search and imports rely on it):

    resolve_label(text, *, user=None, limit=10) -> list[Candidate]

Candidates are ranked best first, each with a score in [0, 1] and the label that matched.
Ambiguous text ("NSSC") returns several candidates rather than a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

from nscap.institutions.models import Institution, Label


@dataclass(frozen=True)
class Candidate:
    institution: Institution
    score: float
    matched_label: Label


def resolve_label(text: str, *, user=None, limit: int = 10) -> list[Candidate]:
    raise NotImplementedError  # filled in by the label-resolution work
