"""What a user is told: inbox notifications, their e-mail preferences, changeset threads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nscap.notifications.choices import NotificationKind


class Notification(models.Model):
    """One thing one user is told about, in their inbox (and by e-mail if they chose so).

    ``params`` holds only what the recipient could see when it was made (names through the
    visibility filter, ``services``); the sentence is built from ``kind`` and ``params`` when
    shown, so it reads in the viewer's language. ``url`` is where the matter is dealt with.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    params = models.JSONField(_("details"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class EmailPreference(models.Model):
    """Whether a user wants one kind of notification by e-mail too (all are in the inbox).

    No row means yes: a new kind reaches everyone by e-mail until they turn it off."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    by_email = models.BooleanField(_("by e-mail"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="email_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {'e-mail' if self.by_email else 'inbox only'}"


class ChangesetMessage(models.Model):
    """One message in the thread between a changeset's author and the stewards: a steward's
    "ask for more", the author's answer (with or without an amendment), a decision's comment.
    Seen by the author and the stewards, as the changeset itself."""

    changeset = models.ForeignKey(
        "contributions.Changeset", on_delete=models.CASCADE, related_name="thread"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    amended = models.BooleanField(_("changes amended"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Message on changeset {self.changeset_id} by {self.author_id}"
