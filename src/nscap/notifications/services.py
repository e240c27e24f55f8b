"""Telling people: the write services call these, inside their own transaction.

Who calls what: ``changeset_decided`` (contributions.services: approve, reject, ask for more),
``changeset_answered`` (contributions.amending), ``confirmations_requested``
(contributions.services._apply: new claims about a partner), ``claim_disputed``
(contributions.confirmation), ``reconciliation_needed`` (reconciliation.intake: names an
import left unreconciled). No signals: a reader follows the call from the write to here.

The rule: a notification holds only what its recipient may see. Every name in ``params`` is
read through ``visible_to(recipient)`` (a claim, an institution, a reconciliation row), and
a recipient who may see none of the records concerned gets no notification at all. One row
per recipient; the actor is never told of their own act. E-mail goes after the commit (a
rolled-back decision sends nothing), to those whose preference says so (``preferences``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from nscap.notifications.choices import NotificationKind
from nscap.notifications.models import ChangesetMessage, EmailPreference, Notification

log = logging.getLogger(__name__)


def members_of(institution_ids: Iterable[int]) -> list[Any]:
    """Active users affiliated with any of these institutions (contributors and admins)."""
    return list(
        get_user_model()
        .objects.filter(affiliations__institution_id__in=list(institution_ids), is_active=True)
        .distinct()
        .order_by("pk")
    )


def notify(
    recipients: Iterable[Any],
    kind: str,
    url: str,
    params_for: Callable[[Any], dict | None],
    actor: Any = None,
) -> list[Notification]:
    """One notification per recipient (the actor left out), with the params ``params_for``
    builds for that recipient through the visibility filter; None means "nothing this
    recipient may see": no notification."""
    made = []
    seen: set[int] = set()
    for user in recipients:
        if user is None or user.pk in seen or (actor is not None and user.pk == actor.pk):
            continue
        seen.add(user.pk)
        params = params_for(user)
        if params is None:
            continue
        made.append(Notification(recipient=user, kind=kind, url=url, params=params))
    Notification.objects.bulk_create(made)
    ids = [n.pk for n in made if n.pk]
    if ids:
        transaction.on_commit(lambda: send_emails(ids))
    return made


def wants_email(user: Any, kind: str) -> bool:
    """The user's preference for ``kind`` (yes unless turned off) and an address to send to."""
    if not user.email:
        return False
    choice = EmailPreference.objects.filter(user=user, kind=kind).values_list("by_email", flat=True)
    return choice.first() is not False


def send_emails(notification_ids: list[int]) -> int:
    """E-mail the notifications whose recipients want them by e-mail; returns how many went.
    A mail server that fails is logged, not raised: the write it reports has happened."""
    from nscap.notifications.texts import body, title

    sent = 0
    base = getattr(settings, "NSCAP_SITE_URL", "").rstrip("/")
    for notification in Notification.objects.filter(pk__in=notification_ids).select_related(
        "recipient"
    ):
        if not wants_email(notification.recipient, notification.kind):
            continue
        with translation.override(settings.LANGUAGE_CODE):
            subject = f"[nscap] {title(notification)}"
            text = f"{body(notification)}\n\n{base}{notification.url}\n"
        try:
            send_mail(subject, text, None, [notification.recipient.email])
        except Exception:  # noqa: BLE001 - an SMTP outage must not undo the decision
            log.exception("could not e-mail notification %s", notification.pk)
            continue
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
        sent += 1
    return sent


# --- the events ----------------------------------------------------------------------------------


def _changeset_url(changeset: Any) -> str:
    from django.urls import reverse

    return reverse("contributions:changeset", args=[changeset.pk])


def changeset_decided(changeset: Any, reviewer: Any) -> list[Notification]:
    """A steward approved, rejected or asked for more: the author is told, and the steward's
    comment joins the changeset's thread. The author sees their own changeset whole."""
    from nscap.contributions.choices import ChangesetStatus

    kind = {
        ChangesetStatus.APPLIED: NotificationKind.APPROVED,
        ChangesetStatus.REJECTED: NotificationKind.REJECTED,
        ChangesetStatus.NEEDS_MORE: NotificationKind.QUESTIONED,
    }.get(changeset.status)
    if kind is None:
        return []
    if changeset.review_comment.strip():
        ChangesetMessage.objects.create(
            changeset=changeset, author=reviewer, body=changeset.review_comment
        )
    params = {"changeset": changeset.pk, "comment": changeset.review_comment[:2000]}
    return notify(
        [changeset.author], kind, _changeset_url(changeset), lambda _user: params, reviewer
    )


def changeset_answered(changeset: Any, message: ChangesetMessage) -> list[Notification]:
    """The author answered an "ask for more": the steward who asked is told (stewards see
    every changeset); the changeset is back in the queue for every steward anyway."""
    from nscap.core.visibility import is_steward

    steward = changeset.reviewed_by
    if steward is None or not is_steward(steward):
        return []
    params = {"changeset": changeset.pk, "amended": message.amended}
    return notify(
        [steward],
        NotificationKind.ANSWERED,
        _changeset_url(changeset),
        lambda _user: params,
        message.author,
    )


