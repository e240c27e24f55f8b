"""The sentences of a notification, built when shown (in the reader's language) from its kind
and the params its service stored (already filtered for its recipient)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nscap.notifications.choices import NotificationKind
from nscap.notifications.models import Notification


def title(notification: Notification) -> str:
    """One line for the inbox and the e-mail's subject."""
    p = notification.params
    kind = notification.kind
    if kind == NotificationKind.APPROVED:
        return _("Changeset %(id)s was approved and published") % {"id": p.get("changeset")}
    if kind == NotificationKind.REJECTED:
        return _("Changeset %(id)s was rejected") % {"id": p.get("changeset")}
    if kind == NotificationKind.QUESTIONED:
        return _("A steward asks for more on changeset %(id)s") % {"id": p.get("changeset")}
    if kind == NotificationKind.ANSWERED:
        if p.get("amended"):
            return _("Changeset %(id)s was amended and waits again") % {"id": p.get("changeset")}
        return _("Changeset %(id)s was answered and waits again") % {"id": p.get("changeset")}
    if kind == NotificationKind.CONFIRMATION_REQUESTED:
        count = p.get("count", 0)
        return ngettext(
            "%(count)d claim about your institution asks for confirmation",
            "%(count)d claims about your institution ask for confirmation",
            count,
        ) % {"count": count}
    if kind == NotificationKind.CLAIM_DISPUTED:
        return _("Collaboration claim %(claim)s was disputed") % {"claim": p.get("claim", "")}
    if kind == NotificationKind.RECONCILIATION_NEEDED:
        count = p.get("count", 0)
        return ngettext(
            "%(count)d name your institution reported waits for reconciliation",
            "%(count)d names your institution reported wait for reconciliation",
            count,
        ) % {"count": count}
    return notification.get_kind_display()


def body(notification: Notification) -> str:
    """The details under the title: a comment, the names concerned (only those the recipient
    may see, as stored), what to do next."""
    p = notification.params
    kind = notification.kind
    lines = []
    if kind in (NotificationKind.APPROVED, NotificationKind.REJECTED) and p.get("comment"):
        lines.append(_("The steward's comment: %(comment)s") % {"comment": p["comment"]})
    elif kind == NotificationKind.QUESTIONED:
        lines.append(_("The steward asks: %(comment)s") % {"comment": p.get("comment", "")})
        lines.append(_("Answer it, and amend the changeset if needed, on the changeset's page."))
    elif kind == NotificationKind.ANSWERED:
        lines.append(_("The author answered; the changeset is back in the review queue."))
    elif kind == NotificationKind.CONFIRMATION_REQUESTED:
        if p.get("claimants"):
            lines.append(_("Claimed by: %(names)s") % {"names": ", ".join(p["claimants"])})
        lines.append(_("Confirm or dispute them on the confirmations page."))
    elif kind == NotificationKind.CLAIM_DISPUTED:
        if p.get("partner"):
            lines.append(_("Disputed by: %(name)s") % {"name": p["partner"]})
        if p.get("comment"):
            lines.append(_("Their reason: %(comment)s") % {"comment": p["comment"]})
    elif kind == NotificationKind.RECONCILIATION_NEEDED:
        if p.get("names"):
            lines.append(_("Names: %(names)s") % {"names": "; ".join(p["names"])})
        lines.append(_("Tell which institution each name means in the reconciliation queue."))
    return "\n".join(lines)
