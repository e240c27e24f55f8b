"""Who may write: users tied to institutions, invitations, API tokens, and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nscap.accounts.choices import AffiliationRole, TokenScope


class Affiliation(models.Model):
    """A user works for an institution, as a contributor or as its admin.

    Contributors propose changes for their institution; admins also manage its members and its
    transparency policy. Stewards are the ``stewards`` group, affiliated with no institution.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="affiliations"
    )
    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.CASCADE, related_name="affiliations"
    )
    role = models.CharField(
        _("role"),
        max_length=12,
        choices=AffiliationRole.choices,
        default=AffiliationRole.CONTRIBUTOR,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "institution"], name="affiliation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.institution} ({self.role})"


class Invitation(models.Model):
    """An invitation to join an institution, sent by its admin or a steward.

    Only a hash of the token is stored; the link with the token is shown once to the inviter.
    """

    email = models.EmailField(_("e-mail"))
    institution = models.ForeignKey(
        "institutions.Institution",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    role = models.CharField(
        _("role"),
        max_length=12,
        choices=AffiliationRole.choices,
        default=AffiliationRole.CONTRIBUTOR,
    )
    as_steward = models.BooleanField(_("invite as steward"), default=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(as_steward=True) | Q(institution__isnull=False),
                name="invitation_names_institution_or_steward",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class ApiToken(models.Model):
    """A token for machines: scoped (read / write), expiring, revocable, stored hashed.

    The full token (``nscap_<prefix>_<secret>``) is shown once when created; ``prefix`` lets a
    user tell tokens apart and lets the server find the row without storing the secret.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, editable=False)
    scope = models.CharField(
        _("scope"), max_length=5, choices=TokenScope.choices, default=TokenScope.READ
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class AuditEvent(models.Model):
    """A security-relevant event: sign-in, failed sign-in, refused access, token use, role change.

    Record changes are not here: they are the history of the contributions app.
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    username = models.CharField(_("user name given"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
