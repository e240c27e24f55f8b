"""The write rules every path obeys: owner, sensitivity, links, auto-apply and taken keys.

``services.propose`` applies them to every change, so web forms, the API, spreadsheet imports
and reverts get the same answers; no path keeps a copy of its own (issue 12: findings 1, 7,
15, 16 and 17 were each a path, or a case, that a rule did not reach).

- **Owner** (the field ``RecordType.owner`` names: host, provider, claimant, institution,
  owner). Only a member of the institution that owns a record may change its owner, and that
  change waits for a steward. Re-pointing another institution's record, even to the author's
  own, is refused: otherwise "make it mine" and then "delete it" takes over any record. A new
  record may name another institution (a report of an event it hosted, say); it waits too.
- **Sensitivity.** Another institution's record keeps the sensitivity it has.
- **Links.** A change may link only to records the author may see (or that its changeset
  creates). A link to a hidden record is refused in the very words used for a key that does
  not exist, so the answer never tells that a hidden record is there. Links the record already
  has to records hidden from the author are kept as they are: reads redact them, so the
  author's client sends the record back without them (null, or a shorter list) and means
  "what I can see", not "remove what I cannot see". They are never named in an error.
- **Auto-apply.** A contributor's change is applied without review only when one of the
  author's institutions owns the record before and after it (owner unchanged), that
  institution's policy publishes its own public records without review, and the record is
  public before and after (so a sensitivity change always waits). Stewards' changes apply.
- **Taken keys.** Creating a record with a key any record holds answers "not available",
  whether the author may see that record or not (keys are unique across the registry).

Stewards are bound only by the link and key rules (they see every record, so for them a link
is refused only when nothing has that key).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _

from nscap.contributions.choices import ChangeAction
from nscap.contributions.fields import is_key
from nscap.contributions.record_types import (
    REFERENCE_MODELS,
    RecordType,
    UnknownReference,
    links,
)
from nscap.core.choices import Sensitivity
from nscap.core.visibility import is_steward

CHUNK = 5000  # SQLite limits the parameters of a query


def key_not_available(key: str) -> str:
    """The one answer to a create whose key a record holds, hidden from the author or not."""
    return _("The key %(key)r is not available; choose another.") % {"key": key}


class Sight:
    """Which records one author may see, by record type and key.

    Looked up a batch at a time (an import names thousands of keys; one query per record type
    per 5,000 keys) and remembered for the whole proposal. Keys that the changeset itself
    creates count as seen: they will exist, in order, when it is applied.
    """

    def __init__(self, user: Any, created: dict[str, set[str]] | None = None) -> None:
        self.user = user
        self.created = created or {}
        self._known: dict[str, dict[str, bool]] = {}

    def load(self, wanted: Iterable[tuple[str, str]]) -> None:
        """Look up every (record type, key) not looked up yet."""
        by_type: dict[str, set[str]] = {}
        for target, key in wanted:
            if key in self._known.get(target, {}):
                continue
            if is_key(key):
                by_type.setdefault(target, set()).add(key)
            else:  # raw text no key can be (a NUL byte, say): the schema names the field
                self._known.setdefault(target, {})[key] = False
        for target, keys in by_type.items():
            model = apps.get_model(REFERENCE_MODELS[target])
            known = self._known.setdefault(target, {})
            ordered = sorted(keys)
            for start in range(0, len(ordered), CHUNK):
                chunk = ordered[start : start + CHUNK]
                found = set(
                    model.objects.visible_to(self.user)
                    .filter(key__any=chunk)
                    .values_list("key", flat=True)
                )
                known.update((key, key in found) for key in chunk)

    def sees(self, target: str, key: str) -> bool:
        if key in self.created.get(target, ()):
            return True
        if key not in self._known.get(target, {}):
            self.load([(target, key)])
        return self._known[target][key]

    def load_links(self, record_type: RecordType, values: dict[str, Any]) -> None:
        self.load((target, key) for _name, target, key in links(record_type, values))


def keep_hidden_links(
    record_type: RecordType, raw: dict[str, Any], before: dict[str, Any], sight: Sight
) -> None:
    """Put back into ``raw`` (an update's values, not yet validated) the links ``before`` has to
    records the author may not see: a blank reference keeps its hidden target; a list keeps
    its hidden members beside the ones the author sent."""
    for name, target in record_type.refs.items():
        old = before.get(name)
        if old and raw.get(name) in (None, "") and not sight.sees(target, old):
            raw[name] = old
    for name, target in record_type.many.items():
        hidden = [key for key in before.get(name) or () if not sight.sees(target, key)]
        if hidden and isinstance(raw.get(name), list):
            raw[name] = [*raw[name], *(key for key in hidden if key not in raw[name])]
    if "labels" in record_type.children and isinstance(raw.get("labels"), list):
        # A learned alias shown without its hidden reporter (``redaction._label_seen``) and
        # sent back so keeps its context.
        for label in before.get("labels") or ():
            reporter = label.get("context_reporter")
            if reporter and not sight.sees("institution", reporter):
                seen = {k: v for k, v in label.items() if k != "context_reporter"}
                raw["labels"] = [label if given == seen else given for given in raw["labels"]]
    if "partners" in record_type.children:
        hidden = [
            partner
            for partner in before.get("partners") or ()
            if not sight.sees("institution", partner["institution"])
        ]
        if hidden and isinstance(raw.get("partners"), list):
            given = raw["partners"]
            raw["partners"] = [*given, *(partner for partner in hidden if partner not in given)]


def link_errors(
    record_type: RecordType,
    values: dict[str, Any],
    before: dict[str, Any],
    sight: Sight,
    index: int,
) -> list[dict]:
    """A refusal for each new link to a record the author may not see or that does not exist
    (the same words for both); links ``before`` already has are not new."""
    existing = set(links(record_type, before))
    errors, seen = [], set()
    for link in links(record_type, values):
        name, target, key = link
        if link in existing or link in seen or sight.sees(target, key):
            continue
        seen.add(link)
        errors.append(
            {"change": index, "field": name, "message": str(UnknownReference(name, target, key))}
        )
    return errors


def owner_of(
    record_type: RecordType, values: dict[str, Any], instance: Any, pks: dict[str, int]
) -> int | None:
    """The id of the institution that owns the record with ``values`` (None: no owner).

    ``pks``: institution key -> primary key for the keys the changes name.
    """
    if record_type.owner == "":
        return instance.pk if instance is not None else None
    if not record_type.owner:
        return None
    key = values.get(record_type.owner)
    return pks.get(key) if key else None


def current_owner(record_type: RecordType, instance: Any) -> int | None:
    """The id of the institution that owns ``instance`` as stored (None for a new record).

    While the owner field is empty (an event whose host name is not reconciled yet), the
    model's ``visibility_owner_fallback`` (its reporter) owns it, as in the read filter: its
    members may settle the host, and that waits for a steward like any owner change."""
    if instance is None:
        return None
    if record_type.owner == "":
        return instance.pk
    if not record_type.owner:
        return None
    owner = getattr(instance, f"{record_type.owner}_id", None)
    fallback = getattr(type(instance), "visibility_owner_fallback", "")
    if owner is None and fallback:
        return getattr(instance, f"{fallback}_id", None)
    return owner


def owner_refusals(
    author: Any,
    action: str,
    record_type: RecordType,
    values: dict[str, Any],
    before: dict[str, Any],
    instance: Any,
    own: frozenset[int],
    pks: dict[str, int],
    index: int,
) -> list[dict]:
    """Why ``author`` may not make this change to the record's owner or sensitivity (empty
    when they may): only members of the record's owner change either. Stewards may; a deletion
    changes neither (it waits when the record is not the author's: ``auto_applies``)."""
    if is_steward(author) or action == ChangeAction.DELETE:
        return []
    errors: list[dict] = []
    old = current_owner(record_type, instance)
    new = owner_of(record_type, values, instance, pks)
    field = record_type.owner
    if field and instance is not None and new != old and old not in own:
        message = (
            _("The owner of another institution's record is theirs to change; ask a steward.")
            if old is not None
            else _("Only a steward gives a record without an owner to an institution.")
        )
        errors.append({"field": field, "message": message})
    if (
        instance is not None
        and old not in own
        and values.get("sensitivity") != before.get("sensitivity")
    ):
        errors.append(
            {
                "field": "sensitivity",
                "message": _("The sensitivity of another institution's record is theirs to set."),
            }
        )
    return [{"change": index, **error} for error in errors]


def auto_applies(
    author: Any, changes: Iterable[tuple], own: frozenset[int], pks: dict[str, int]
) -> bool:
    """Whether a changeset of ``changes`` ((record type, values, before, instance) each) is
    applied at once: a steward's always; a contributor's when every change keeps a public
    record of one of the author's institutions, whose policy says so, in that institution."""
    if is_steward(author):
        return True
    from nscap.institutions.models import TransparencyPolicy

    publishing: dict[int, bool] = {}
    for record_type, values, before, instance in changes:
        old = current_owner(record_type, instance)
        new = owner_of(record_type, values, instance, pks) if values else old
        if new is None or new not in own or (instance is not None and old != new):
            return False
        sensitivity = values.get("sensitivity") or before.get("sensitivity")
        if sensitivity != Sensitivity.PUBLIC or before.get("sensitivity", "public") != "public":
            return False
        if new not in publishing:
            policy = TransparencyPolicy.objects.filter(institution_id=new).first()
            publishing[new] = policy is not None and policy.auto_approve_own_public
        if not publishing[new]:
            return False
    return True
