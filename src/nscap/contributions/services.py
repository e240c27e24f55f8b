"""The one write path: propose a changeset, review it, apply it whole, record history.

Who may call what:
- ``propose``: stewards and users affiliated with an institution (web forms, API, imports).
- ``approve`` / ``reject`` / ``ask_for_more``: stewards only, never on their own changeset.
- ``withdraw``: the author, while it waits.
- ``revert``: anyone who may propose; it proposes the inverse as a new changeset. People revert
  and restore through ``reverting``, which requires a reason (issue 16).
Policy: a contributor's changes to its own institution's public records are applied at once
when the institution's admin turned that on; anything about another institution waits for a
steward; a steward's own changes are applied at once. Who may change a record's owner and
sensitivity, which links a change may make and what a taken key answers: ``rules``, applied
here to every change from every path.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from pydantic import ValidationError as PydanticError

from nscap.accounts.selectors import can_contribute, institution_ids_of
from nscap.analytics.cache import bump_data_version
from nscap.contributions import bulk, citing, rules
from nscap.contributions.choices import ChangeAction, ChangesetStatus
from nscap.contributions.errors import (
    AlreadyReviewed,
    ContributionError,
    Invalid,
    NotAllowed,
    NotFound,
    Stale,
)
from nscap.contributions.fields import is_key
from nscap.contributions.hooks import notify_applied
from nscap.contributions.models import Change, Changeset, HistoryEntry
from nscap.contributions.record_types import (
    RECORD_TYPES,
    RecordType,
    UnknownReference,
    links,
    new_key,
    snapshot,
    write,
)
from nscap.contributions.redaction import Redaction
from nscap.core.visibility import is_steward
from nscap.notifications import services as notifications


@dataclass(slots=True)  # imports make one per row
class ProposedChange:
    """One change as a caller proposes it: ``values`` are raw (validated here)."""

    action: str
    record_type: str
    key: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    base_version: int | None = None


def _pydantic_errors(index: int, exc: PydanticError) -> list[dict]:
    return [
        {
            "change": index,
            "field": ".".join(str(part) for part in err["loc"]) or None,
            "message": err["msg"].removeprefix("Value error, "),
        }
        for err in exc.errors()
    ]


def _record_type(name: str, index: int) -> RecordType:
    if name not in RECORD_TYPES:
        raise Invalid(
            [
                {
                    "change": index,
                    "field": "record_type",
                    "message": f"unknown record type {name!r}; one of {', '.join(RECORD_TYPES)}",
                }
            ]
        )
    return RECORD_TYPES[name]


def _current(rt: RecordType, key: str | None, user: Any, index: int, preloaded=None) -> tuple:
    """The record a change is about, as ``user`` sees it, and its snapshot."""
    if preloaded is not None:  # ``bulk.current_records``: read for all the changes at once
        instance, before = preloaded.get((rt.name, key), (None, {}))
    else:
        instance = rt.visible(user).filter(key=key).first() if key else None
        before = snapshot(rt, instance) if instance is not None else {}
    if instance is None:
        raise NotFound(f"change {index}: no {rt.name.replace('_', ' ')} with key {key!r}")
    return instance, before


def _taken_keys(changes: list[ProposedChange]) -> dict[str, set[str]]:
    """Record type -> the keys that changes want to create but that exist already."""
    wanted: dict[str, set[str]] = {}
    for change in changes:
        if change.action == ChangeAction.CREATE and change.record_type in RECORD_TYPES:
            key = change.values.get("key")
            if is_key(key):  # anything else is the schema's to refuse, by field
                wanted.setdefault(change.record_type, set()).add(key)
    taken: dict[str, set[str]] = {}
    for name, keys in wanted.items():
        ordered = sorted(keys)
        for start in range(0, len(ordered), 5000):  # SQLite limits a query's parameters
            taken.setdefault(name, set()).update(
                RECORD_TYPES[name]
                .model.objects.filter(key__any=ordered[start : start + 5000])
                .values_list("key", flat=True)
            )
    return taken


def _owner_pks(checked: list[tuple]) -> dict[str, int]:
    """Institution key -> primary key for the owners named by the checked changes."""
    from nscap.institutions.models import Institution

    keys = sorted({v.get(rt.owner) for rt, v, _b, _i in checked if rt.owner} - {None, ""})
    pks: dict[str, int] = {}
    for start in range(0, len(keys), 5000):
        pks.update(
            Institution.objects.filter(key__any=keys[start : start + 5000]).values_list("key", "pk")
        )
    return pks


def _sight(author: Any, changes: list[ProposedChange]) -> rules.Sight:
    """What ``author`` may see of the records the changes link to, looked up in batches; the
    keys the changes create count as seen."""
    created: dict[str, set[str]] = {}
    for change in changes:
        key = change.values.get("key") if change.action == ChangeAction.CREATE else None
        if isinstance(key, str) and key:
            created.setdefault(change.record_type, set()).add(key)
    sight = rules.Sight(author, created)
    sight.load(
        (target, key)
        for change in changes
        if change.record_type in RECORD_TYPES
        for _name, target, key in links(RECORD_TYPES[change.record_type], change.values)
    )
    return sight


def _validated(
    rt: RecordType,
    change: ProposedChange,
    index: int,
    user: Any,
    taken: dict[str, set[str]] | None = None,
    sight: rules.Sight | None = None,
    preloaded: dict | None = None,
) -> tuple:
    """(values to write, before snapshot, instance or None) for one proposed change.

    ``taken``: from ``_taken_keys``, so that many creates cost one query, not one each;
    ``sight``: the records ``user`` may see, shared by the changeset's changes. Links to
    records hidden from ``user`` are kept when the record has them and refused when new;
    ``preloaded``: from ``bulk.current_records``, the records of many updates read at once.
    """
    sight = sight or rules.Sight(user)
    instance = None
    before: dict[str, Any] = {}
    if change.action != ChangeAction.CREATE:
        instance, before = _current(rt, change.key, user, index, preloaded)
        if change.base_version is not None and change.base_version != instance.version:
            raise Stale(
                f"{rt.name} {instance.key} is at version {instance.version}, but the change "
                f"was based on version {change.base_version}; reload it and try again"
            )
    if change.action == ChangeAction.DELETE:
        return {}, before, instance
    raw = {**before, **change.values} if instance is not None else dict(change.values)
    if instance is not None:
        raw["key"] = instance.key
        sight.load_links(rt, before)
        rules.keep_hidden_links(rt, raw, before, sight)
    try:
        values = rt.schema.model_validate(raw).model_dump(mode="json")
    except PydanticError as exc:
        raise Invalid(_pydantic_errors(index, exc)) from exc
    if errors := rules.link_errors(rt, values, before, sight, index):
        raise Invalid(errors)
    if instance is None:
        given = values.get("key")
        values["key"] = given or new_key(rt, values)
        if (
            given in taken.get(rt.name, ())
            if given and taken is not None
            else rt.model.objects.filter(key=values["key"]).exists()
        ):
            raise Invalid(
                [
                    {
                        "change": index,
                        "field": "key",
                        "message": rules.key_not_available(values["key"]),
                    }
                ]
            )
        if values == change.values:
            values = change.values  # one dict per record, not two, for large imports
    return values, before, instance


def _checked(author: Any, changes: list[ProposedChange]) -> tuple[list, set[int], dict]:
    """Every check of ``propose`` before anything is written: (checked changes, the author's
    institution ids, owner keys -> pks). Raises Invalid with every problem of every change."""
    if not changes:
        raise Invalid([{"change": None, "field": None, "message": "the changeset is empty"}])
    checked, errors = [], []
    actions = ChangeAction.values  # computed anew on each access: once, not once per change
    taken = _taken_keys(changes)
    sight = _sight(author, changes)
    preloaded = bulk.current_records(changes, author) if len(changes) > 1 else None
    if preloaded:  # the links the records have now, looked up at once, not once per change
        sight.load(
            (target, key)
            for (name, _key), (_record, before) in preloaded.items()
            for _link, target, key in links(RECORD_TYPES[name], before)
        )
    for index, change in enumerate(changes):
        try:
            rt = _record_type(change.record_type, index)
            if rt.refusal(author):
                raise NotAllowed(rt.refusal(author))
            if change.action not in actions:
                raise Invalid(
                    [
                        {
                            "change": index,
                            "field": "action",
                            "message": f"unknown action {change.action!r}",
                        }
                    ]
                )
            checked.append((rt, *_validated(rt, change, index, author, taken, sight, preloaded)))
        except Invalid as exc:
            errors.extend(exc.errors)
    if errors:
        raise Invalid(errors)
    institution_ids = institution_ids_of(author)
    pks = _owner_pks(checked)
    for index, (change, (rt, values, before, instance)) in enumerate(
        zip(changes, checked, strict=True)
    ):
        errors += rules.owner_refusals(
            author, change.action, rt, values, before, instance, institution_ids, pks, index
        )
    if errors:
        raise Invalid(errors)
    return checked, institution_ids, pks


def validate(author: Any, changes: list[ProposedChange]) -> None:
    """The checks ``propose`` makes, with nothing written: a form whose own fields failed asks
    this for the schema's problems too, so that one submit reports them all (issue 16).
    Raises Invalid (every problem), NotFound, Stale or NotAllowed, as ``propose`` does."""
    if not can_contribute(author):
        raise NotAllowed("Only stewards and members of an institution may propose changes.")
    _checked(author, changes)


def propose(
    author: Any,
    changes: list[ProposedChange],
    *,
    comment: str = "",
    sources: list[Any] = (),
    origin: str = "web",
    idempotency_key: str = "",
    citations: list[dict[str, str]] = (),
    amending: Changeset | None = None,
) -> Changeset:
    """Validate ``changes`` all at once and record them as one changeset (applied at once when
    the policy allows). Raises Invalid (every problem), NotFound, Stale or NotAllowed.
    ``citations``: records of the changeset that cite a source at a locator once applied
    (``citing.planned``). ``amending``: a changeset sent back to its author, whose changes
    these replace (``amending.answer``); it waits for a steward again, never applied here."""
    if not can_contribute(author):
        raise NotAllowed("Only stewards and members of an institution may propose changes.")
    if idempotency_key:
        earlier = Changeset.objects.filter(author=author, idempotency_key=idempotency_key).first()
        if earlier is not None:
            return earlier
    checked, institution_ids, pks = _checked(author, changes)
    owners = {
        rules.owner_of(rt, v, i, pks) if v else rules.current_owner(rt, i)
        for rt, v, _b, i in checked
    }
    institution_id = next(iter(owners & institution_ids), None) or (
        next(iter(institution_ids), None) if institution_ids else None
    )
    try:
        with transaction.atomic():
            if amending is not None:
                changeset = _replace_changes(amending, institution_id, comment, changes, sources)
                changeset.citations = citing.check(list(citations))
                changeset.save()
            else:
                changeset = Changeset.objects.create(
                    author=author,
                    institution_id=institution_id,
                    comment=comment,
                    origin=origin,
                    idempotency_key=idempotency_key[:200],
                    unsourced=is_unsourced(changes, sources),
                    citations=citing.check(list(citations)),
                )
            changeset.sources.set(sources)
            pending = [
                bulk.PendingChange(
                    position,
                    change.action,
                    rt.name,
                    instance.key if instance is not None else values["key"],
                    instance.version if instance is not None else None,
                    values,
                    before,
                )
                for position, (change, (rt, values, before, instance)) in enumerate(
                    zip(changes, checked, strict=True)
                )
            ]
            bulk.insert_rows(  # COPY on PostgreSQL: an import is one change per row
                Change, ["changeset_id", *bulk.PendingChange._fields], pending, changeset.pk
            )
            if amending is None and rules.auto_applies(author, checked, institution_ids, pks):
                _apply(changeset, reviewer=None, changes=pending)
    except IntegrityError as exc:
        if idempotency_key:  # a concurrent retry with the same key won the race
            return Changeset.objects.get(author=author, idempotency_key=idempotency_key)
        raise Invalid([{"change": None, "field": None, "message": str(exc)}]) from exc
    return changeset


def _replace_changes(
    changeset: Changeset, institution_id: int | None, comment: str, changes: list, sources
) -> Changeset:
    """The amended changeset, its old changes gone (the new ones are written next)."""
    changeset.changes.all().delete()
    changeset.institution_id = institution_id
    changeset.comment = comment
    changeset.unsourced = is_unsourced(changes, sources)
    return changeset


def is_unsourced(changes: list[ProposedChange], sources: Iterable[Any]) -> bool:
    """Whether a changeset writes records and cites no source: none given with it, none created
    in it (a changeset cites the sources it creates, ``_apply``) and none named by a record's
    own ``sources`` field. A changeset that only deletes needs none."""
    if sources or all(change.action == ChangeAction.DELETE for change in changes):
        return False
    return not any(
        (change.record_type == "source" and change.action == ChangeAction.CREATE)
        or change.values.get("sources")
        for change in changes
    )


def _history(actor, rt: RecordType, action: str, instance, changeset, before, after, msg=""):
    HistoryEntry.objects.create(
        actor=actor,
        action=f"{rt.action_prefix}.{action}",
        content_type=ContentType.objects.get_for_model(rt.model),
        object_id=instance.pk,
        record_type=rt.name,
        record_key=instance.key,
        changeset=changeset,
        before=before,
        after=after,
        message=msg or changeset.comment,
    )


def _apply(
    changeset: Changeset, reviewer: Any, changes: Iterable[bulk.PendingChange] | None = None
) -> None:
    """Apply every change of ``changeset`` (inside the caller's transaction) or none.

    ``changes``: the changeset's changes in order, when the caller has just written them (read
    back from the database otherwise). Runs of new records of one type go to
    ``bulk.create_many`` a batch at a time (large imports), runs of updates that leave m2m and
    child rows alone to ``bulk.update_many`` (bulk merges); everything else is applied one
    change at a time, in order.
    """
    author = changeset.author
    user = author if reviewer is None else reviewer
    batch: list[bulk.PendingChange] = []
    batch_keys: set[str] = set()
    use_bulk = getattr(settings, "NSCAP_BULK_WRITES", True)

    def flush() -> None:
        if batch:
            rt = RECORD_TYPES[batch[0].record_type]
            many = bulk.create_many if batch[0].action == ChangeAction.CREATE else bulk.update_many
            many(rt, batch, changeset, reviewer or author, user)
            batch.clear()
            batch_keys.clear()

    if changes is None:
        changes = bulk.pending_changes(changeset)
    events: list[bulk.PendingChange] = []  # changes that may change a fused event
    created_sources: list[str] = []  # a changeset cites the sources it creates
    touched: list[tuple[str, str]] = []  # every record changed, for the hooks (search index)
    for change in changes:
        touched.append((change.record_type, change.record_key))
        if change.record_type == "source" and change.action == ChangeAction.CREATE:
            created_sources.append(change.record_key)
        if change.record_type in ("training_event", "institution"):
            events.append(change)
        rt = RECORD_TYPES[change.record_type]
        if use_bulk and (
            (change.action == ChangeAction.CREATE and change.record_type in bulk.BULK_TYPES)
            or bulk.updates_in_place(rt, change)
        ):
            if batch and (
                (batch[0].record_type, batch[0].action) != (change.record_type, change.action)
                or len(batch) >= bulk.BATCH
                or change.record_key in batch_keys  # a second change of one record waits
            ):
                flush()
            batch.append(change)
            batch_keys.add(change.record_key)
            continue
        flush()
        _apply_one(changeset, change, reviewer)
    flush()
    if events:
        _refuse_events(events)
    if created_sources:  # a form's "add a new source": it cannot be cited before it exists
        from nscap.sources.models import Source

        changeset.sources.add(*Source.objects.filter(key__in=created_sources))
    citing.cite_applied(changeset)
    notify_applied(touched)
    notifications.applied(changeset, reviewer or author)
    bump_data_version()  # cached analytics were computed from the data before this changeset
    changeset.status = ChangesetStatus.APPLIED
    changeset.reviewed_by = reviewer
    changeset.reviewed_at = timezone.now()
    changeset.save(update_fields=["status", "reviewed_by", "reviewed_at"])


def _apply_one(changeset: Changeset, change: bulk.PendingChange, reviewer: Any) -> None:
    """Apply one change: the record with its m2m and child rows, then its history entry."""
    author = changeset.author
    rt = RECORD_TYPES[change.record_type]
    if change.action == ChangeAction.CREATE:
        if rt.model.objects.filter(key=change.record_key).exists():
            raise Stale(f"a {rt.name} with key {change.record_key!r} was created meanwhile")
        instance = rt.model()
    else:
        instance = (
            rt.model.objects.select_for_update(of=("self",))
            .filter(key=change.record_key)
            .order_by()
            .first()
        )
        if instance is None:
            raise Stale(f"{rt.name} {change.record_key} no longer exists")
        if instance.version != change.base_version:
            raise Stale(
                f"{rt.name} {instance.key} changed since this changeset was made "
                f"(version {change.base_version}, now {instance.version}); nothing was "
                "applied"
            )
    try:
        if change.action == ChangeAction.DELETE:
            _history(reviewer or author, rt, "delete", instance, changeset, change.before, {})
            citing.uncite(instance)
            instance.delete()
            return
        if instance.pk:
            instance.version += 1
        write(rt, instance, change.data, author if reviewer is None else reviewer, change.before)
    except ProtectedError as exc:
        raise Invalid(
            [
                {
                    "change": change.position,
                    "field": None,
                    "message": f"{rt.name} {change.record_key} is still referenced by "
                    f"{len(exc.protected_objects)} other record(s)",
                }
            ]
        ) from exc
    except UnknownReference as exc:
        raise Invalid(
            [{"change": change.position, "field": exc.field, "message": str(exc)}]
        ) from exc
    except Exception as exc:
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            raise Invalid(
                [
                    {"change": change.position, "field": name, "message": " ".join(messages)}
                    for name, messages in exc.message_dict.items()
                ]
            ) from exc
        raise
    _history(
        reviewer or author,
        rt,
        change.action,
        instance,
        changeset,
        change.before,
        snapshot(rt, instance),
    )
    _after_apply(rt, instance, change)


def _after_apply(rt: RecordType, instance, change: bulk.PendingChange) -> None:
    """A new claim about a partner institution asks the partner to confirm it."""
    if rt.name == "collaboration_claim" and instance.partner_id:
        from nscap.contributions.models import ConfirmationRequest

        ConfirmationRequest.objects.get_or_create(
            claim=instance, defaults={"partner_id": instance.partner_id}
        )


def _refuse_events(changes: list[bulk.PendingChange]) -> None:
    """Fuse again the events these report changes touch (``linkage.fusing``), the event a
    report was linked to before included, inside the changeset's transaction."""
    from nscap.linkage.fusing import refuse_hosted_by, refuse_touched

    reports = [c for c in changes if c.record_type == "training_event"]
    refuse_touched(
        [c.record_key for c in reports],
        [(c.before or {}).get("same_as") or "" for c in reports],
    )
    # A host's new sensitivity changes which of its reports may be fused into others.
    refuse_hosted_by(
        [
            c.record_key
            for c in changes
            if c.record_type == "institution"
            and "sensitivity" in c.data
            and c.data["sensitivity"] != (c.before or {}).get("sensitivity")
        ]
    )


