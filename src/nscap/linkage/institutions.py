"""Label -> institution linkage: two institution records that name one organisation.

Imports and crowd contributions create the same center twice ("KINAC" and "Korea Institute of
Nuclear Nonproliferation and Control"). Each label of each institution is resolved with
``nscap.institutions.resolution.resolve_label``; another institution that the label names with
a high score, in the same country, is a candidate. A steward merges by a changeset that sets
``Institution.same_as`` (linkage then counts both as one host); undo = revert.

Not yet: a queue page for these (stewards call ``institution_merge_candidates`` / ``merge``
from the shell or a later UI); each unresolved label scans the visible labels in Python, so
this suits registries of thousands of institutions, not millions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nscap.contributions import services as contributions
from nscap.contributions.errors import NotAllowed
from nscap.contributions.models import Changeset
from nscap.core.visibility import is_steward
from nscap.institutions.models import Institution
from nscap.institutions.resolution import resolve_label

MIN_SCORE = 0.9  # exact name or alias, exact acronym, or initials (resolution's tiers)


@dataclass(frozen=True)
class InstitutionPair:
    """Two institution records that may be one organisation, and the label that says so."""

    kept: Institution
    duplicate: Institution
    score: float
    label: str


def institution_merge_candidates(user: Any, *, min_score: float = MIN_SCORE) -> list:
    """Pairs of visible, unmerged institutions one of whose labels names the other."""
    if not is_steward(user):
        raise NotAllowed("Only stewards decide merges.")
    best: dict[tuple[int, int], InstitutionPair] = {}
    institutions = Institution.objects.visible_to(user).filter(same_as__isnull=True)
    for institution in institutions.prefetch_related("labels"):
        for label in institution.labels.all():
            for candidate in resolve_label(label.text, user=user, limit=5):
                other = candidate.institution
                if (
                    other.pk == institution.pk
                    or other.same_as_id is not None
                    or candidate.score < min_score
                    or (institution.country and other.country != institution.country)
                ):
                    continue
                kept, duplicate = sorted((institution, other), key=lambda i: i.pk)
                pair = InstitutionPair(kept, duplicate, candidate.score, label.text)
                current = best.get((kept.pk, duplicate.pk))
                if current is None or pair.score > current.score:
                    best[kept.pk, duplicate.pk] = pair
    return sorted(best.values(), key=lambda p: (-p.score, p.kept.pk, p.duplicate.pk))


def merge(user: Any, kept: Institution, duplicate: Institution, comment: str = "") -> Changeset:
    """A steward's merge: a changeset pointing ``duplicate.same_as`` at ``kept``."""
    if not is_steward(user):
        raise NotAllowed("Only stewards decide merges.")
    return contributions.propose(
        user,
        [
            contributions.ProposedChange(
                "update",
                "institution",
                key=duplicate.key,
                values={"same_as": kept.key},
                base_version=duplicate.version,
            )
        ],
        comment=comment or f"Merge: {duplicate.key} is {kept.key}",
        origin="linkage",
    )
