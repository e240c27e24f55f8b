"""Snapshot values as one viewer may see them: the one redaction of every stored record version.

History entries (``before`` / ``after``), changeset payloads (``before`` / ``data``), diffs,
revert previews and edit-form initial values are ``record_types.snapshot`` values: plain field
values that name other records by key. They are read straight from JSON, not through
``visible_to``, so they would show what the record's API representation hides (issue 12,
findings 3-6). Every place that shows such values passes them through ``Redaction`` first:

1. **Links.** A reference to a record the viewer may not see is blank (``None``), a hidden key
   in a list (topics, target groups) is left out, and so is a partner row naming a hidden
   institution, exactly as the API shows the record (it loads related records through
   ``visible_to``, which leaves a hidden one as null).
2. **Versions.** A past version is shown at the sensitivity it had, or not at all: a version
   whose own sensitivity and owner (as the snapshot states them) the viewer could not see, or
   that is shown through a record now hidden from the viewer (the model's
   ``visibility_links``, e.g. a course's provider), is withheld whole. So making a record public
   does not publish its restricted past.

Linked records are judged by their visibility now (history keeps no per-link past), which
hides at least what the record's API representation hides. Stewards see everything; for them
the redaction changes nothing.

Cost: ``load`` takes every snapshot of a page at once and asks ``visible_to`` once per linked
record type, so a history page of any length costs a few queries, not one per entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps

from nscap.contributions.record_types import RECORD_TYPES, REFERENCE_MODELS, RecordType, links
from nscap.core.choices import Sensitivity
from nscap.core.visibility import is_steward, viewer_institutions

CHUNK = 5000  # keys per ``IN`` query (SQLite's variable limit is far above; PostgreSQL has none)


def drop_hidden_links(
    record_type: RecordType, values: dict[str, Any], is_visible: Callable[[str, str], bool]
) -> dict[str, Any]:
    """``values`` with every reference to a record for which ``is_visible(type, key)`` is false
    blanked (a single link) or left out (a key in a list, a partner row).

    Shared by ``Redaction`` and the exports (``interchange.snapshots``), so every way out
    drops hidden links by the same rule.
    """
    shown = dict(values)
    for name, target in record_type.refs.items():
        if shown.get(name) and not is_visible(target, shown[name]):
            shown[name] = None
    for name, target in record_type.many.items():
        if shown.get(name):
            shown[name] = [key for key in shown[name] if is_visible(target, key)]
    if shown.get("sources") and "sources" in record_type.children:  # cited sources, by key
        shown["sources"] = [key for key in shown["sources"] if is_visible("source", key)]
    if shown.get("partners"):
        shown["partners"] = [
            partner
            for partner in shown["partners"]
            if not partner.get("institution") or is_visible("institution", partner["institution"])
        ]
    if shown.get("labels") and "labels" in record_type.children:
        shown["labels"] = [_label_seen(label, is_visible) for label in shown["labels"]]
    return shown


def _label_seen(label: dict[str, Any], is_visible: Callable[[str, str], bool]) -> dict[str, Any]:
    """A learned alias as the viewer may see it: its context names the institution that
    reported the rows it was learned from, and a hidden reporter is left out (the alias and
    its country stay: they say nothing of who reported)."""
    reporter = label.get("context_reporter")
    if not reporter or is_visible("institution", reporter):
        return label
    return {name: value for name, value in label.items() if name != "context_reporter"}


def label_reporters(record_type: RecordType, values: dict[str, Any]) -> Iterable[str]:
    """The reporter keys named by the contexts of ``values``' learned aliases."""
    if "labels" not in record_type.children:
        return ()
    return (
        lb["context_reporter"] for lb in values.get("labels") or () if lb.get("context_reporter")
    )


def _linked_keys(record_type: RecordType, values: dict[str, Any]) -> Iterable[tuple[str, str]]:
    """(record type, key) of every record ``values`` names (``record_types.links``)."""
    return ((target, key) for _field, target, key in links(record_type, values))