def _locked_for_review(reviewer: Any, changeset_id: int) -> Changeset:
    if not is_steward(reviewer):
        raise NotAllowed("Only stewards review changesets.")
    changeset = Changeset.objects.select_for_update().filter(pk=changeset_id).first()
    if changeset is None:
        raise NotFound(f"no changeset {changeset_id}")
    if changeset.status not in (ChangesetStatus.PENDING, ChangesetStatus.NEEDS_MORE):
        raise AlreadyReviewed(f"changeset {changeset_id} is {changeset.get_status_display()}")
    if changeset.author_id == reviewer.pk:
        raise NotAllowed("A steward does not review their own changeset.")
    return changeset


def approve(reviewer: Any, changeset_id: int, comment: str = "") -> Changeset:
    """Apply the whole changeset in one transaction; refuse it whole if any record is stale."""
    with transaction.atomic():
        changeset = _locked_for_review(reviewer, changeset_id)
        changeset.review_comment = comment
        _apply(changeset, reviewer)
        notifications.changeset_decided(changeset, reviewer)
    return changeset


def _close(reviewer: Any, changeset_id: int, status: str, comment: str) -> Changeset:
    with transaction.atomic():
        changeset = _locked_for_review(reviewer, changeset_id)
        changeset.status = status
        changeset.reviewed_by = reviewer
        changeset.reviewed_at = timezone.now()
        changeset.review_comment = comment
        changeset.save()
        notifications.changeset_decided(changeset, reviewer)
    return changeset


