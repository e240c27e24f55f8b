"""Reconciliation decisions: one per name in context, a changeset, a learned alias, an undo.

Who may call: stewards, for any group; a contributor, for the rows that came in for their
institution (``selectors.visible_mentions``). The web page and the API call these same
functions. A decision to pick an institution (or to create one) is proposed as ONE changeset
through ``contributions.services.propose``: the learned alias (a ``learned`` label with the
group's context) on the institution, and every record of the group pointed at it. It is
applied at once or waits for a steward by the usual policy; undo is the revert of that
changeset. "Not an institution" changes no record (the text stays as written, as the record's
final word): it is recorded on the mentions, and undone by clearing it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nscap.accounts.selectors import can_contribute
from nscap.contributions import bulk, services
from nscap.contributions.choices import ChangesetStatus
from nscap.contributions.errors import Invalid, NotAllowed, NotFound
from nscap.contributions.models import Changeset
from nscap.contributions.record_types import RECORD_TYPES, new_key, snapshot
from nscap.core.visibility import is_steward
from nscap.institutions.choices import InstitutionKind, LabelKind
from nscap.institutions.models import Institution
from nscap.reconciliation.choices import Decision
from nscap.reconciliation.intake import RECONCILABLE
from nscap.reconciliation.models import NameMention
from nscap.reconciliation.selectors import GroupKey, group_mentions, visible_mentions


@dataclass
class DecisionResult:
    """What a decision did: the rows it covered and its changeset (None for "not an
    institution"), applied or waiting for review."""

    rows: int
    decision: str
    institution: str | None
    changeset: Changeset | None

    @property
    def applied(self) -> bool:
        return self.changeset is None or self.changeset.status == ChangesetStatus.APPLIED


def _learned_label(text: str, key: GroupKey) -> dict[str, str]:
    return {
        "text": text,
        "language": "und",
        "script": "Latn" if text.isascii() else "Zyyy",
        "kind": LabelKind.LEARNED,
        "context_country": key.country,
        "context_reporter": key.reporter,
    }


def _record_changes(
    mentions: list[NameMention], institution: str, user: Any
) -> list[services.ProposedChange]:
    """One update per record of the group, pointing each held name at ``institution``."""
    by_record: dict[tuple[str, str], list[NameMention]] = defaultdict(list)
    for mention in mentions:
        by_record[(mention.record_type, mention.record_key)].append(mention)
    # Every record of the group read at once, as ``user`` sees it (the same read ``propose``
    # does): a few queries per record type, not about ten per record.
    found = bulk.current_records(
        [services.ProposedChange("update", name, key=key) for name, key in by_record], user
    )
    changes = []
    for (record_type, record_key), held in by_record.items():
        if (record_type, record_key) not in found:
            continue
        record, current = found[record_type, record_key]
        values: dict[str, Any] = {}
        for mention in held:
            text_field = RECONCILABLE[record_type].get(mention.field)
            if text_field:  # a single reference with a text twin
                if current.get(mention.field) is None:
                    values[mention.field] = institution
                    if (current.get(text_field) or "").strip() == mention.text.strip():
                        values[text_field] = ""
            else:  # a list of partners: add the partner with the role it was written with
                partners = values.get(mention.field, list(current.get(mention.field) or []))
                entry = {"institution": institution, "role": mention.role or "unspecified"}
                if entry not in partners:
                    partners.append(entry)
                values[mention.field] = partners
        if values:
            changes.append(
                services.ProposedChange(
                    "update",
                    record_type,
                    key=record_key,
                    values=values,
                    base_version=record.version,
                )
            )
    return changes


def _institution_changes(
    user: Any,
    key: GroupKey,
    text: str,
    decision: str,
    institution: str | None,
    new: dict[str, Any] | None,
) -> tuple[str, list[services.ProposedChange]]:
    """(institution key, changes): the institution picked (its learned alias added) or created."""
    label = _learned_label(text, key)
    if decision == Decision.PICK:
        found = Institution.objects.visible_to(user).filter(key=institution or "").first()
        if found is None:
            raise Invalid(
                [
                    {
                        "change": None,
                        "field": "institution",
                        "message": _("No institution you can see has the key %(key)r.")
                        % {"key": institution},
                    }
                ]
            )
        labels = snapshot(RECORD_TYPES["institution"], found)["labels"]
        if any(
            lb.get("kind") == LabelKind.LEARNED
            and lb["text"] == label["text"]
            and lb.get("context_country", "") == key.country
            and lb.get("context_reporter", "") == key.reporter
            for lb in labels
        ):
            return found.key, []
        change = services.ProposedChange(
            "update",
            "institution",
            key=found.key,
            values={"labels": [*labels, label]},
            base_version=found.version,
        )
        return found.key, [change]
    new = dict(new or {})
    values = {
        "name": (new.get("name") or text).strip(),
        "kind": new.get("kind") or "",
        "country": key.country if new.get("country") is None else new["country"],
        "sensitivity": new.get("sensitivity") or "public",
        "labels": [label],
    }
    if values["kind"] not in InstitutionKind.values:
        raise Invalid(
            [
                {
                    "change": None,
                    "field": "kind",
                    "message": _("Say what kind of institution it is: one of %(kinds)s.")
                    % {"kinds": ", ".join(InstitutionKind.values)},
                }
            ]
        )
    values["key"] = new.get("key") or new_key(RECORD_TYPES["institution"], values)
    return values["key"], [services.ProposedChange("create", "institution", values=values)]


def decide(
    user: Any,
    key: GroupKey,
    decision: str,
    *,
    institution: str | None = None,
    new: dict[str, Any] | None = None,
    comment: str = "",
) -> DecisionResult:
    """Decide every pending row of the group ``key`` that ``user`` may reconcile, at once.

    ``decision``: ``pick`` (``institution``: the key of a visible institution), ``new``
    (``new``: name, kind, country of the institution to create) or ``not_institution``.
    Raises NotAllowed, NotFound (no such pending group for the user) or Invalid; nothing is
    written unless all of it is.
    """
    if not can_contribute(user):
        raise NotAllowed(_("Only stewards and members of an institution may reconcile names."))
    if decision not in Decision.values:
        raise Invalid(
            [
                {
                    "change": None,
                    "field": "decision",
                    "message": _("Unknown decision %(d)r; one of %(all)s.")
                    % {"d": decision, "all": ", ".join(Decision.values)},
                }
            ]
        )
    with transaction.atomic():
        mentions = list(group_mentions(user, key).select_for_update(of=("self",)))
        if not mentions:
            raise NotFound(_("No unreconciled name of yours is in that group."))
        text = mentions[0].text
        now = timezone.now()
        if decision == Decision.NOT_INSTITUTION:
            NameMention.objects.filter(pk__in=[m.pk for m in mentions]).update(
                decision=decision,
                institution_key="",
                changeset=None,
                decided_by=user,
                decided_at=now,
            )
            return DecisionResult(len(mentions), decision, None, None)
        chosen, changes = _institution_changes(user, key, text, decision, institution, new)
        changes += _record_changes(mentions, chosen, user)
        changeset = services.propose(
            user,
            changes,
            comment=comment
            # The comment is shown with the history to whoever sees the records: it names the
            # country of the context, never its reporter (who may be hidden from them).
            or _("Reconciliation: “%(text)s” (%(context)s) is %(key)s, %(rows)d rows.")
            % {
                "text": text,
                "context": key.country or "-",
                "key": chosen,
                "rows": len(mentions),
            },
            origin="reconciliation",
        )
        NameMention.objects.filter(pk__in=[m.pk for m in mentions]).update(
            decision=decision,
            institution_key=chosen,
            changeset=changeset,
            decided_by=user,
            decided_at=now,
        )
    return DecisionResult(len(mentions), decision, chosen, changeset)


def undo(user: Any, key: GroupKey) -> DecisionResult:
    """Undo the decision of the group ``key``: revert its changeset (as a new changeset, by the
    usual policy) and queue its rows again. Stewards, or the person who decided."""
    if not can_contribute(user):
        raise NotAllowed(_("Only stewards and members of an institution may reconcile names."))
    with transaction.atomic():
        mentions = list(
            group_mentions(user, key, pending=False)
            .exclude(decision="")
            .select_for_update(of=("self",))
        )
        if not mentions:
            raise NotFound(_("No decided name of yours is in that group."))
        if not is_steward(user) and any(m.decided_by_id != user.pk for m in mentions):
            raise NotAllowed(_("Only a steward or the person who decided may undo a decision."))
        changesets = {m.changeset_id for m in mentions if m.changeset_id}
        reverts = []
        for changeset_id in sorted(changesets, reverse=True):
            status = (
                Changeset.objects.filter(pk=changeset_id).values_list("status", flat=True).first()
            )
            if status == ChangesetStatus.APPLIED:
                reverts.append(services.revert_changeset(user, changeset_id))
            elif status in (ChangesetStatus.PENDING, ChangesetStatus.NEEDS_MORE):
                if Changeset.objects.filter(pk=changeset_id, author=user).exists():
                    services.withdraw(user, changeset_id)
                else:  # a steward takes back a contributor's decision still waiting
                    services.reject(user, changeset_id, _("Reconciliation decision undone."))
        NameMention.objects.filter(pk__in=[m.pk for m in mentions]).update(
            decision="", institution_key="", changeset=None, decided_by=None, decided_at=None
        )
    return DecisionResult(len(mentions), "undo", None, reverts[0] if reverts else None)


def mentions_for_decision(user: Any, key: GroupKey) -> int:
    """How many rows a decision on ``key`` would cover for ``user`` (the form's preview)."""
    return group_mentions(user, key).count()


__all__ = ["DecisionResult", "decide", "undo", "mentions_for_decision", "visible_mentions"]