def _visible_names(user: Any, institution_ids: Iterable[int]) -> list[str]:
    from nscap.institutions.models import Institution

    return sorted(
        Institution.objects.visible_to(user)
        .filter(pk__in=set(institution_ids))
        .values_list("name", flat=True)
    )


def applied(changeset: Any, actor: Any) -> list[Notification]:
    """A changeset was applied: partners of the claims it created are asked to confirm, and
    the names its new records left unreconciled are told to their reporters' members (they
    could not see them while the records waited for review)."""
    from django.db.models import Q

    from nscap.contributions.models import Change
    from nscap.reconciliation.models import NameMention

    made = confirmations_requested(changeset, actor)
    created = Change.objects.filter(changeset=changeset, action="create")
    types = set(created.order_by().values_list("record_type", flat=True).distinct())
    if types:
        where = Q()
        for name in types:
            keys = created.filter(record_type=name).values("record_key")
            where |= Q(record_type=name, record_key__in=keys)
        made += reconciliation_needed(actor, NameMention.objects.filter(where, decision=""))
    return made


def confirmations_requested(changeset: Any, actor: Any) -> list[Notification]:
    """Claims this changeset created name partners: each partner's members are asked to
    confirm, once per changeset (an import of 500 claims is one notice). The notice counts
    and names only the claims and claimants the member may see."""
    from django.urls import reverse

    from nscap.collaboration.models import CollaborationClaim
    from nscap.contributions.models import Change

    created = Change.objects.filter(
        changeset=changeset, record_type="collaboration_claim", action="create"
    ).values("record_key")
    claims = list(
        CollaborationClaim.objects.filter(key__in=created, partner__isnull=False).values_list(
            "pk", "partner_id"
        )
    )
    if not claims:
        return []
    claim_ids = [pk for pk, _partner in claims]
    partners = {partner for _pk, partner in claims}

    def params_for(user: Any) -> dict | None:
        from nscap.accounts.selectors import institution_ids_of

        mine = institution_ids_of(user)
        seen = list(
            CollaborationClaim.objects.visible_to(user)
            .filter(pk__in=claim_ids, partner_id__in=mine)
            .values_list("claimant_id", flat=True)
        )
        if not seen:
            return None
        return {"count": len(seen), "claimants": _visible_names(user, seen)[:5]}

    return notify(
        members_of(partners),
        NotificationKind.CONFIRMATION_REQUESTED,
        reverse("contributions:confirmations"),
        params_for,
        actor,
    )


def claim_disputed(claim: Any, actor: Any, comment: str) -> list[Notification]:
    """A partner disputed a claim: the claimant's members are told who disputed and why, when
    they may see the claim (and the partner's name when they may see the partner)."""
    from django.urls import reverse

    from nscap.collaboration.models import CollaborationClaim

    def params_for(user: Any) -> dict | None:
        if not CollaborationClaim.objects.visible_to(user).filter(pk=claim.pk).exists():
            return None
        names = _visible_names(user, [claim.partner_id])
        return {"claim": claim.key, "partner": names[0] if names else "", "comment": comment}

    url = reverse("contributions:history", args=["collaboration_claim", claim.key])
    return notify(
        members_of([claim.claimant_id]),
        NotificationKind.CLAIM_DISPUTED,
        url,
        params_for,
        actor,
    )


def reconciliation_needed(actor: Any, mentions: QuerySet) -> list[Notification]:
    """Names an import left unreconciled: the members of the institutions that reported them
    are told how many wait, naming only rows they may see (``visible_mentions``: the record
    is visible to them). A name whose record still waits in a changeset is seen by nobody
    but stewards yet: its members are told when the changeset is applied (``applied``)."""
    from django.urls import reverse

    from nscap.reconciliation.models import NameMention
    from nscap.reconciliation.selectors import visible_mentions

    # A subquery, not a list of ids: an import may leave more names than SQLite takes
    # parameters in one query.
    mention_ids = mentions.values("pk")
    owners = set(
        NameMention.objects.filter(pk__in=mention_ids, owner__isnull=False)
        .order_by()
        .values_list("owner_id", flat=True)
        .distinct()
    )
    if not owners:
        return []

    def params_for(user: Any) -> dict | None:
        texts = list(
            visible_mentions(user).filter(pk__in=mention_ids).values_list("text", flat=True)
        )
        if not texts:
            return None
        return {"count": len(texts), "names": sorted(set(texts))[:5]}

    return notify(
        members_of(owners),
        NotificationKind.RECONCILIATION_NEEDED,
        reverse("reconciliation:queue"),
        params_for,
        actor,
    )


# --- the reader's own actions --------------------------------------------------------------------


def unread_count(user: Any) -> int:
    """The number on the inbox badge: the user's notifications not read yet."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user: Any, notification_id: int) -> Notification | None:
    """Mark one of the user's own notifications read; None when it is not theirs (404)."""
    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def set_email_kinds(user: Any, kinds: Iterable[str]) -> None:
    """The kinds the user wants by e-mail; the others stay in the inbox only."""
    chosen = set(kinds)
    for kind in NotificationKind.values:
        EmailPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"by_email": kind in chosen}
        )


def email_kinds(user: Any) -> set[str]:
    off = set(
        EmailPreference.objects.filter(user=user, by_email=False).values_list("kind", flat=True)
    )
    return set(NotificationKind.values) - off