def reject(reviewer: Any, changeset_id: int, comment: str) -> Changeset:
    return _close(reviewer, changeset_id, ChangesetStatus.REJECTED, comment)


def ask_for_more(reviewer: Any, changeset_id: int, comment: str) -> Changeset:
    """Send the changeset back to its author with a comment the author sees."""
    if not comment.strip():
        raise Invalid([{"change": None, "field": "comment", "message": "say what is needed"}])
    return _close(reviewer, changeset_id, ChangesetStatus.NEEDS_MORE, comment)


def withdraw(author: Any, changeset_id: int) -> Changeset:
    with transaction.atomic():
        changeset = (
            Changeset.objects.select_for_update().filter(pk=changeset_id, author=author).first()
        )
        if changeset is None:
            raise NotFound(f"no changeset {changeset_id} of yours")
        if changeset.status not in (ChangesetStatus.PENDING, ChangesetStatus.NEEDS_MORE):
            raise AlreadyReviewed(f"changeset {changeset_id} is {changeset.get_status_display()}")
        changeset.status = ChangesetStatus.WITHDRAWN
        changeset.save(update_fields=["status"])
    return changeset


def _inverse(
    entry: HistoryEntry, redaction: Redaction, versions: dict[str, int] | None = None
) -> ProposedChange:
    """The change that undoes one history entry, with only the links ``redaction``'s viewer may
    see: the write rules keep the record's hidden links, and a revert never names a hidden key
    (in its changeset or in an error) that its author could not have typed. ``versions``:
    current versions by key, read at once for a whole changeset."""
    rt = RECORD_TYPES[entry.record_type]
    action = entry.action.rsplit(".", 1)[-1]
    if action == "create":
        return ProposedChange("delete", rt.name, key=entry.record_key)
    if action == "delete":
        return ProposedChange("create", rt.name, values=redaction.links(rt, entry.before))
    if versions is not None:
        version = versions.get(entry.record_key)
    else:
        current = rt.model.objects.filter(key=entry.record_key).first()
        version = current.version if current else None
    return ProposedChange(
        "update",
        rt.name,
        key=entry.record_key,
        values=redaction.links(rt, entry.before),
        base_version=version,
    )


