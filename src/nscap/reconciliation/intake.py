"""Names an import cannot resolve: kept as written, with their candidates, for the queue.

The importer (``interchange.importer``) asks a ``NameIntake`` what to do with an institution
name of a field that can wait for reconciliation (``RECONCILABLE``): a learned alias of the
row's context resolves it; otherwise the row keeps the text as written in the field's text
twin (an event's ``host_text``, a claim's ``partner_text``; an event partner is held beside the
event) and a ``PlannedMention`` records the ranked candidates. ``record_mentions`` writes the
mentions in the import's own transaction, so a failed import leaves none behind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from nscap.institutions.choices import LabelKind
from nscap.institutions.models import Institution, Label
from nscap.institutions.normalize import normalize_label
from nscap.institutions.resolution import (
    EXACT_ACRONYM,
    EXACT_NAME,
    INITIALS,
    MENTIONS_ACRONYM,
    TRANSLITERATION_MAX,
    Candidate,
    LabelResolver,
)
from nscap.notifications import services as notifications
from nscap.reconciliation.choices import Decision
from nscap.reconciliation.models import NameMention

# Record type -> field -> the field that keeps the text as written while it is unreconciled
# ("" for a list field whose unresolved entries are held beside the record).
RECONCILABLE: dict[str, dict[str, str]] = {
    "training_event": {"host": "host_text", "partners": ""},
    "collaboration_claim": {"partner": "partner_text"},
    # Required institutions: the record is kept with the reference empty, owned meanwhile by
    # its ``reported_by`` (the models' ``visibility_owner_fallback``).
    "course": {"provider": "provider_text"},
    "aggregate_claim": {"claimant": "claimant_text"},
    "milestone": {"institution": "institution_text"},
    "source": {"owner": "owner_text"},
    "institution": {"parent": "parent_text"},
}
# Record type -> (the field giving the row's location country, the field naming its reporter;
# "" where the record has none: the context is then the importer's institution, as the owner).
CONTEXT_FIELDS: dict[str, tuple[str, str]] = {
    "training_event": ("country", "reported_by"),
    "collaboration_claim": ("partner_country", "claimant"),
    "course": ("", "reported_by"),
    "aggregate_claim": ("country", "reported_by"),
    "milestone": ("", "reported_by"),
    "source": ("", "reported_by"),
    "institution": ("country", ""),
}
ALL_CANDIDATES = 1000  # "all of them": more than any name has ever matched


def why(candidate: Candidate) -> str:
    """Why resolution offered ``candidate``, in words (the score tiers of ``resolution``)."""
    score = candidate.score
    if score >= EXACT_NAME:
        return "the text equals a name or alias"
    if score >= EXACT_ACRONYM:
        return "the text equals an acronym"
    if score >= INITIALS:
        return "the text is the initials of a name"
    if score == MENTIONS_ACRONYM and candidate.matched_label.kind == "acronym":
        return "the text mentions an acronym"
    if score <= TRANSLITERATION_MAX and candidate.matched_label.script != "Latn":
        return "similar once transliterated"
    return "similar name"


def candidate_rows(candidates: list[Candidate]) -> list[dict[str, Any]]:
    """The candidates as stored on a mention: ranked, each with what a steward needs to choose."""
    return [
        {
            "key": c.institution.key,
            "name": c.institution.name,
            "country": c.institution.country,
            "kind": c.institution.kind,
            "score": c.score,
            "matched": c.matched_label.text,
            "why": why(c),
        }
        for c in candidates
    ]


@dataclass(slots=True)
class PlannedMention:
    """A mention an import will record once its row is written."""

    record_type: str
    record_key: str
    field: str
    text: str
    context_country: str
    context_reporter: str
    candidates: list[dict[str, Any]]
    role: str = ""
    decision: str = ""  # "not_institution" when a decision taught so


@dataclass
class NameIntake:
    """Per-import caches: candidates per text, learned decisions per text in context."""

    user: Any
    _found: dict[str, list[Candidate]] = field(default_factory=dict)
    _candidates: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _learned: dict[tuple[str, str, str], set[int]] | None = None
    _keys: dict[int, str] = field(default_factory=dict)  # visible institution id -> key
    _not_institution: set[tuple[str, str, str]] | None = None
    _resolver: LabelResolver | None = None
    _normalized: dict[str, str] = field(default_factory=dict)

    def resolve(self, text: str) -> list[Candidate]:
        """Every candidate of ``text`` (resolution is the costly part of an import: once per
        distinct text, shared by the importer's check and the mention's candidates, through
        one ``LabelResolver`` that reads the visible labels once)."""
        if text not in self._found:
            if self._resolver is None:
                self._resolver = LabelResolver(self.user)
            self._found[text] = self._resolver.resolve(text, limit=ALL_CANDIDATES)
        return self._found[text]

    def normalized(self, text: str) -> str:
        """``normalize_label(text)``, once per distinct text (asked for every row)."""
        if text not in self._normalized:
            self._normalized[text] = normalize_label(text)
        return self._normalized[text]

    def candidates(self, text: str) -> list[dict[str, Any]]:
        if text not in self._candidates:
            self._candidates[text] = candidate_rows(self.resolve(text))
        return self._candidates[text]

    def learned(self, text: str, country: str, reporter: str) -> str | None:
        """The key a decision taught ``text`` to name in this context, or None (the rule of
        ``resolution.learned_alias``, read once per import: an import asks per row)."""
        if self._learned is None:
            self._learned = {}
            for normalized, c, r, institution in Label.objects.filter(
                kind=LabelKind.LEARNED
            ).values_list("normalized", "context_country", "context_reporter", "institution_id"):
                self._learned.setdefault((normalized, c, r), set()).add(institution)
            ids = set().union(*self._learned.values()) if self._learned else set()
            self._keys = dict(
                Institution.objects.visible_to(self.user)
                .filter(pk__in=ids)
                .values_list("pk", "key")
            )
        found = self._learned.get((self.normalized(text), country, reporter), set())
        return self._keys.get(next(iter(found))) if len(found) == 1 else None

    def not_institution(self, text: str, country: str, reporter: str) -> bool:
        """Was ``text`` in this context decided to be no institution (and so not queued again)?"""
        if self._not_institution is None:
            self._not_institution = set(
                NameMention.objects.filter(decision=Decision.NOT_INSTITUTION).values_list(
                    "normalized", "context_country", "context_reporter"
                )
            )
        return (self.normalized(text), country, reporter) in self._not_institution

    def hold(
        self,
        record_type: str,
        raw: dict[str, Any],
        names: list[str],
        resolve: Callable[[str], str | None],
        *,
        reporter_failed: bool = False,
    ) -> list[PlannedMention]:
        """Resolve the reconcilable ``names`` of a row's ``raw`` values in place: through a
        learned alias of the row's context first (a person chose it for such rows), then by
        ``resolve`` (plain resolution, the importer's); what stays unresolved is kept as
        written (the text twin, or left out of a partner list) and returned as mentions."""
        country_field, reporter_field = CONTEXT_FIELDS[record_type]
        reporter = "" if reporter_failed else str(raw.get(reporter_field) or "")
        context = (str(raw.get(country_field) or ""), reporter)
        record_key = str(raw.get("key") or "")
        held: list[PlannedMention] = []

        def key_of(text: str) -> str | None:
            return self.learned(text.strip(), *context) or resolve(text)

        for name in names:
            value = raw[name]
            if isinstance(value, list):  # event partners: unresolved ones wait beside the event
                kept = []
                for partner in value:
                    text = partner.get("institution") if isinstance(partner, dict) else None
                    key = key_of(text) if isinstance(text, str) else None
                    if not isinstance(text, str):
                        kept.append(partner)
                    elif key:
                        kept.append({**partner, "institution": key})
                    else:
                        role = str(partner.get("role") or "")
                        held.append(
                            self.mention(record_type, record_key, name, text.strip(), context, role)
                        )
                raw[name] = kept
                continue
            text = str(value).strip()
            key = key_of(text)
            if key:
                raw[name] = key
            else:
                raw[name] = None
                twin = RECONCILABLE[record_type][name]
                raw[twin] = raw.get(twin) or text  # the source's own words, when given, stay
                held.append(self.mention(record_type, record_key, name, text, context))
        return held

    def mention(
        self,
        record_type: str,
        record_key: str,
        field_name: str,
        text: str,
        context: tuple[str, str],
        role: str = "",
    ) -> PlannedMention:
        country, reporter = context
        decided = self.not_institution(text, country, reporter)
        return PlannedMention(
            record_type,
            record_key,
            field_name,
            text,
            country,
            reporter,
            self.candidates(text),
            role,
            Decision.NOT_INSTITUTION if decided else "",
        )


def groups(mentions: list[PlannedMention]) -> list[dict[str, Any]]:
    """Distinct names in context with their number of rows, most rows first (the dry run's
    summary: one decision each)."""
    counts = Counter(
        (m.text.strip(), m.context_country, m.context_reporter) for m in mentions if not m.decision
    )
    return [
        {"text": text, "country": country, "reported_by": reporter, "rows": rows}
        for (text, country, reporter), rows in sorted(
            counts.items(), key=lambda item: (-item[1], item[0])
        )
    ]


def record_mentions(
    user: Any,
    mentions: list[PlannedMention],
    changeset: Any,
    rewritten: dict[str, list[str]] | None = None,
) -> int:
    """Write the mentions of an import (inside its transaction); a mention already recorded
    for the same record, field and text is kept as it is. ``rewritten``: record type -> keys
    of the records the import writes; their undecided mentions that the file no longer makes
    (the name was corrected, or resolves now) are dropped. Returns how many were new."""
    kept = {
        (m.record_type, m.record_key, m.field, normalize_label(m.text), m.role) for m in mentions
    }
    for record_type, keys in (rewritten or {}).items():
        for start in range(0, len(keys), 1000):
            old = NameMention.objects.filter(
                record_type=record_type, record_key__in=keys[start : start + 1000], decision=""
            ).values_list("pk", "record_type", "record_key", "field", "normalized", "role")
            stale = [row[0] for row in old if tuple(row[1:]) not in kept]
            NameMention.objects.filter(pk__in=stale).delete()
    if not mentions:
        return 0
    reporters = {m.context_reporter for m in mentions if m.context_reporter}
    pks = dict(Institution.objects.filter(key__in=reporters).values_list("key", "pk"))
    fallback = changeset.institution_id if changeset is not None else None
    now = timezone.now()
    rows = [
        NameMention(
            record_type=m.record_type,
            record_key=m.record_key,
            field=m.field,
            role=m.role,
            text=m.text,
            normalized=normalize_label(m.text),
            context_country=m.context_country,
            context_reporter=m.context_reporter,
            owner_id=pks.get(m.context_reporter) or fallback,
            candidates=m.candidates,
            created_by=user,
            decision=m.decision,
            decided_at=now if m.decision else None,
        )
        for m in mentions
    ]
    before = NameMention.objects.count()
    NameMention.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    # The reporting institutions' members are told what waits for them (what they may see).
    new = NameMention.objects.filter(created_by=user, created_at__gte=now, decision="")
    notifications.reconciliation_needed(user, new)
    return NameMention.objects.count() - before
