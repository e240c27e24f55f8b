"""Writes on accounts: invitations, memberships, transparency policies. Each checks who may
call it, changes the rows and writes an audit event.

- ``invite``: an institution's admin (for that institution) or a steward (any institution, or a
  new steward).
- ``accept_invitation``: whoever holds the link, once, before it expires.
- ``remove_member``: the institution's admin or a steward.
- ``update_transparency_policy``: the institution's admin or a steward.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from nscap.accounts.audit import record_event
from nscap.accounts.choices import AffiliationRole
from nscap.accounts.models import Affiliation, Invitation
from nscap.accounts.selectors import is_admin_of
from nscap.contributions.errors import Invalid, NotAllowed, NotFound
from nscap.core.visibility import STEWARDS_GROUP, is_steward

INVITATION_DAYS = 14


def hash_invitation_token(token: str) -> str:
    # 256 random bits: a fast hash suffices, as for API tokens.
    return hashlib.sha256(token.encode()).hexdigest()


def may_manage(user: Any, institution_id: int | None) -> bool:
    """Stewards manage every institution's members; an admin manages its own."""
    return is_steward(user) or is_admin_of(user, institution_id)


def invite(
    inviter: Any,
    *,
    email: str,
    institution: Any = None,
    role: str = AffiliationRole.CONTRIBUTOR,
    as_steward: bool = False,
    days: int = INVITATION_DAYS,
    request: HttpRequest | None = None,
) -> tuple[Invitation, str]:
    """Create an invitation; return it and the token for the link (shown once, stored hashed)."""
    if as_steward:
        if not is_steward(inviter):
            raise NotAllowed(_("Only stewards invite stewards."))
        institution = None
    elif institution is None:
        raise Invalid([{"field": "institution", "message": _("Choose an institution.")}])
    elif not may_manage(inviter, institution.pk):
        raise NotAllowed(_("Only this institution's admins and stewards invite its members."))
    if role not in AffiliationRole.values:
        raise Invalid([{"field": "role", "message": _("Unknown role.")}])
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        institution=institution,
        role=role,
        as_steward=as_steward,
        token_hash=hash_invitation_token(token),
        invited_by=inviter,
        expires_at=timezone.now() + timedelta(days=days),
    )
    record_event(
        "accounts.invitation.create",
        request,
        actor=inviter,
        invitation=invitation.pk,
        institution=institution.key if institution else None,
        role=role,
        as_steward=as_steward,
    )
    return invitation, token


def open_invitation(token: str) -> Invitation:
    """The open invitation ``token`` names; NotFound when unknown, used or expired."""
    invitation = (
        Invitation.objects.select_related("institution")
        .filter(token_hash=hash_invitation_token(token or ""))
        .first()
    )
    if invitation is None:
        raise NotFound(_("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        raise NotFound(_("This invitation has been used already."))
    if invitation.expires_at <= timezone.now():
        raise NotFound(_("This invitation has expired; ask for a new one."))
    return invitation


def accept_invitation(
    token: str,
    *,
    user: Any = None,
    username: str = "",
    password: str = "",
    request: HttpRequest | None = None,
) -> Any:
    """Accept an invitation as ``user`` (signed in) or as a new account; return the user.

    The invitation row is locked so that one link makes one membership, even when two people
    use it at once. The password must already have passed the password validators.
    """
    with transaction.atomic():
        invitation = open_invitation(token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise NotFound(_("This invitation has been used already."))
        if user is None or not user.is_authenticated:
            user_model = get_user_model()
            if user_model.objects.filter(username__iexact=username).exists():
                raise Invalid([{"field": "username", "message": _("This user name is taken.")}])
            user = user_model.objects.create_user(
                username=username, email=invitation.email, password=password
            )
        if invitation.as_steward:
            user.groups.add(Group.objects.get_or_create(name=STEWARDS_GROUP)[0])
        else:
            affiliation, created = Affiliation.objects.get_or_create(
                user=user, institution=invitation.institution, defaults={"role": invitation.role}
            )
            if not created and invitation.role == AffiliationRole.ADMIN:
                affiliation.role = AffiliationRole.ADMIN
                affiliation.save(update_fields=["role"])
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        record_event(
            "accounts.invitation.accept",
            request,
            actor=user,
            invitation=invitation.pk,
            institution=invitation.institution.key if invitation.institution else None,
            as_steward=invitation.as_steward,
        )
    return user


def remove_member(
    remover: Any, affiliation_id: int, request: HttpRequest | None = None
) -> Affiliation:
    """End one membership. An admin may not remove the last admin of the institution."""
    with transaction.atomic():
        affiliation = (
            Affiliation.objects.select_for_update()
            .select_related("user", "institution")
            .filter(pk=affiliation_id)
            .first()
        )
        if affiliation is None or not may_manage(remover, affiliation.institution_id):
            raise NotFound(_("No such member."))
        admins = Affiliation.objects.filter(
            institution_id=affiliation.institution_id, role=AffiliationRole.ADMIN
        )
        last_admin = affiliation.role == AffiliationRole.ADMIN and admins.count() == 1
        if last_admin and not is_steward(remover):
            raise NotAllowed(_("The last admin can only be removed by a steward."))
        affiliation.delete()
        record_event(
            "accounts.member.remove",
            request,
            actor=remover,
            member=affiliation.user.get_username(),
            institution=affiliation.institution.key,
            role=affiliation.role,
        )
    return affiliation


def update_transparency_policy(
    editor: Any,
    institution: Any,
    *,
    statement: str,
    default_sensitivity: str,
    auto_approve_own_public: bool,
    request: HttpRequest | None = None,
):
    """Write an institution's transparency policy; its admin or a steward may."""
    from nscap.institutions.models import TransparencyPolicy

    if not may_manage(editor, institution.pk):
        raise NotAllowed(_("Only this institution's admins and stewards edit its policy."))
    policy, _created = TransparencyPolicy.objects.get_or_create(institution=institution)
    before = {
        "statement": policy.statement,
        "default_sensitivity": policy.default_sensitivity,
        "auto_approve_own_public": policy.auto_approve_own_public,
    }
    policy.statement = statement
    policy.default_sensitivity = default_sensitivity
    policy.auto_approve_own_public = auto_approve_own_public
    policy.updated_by = editor
    policy.full_clean()
    policy.save()
    record_event(
        "institutions.transparency_policy.update",
        request,
        actor=editor,
        institution=institution.key,
        before=before,
        after={
            "statement": statement,
            "default_sensitivity": default_sensitivity,
            "auto_approve_own_public": auto_approve_own_public,
        },
    )
    return policy