def _refuse_hidden_versions(user: Any, entries: list[HistoryEntry]) -> Redaction:
    """A revert proposes an entry's old values, and its changeset shows them to its author:
    refused when ``user`` may not see a version involved (``redaction``, issue 12). Returns the
    user's redaction, loaded with the entries' links."""
    redaction = Redaction(user)
    for entry in entries:
        rt = RECORD_TYPES.get(entry.record_type)
        if rt is None or not all(
            redaction.version_visible(rt, values) for values in (entry.before, entry.after)
        ):
            raise ContributionError("this change involves a version not visible to you")
    return redaction


def revert(user: Any, entry: HistoryEntry, comment: str = "") -> Changeset:
    """Propose the inverse of one history entry as a new changeset."""
    redaction = _refuse_hidden_versions(user, [entry])
    return propose(
        user,
        [_inverse(entry, redaction)],
        comment=comment or f"Revert of history entry {entry.pk}",
    )


def revert_changeset(user: Any, changeset_id: int, comment: str = "") -> Changeset:
    """Propose the inverse of a whole applied changeset (an import, say) as one new changeset:
    what it created is deleted, what it changed or deleted is set back, last change first."""
    changeset = Changeset.objects.filter(pk=changeset_id, status=ChangesetStatus.APPLIED).first()
    if changeset is None:
        raise NotFound(f"no applied changeset {changeset_id}")
    entries = list(changeset.history.order_by("-id"))
    redaction = _refuse_hidden_versions(user, entries)
    versions = bulk.current_versions((e.record_type, e.record_key) for e in entries)
    changes = [_inverse(entry, redaction, versions.get(entry.record_type, {})) for entry in entries]
    return propose(user, changes, comment=comment or f"Revert of changeset {changeset_id}")