class Redaction:
    """What one viewer may see of snapshot values (built per request; caches what it asked).

    Call ``load`` with every snapshot a response will show before the first ``redact``, so the
    visibility of their links is asked in one query per linked record type.
    """

    def __init__(self, viewer: Any):
        self.viewer = viewer
        self.sees_all = is_steward(viewer)
        self._visible: dict[str, set[str]] = {}
        self._asked: dict[str, set[str]] = {}
        self._owner_keys: tuple[frozenset[str], frozenset[str]] | None = None

    def load(self, record_type: RecordType, snapshots: Iterable[dict[str, Any] | None]) -> None:
        """Ask, once per linked record type, which of the records these snapshots name the
        viewer may see."""
        if self.sees_all:
            return
        wanted: dict[str, set[str]] = {}
        for values in snapshots:
            for target, key in _linked_keys(record_type, values or {}):
                wanted.setdefault(target, set()).add(key)
            for key in label_reporters(record_type, values or {}):
                wanted.setdefault("institution", set()).add(key)
        self._ask(wanted)

    def _ask(self, wanted: dict[str, set[str]]) -> None:
        for target, keys in wanted.items():
            keys = keys - self._asked.get(target, set())
            if not keys:
                continue
            model = apps.get_model(REFERENCE_MODELS[target])
            ordered = sorted(keys)
            visible = self._visible.setdefault(target, set())
            for start in range(0, len(ordered), CHUNK):
                visible.update(
                    model.objects.visible_to(self.viewer)
                    .filter(key__in=ordered[start : start + CHUNK])
                    .values_list("key", flat=True)
                )
            self._asked.setdefault(target, set()).update(keys)

    def link_visible(self, target: str, key: str) -> bool:
        """May the viewer see the ``target`` record with ``key``? (Asked on first need.)"""
        if self.sees_all:
            return True
        self._ask({target: {key}})
        return key in self._visible.get(target, ())

    def _own_and_peer_keys(self) -> tuple[frozenset[str], frozenset[str]]:
        """Keys of the viewer's institutions and of their network peers (one query)."""
        if self._owner_keys is None:
            from nscap.institutions.models import Institution

            own, peers = viewer_institutions(self.viewer)
            keys = dict(
                Institution._base_manager.filter(pk__in=peers | own).values_list("pk", "key")
            )
            self._owner_keys = (
                frozenset(keys[pk] for pk in own if pk in keys),
                frozenset(keys[pk] for pk in peers | own if pk in keys),
            )
        return self._owner_keys

    def version_visible(self, record_type: RecordType, values: dict[str, Any] | None) -> bool:
        """Could the viewer see the record as ``values`` describe it: its sensitivity and owner
        then, and the records it is shown through (``visibility_links``) now?"""
        if self.sees_all or not values:
            return True
        sensitivity = values.get("sensitivity") or Sensitivity.PUBLIC
        if sensitivity != Sensitivity.PUBLIC:
            owner = values.get("key") if record_type.owner == "" else values.get(record_type.owner)
            fallback = getattr(record_type.model, "visibility_owner_fallback", "")
            if owner is None and fallback:  # an owner held as written: its reporter's, as now
                owner = values.get(fallback)
            own, peers = self._own_and_peer_keys()
            allowed = own if sensitivity == Sensitivity.RESTRICTED else peers
            if sensitivity not in (Sensitivity.NETWORK, Sensitivity.RESTRICTED):
                return False  # a sensitivity this code does not know is no one's to see
            if owner not in allowed:
                return False
        for name in getattr(record_type.model, "visibility_links", ()):
            target = record_type.refs.get(name)
            if target and values.get(name) and not self.link_visible(target, values[name]):
                return False
        return True

    def links(self, record_type: RecordType, values: dict[str, Any]) -> dict[str, Any]:
        """``values`` without links to records the viewer may not see (rule 1 only: for the
        current version of a record the viewer sees, such as an edit form's initial values)."""
        if self.sees_all:
            return dict(values)
        self.load(record_type, [values])  # no query when ``load`` had them already
        return drop_hidden_links(record_type, values, self.link_visible)

    def redact(
        self, record_type: RecordType, values: dict[str, Any] | None
    ) -> dict[str, Any] | None:
        """``values`` as the viewer may see them, or None when the version is withheld whole."""
        self.load(record_type, [values])
        if not self.version_visible(record_type, values):
            return None
        return self.links(record_type, values or {})


def redact_snapshot(
    record_type: RecordType, values: dict[str, Any] | None, viewer: Any
) -> dict[str, Any] | None:
    """One snapshot as ``viewer`` may see it (None: a version the viewer may not see).

    For many snapshots use one ``Redaction`` and ``load`` them together.
    """
    redaction = Redaction(viewer)
    redaction.load(record_type, [values])
    return redaction.redact(record_type, values)


def redact_pairs(
    redaction: Redaction, pairs: list[tuple[str, dict[str, Any] | None, dict[str, Any] | None]]
) -> list[tuple[dict[str, Any] | None, dict[str, Any] | None]]:
    """(before, after) of each (record type name, before, after) as the viewer may see them:
    history entries, changes of changesets. Loaded together (one query per linked type); a
    record type this code does not know is withheld whole."""
    by_type: dict[str, list[dict[str, Any] | None]] = {}
    for name, before, after in pairs:
        if name in RECORD_TYPES:
            by_type.setdefault(name, []).extend((before, after))
    for name, snapshots in by_type.items():
        redaction.load(RECORD_TYPES[name], snapshots)
    shown: list[tuple[dict[str, Any] | None, dict[str, Any] | None]] = []
    for name, before, after in pairs:
        rt = RECORD_TYPES.get(name)
        if rt is None:
            shown.append((None, None))
        else:
            shown.append((redaction.redact(rt, before), redaction.redact(rt, after)))
    return shown


def redact_changes(
    redaction: Redaction, changes: list[Any], author_id: int | None
) -> list[tuple[dict[str, Any] | None, dict[str, Any] | None]]:
    """(before, data) of each change of one changeset (``Change`` rows) as the viewer may see
    them. The author of a create sees the values it proposes at any sensitivity (every one
    of them is theirs, e.g. a new restricted institution they are not yet a member of), links
    to hidden records still blank; an update's ``data`` holds the stored record too, so it is
    judged like any version."""
    shown = redact_pairs(redaction, [(c.record_type, c.before, c.data) for c in changes])
    own = author_id is not None and getattr(redaction.viewer, "pk", None) == author_id
    for index, (change, (before, data)) in enumerate(zip(changes, shown, strict=True)):
        rt = RECORD_TYPES.get(change.record_type)
        if data is None and own and rt is not None and change.action == "create":
            shown[index] = (before, redaction.links(rt, change.data or {}))
    return shown
