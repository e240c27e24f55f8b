"""Accounts pages: sign-in and out, two-factor setup, invitations, members, API tokens,
transparency policies, and the refused-access pages. Thin: the writes are in services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LogoutView
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from nscap.accounts import services
from nscap.accounts.audit import record_event
from nscap.accounts.forms import (
    AcceptInvitationForm,
    InvitationForm,
    SignInForm,
    TokenForm,
    TransparencyPolicyForm,
    TwoFactorCodeForm,
)
from nscap.accounts.models import Affiliation, ApiToken
from nscap.accounts.tokens import create_token, revoke_token
from nscap.accounts.two_factor import (
    confirmed_device,
    needs_two_factor,
    pending_device,
    qr_svg,
    secret_of,
)
from nscap.contributions.errors import ContributionError
from nscap.core.visibility import is_steward
from nscap.institutions.models import Institution, TransparencyPolicy


def _next_url(request: HttpRequest, default: str = "core:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def landing_page(user) -> str:
    """Where a sign-in without ``next`` lands: what waits for the user (issue 16) — the inbox
    when it has unread notifications, else the review queue (stewards) or the contribute page
    (members of an institution), else the home page."""
    from nscap.accounts.selectors import can_contribute
    from nscap.notifications.services import unread_count

    if unread_count(user):
        return "notifications:inbox"
    if is_steward(user):
        return "contributions:queue"
    return "contributions:index" if can_contribute(user) else "core:home"


@sensitive_post_parameters("password", "otp_token")
@csrf_protect
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    """Password and, for those with an authenticator, its code. Failures are counted (axes)."""
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        auth_login(request, form.get_user())
        if form.otp_device is not None:
            otp_login(request, form.otp_device)
        return redirect(_next_url(request, landing_page(request.user)))
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "next": request.GET.get("next", request.POST.get("next", ""))},
    )


sign_out = LogoutView.as_view(template_name="accounts/signed_out.html")


@login_required
@never_cache
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up a TOTP device (QR code and secret), or verify the one set up already."""
    device = confirmed_device(request.user)
    setting_up = device is None
    if setting_up:
        device = pending_device(request.user)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"].strip().replace(" ", "")):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                record_event("accounts.two_factor.set_up", request)
            otp_login(request, device)
            record_event("accounts.two_factor.verified", request)
            messages.success(request, _("Two-factor sign-in is on for your account."))
            return redirect(_next_url(request))
        record_event("accounts.two_factor.failed", request)
        form.add_error("otp_token", _("That code is not valid; try the current one."))
    return render(
        request,
        "accounts/two_factor.html",
        {
            "form": form,
            "setting_up": setting_up,
            "required": needs_two_factor(request.user),
            "qr_svg": qr_svg(device) if setting_up else "",
            "secret": secret_of(device) if setting_up else "",
            "next": request.GET.get("next", ""),
        },
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 403 page; every refusal is written to the audit log as ``access.refused``."""
    record_event("access.refused", request, reason=str(exception or "")[:300])
    return render(request, "accounts/403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted without a valid CSRF token: refused and logged like any 403."""
    record_event("access.refused", request, reason=f"CSRF: {reason}"[:300])
    return render(request, "accounts/403.html", {"csrf": True}, status=403)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's page: memberships, two-factor state, links to tokens and invites."""
    affiliations = Affiliation.objects.filter(user=request.user).select_related("institution")
    return render(
        request,
        "accounts/account.html",
        {
            "affiliations": affiliations,
            "steward": is_steward(request.user),
            "has_device": confirmed_device(request.user) is not None,
        },
    )


# --- invitations and members ---------------------------------------------------------------------


def _managed_institutions(user) -> list[Institution]:
    if is_steward(user):
        return list(Institution.objects.visible_to(user).order_by("name"))
    admin_of = Affiliation.objects.filter(user=user, role="admin").values("institution_id")
    return list(Institution.objects.filter(pk__in=admin_of).order_by("name"))


@login_required
def invitation_create(request: HttpRequest) -> HttpResponse:
    """An admin invites to its institution; a steward to any, or as a steward. Link shown once."""
    institutions = _managed_institutions(request.user)
    steward = is_steward(request.user)
    if not institutions and not steward:
        raise PermissionDenied(_("Only institution admins and stewards invite people."))
    form = InvitationForm(request.POST or None, institutions=institutions, steward=steward)
    link = None
    if request.method == "POST" and form.is_valid():
        try:
            invitation, token = services.invite(
                request.user,
                email=form.cleaned_data["email"],
                institution=form.cleaned_data["institution"],
                role=form.cleaned_data["role"],
                as_steward=form.cleaned_data.get("as_steward", False),
                request=request,
            )
        except ContributionError as exc:
            form.add_error(None, exc.message)
        else:
            link = request.build_absolute_uri(reverse("accounts:accept", args=[token]))
            form = InvitationForm(institutions=institutions, steward=steward)
    return render(request, "accounts/invitation_create.html", {"form": form, "link": link})


@sensitive_post_parameters("password1", "password2")
@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Open the link: create an account (or join as the signed-in user) and the membership."""
    try:
        invitation = services.open_invitation(token)
    except ContributionError as exc:
        return render(
            request, "accounts/invitation_invalid.html", {"message": exc.message}, status=404
        )
    signed_in = request.user.is_authenticated
    form = None if signed_in else AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and (signed_in or form.is_valid()):
        try:
            user = services.accept_invitation(
                token,
                user=request.user if signed_in else None,
                username=form.cleaned_data["username"] if form else "",
                password=form.cleaned_data["password1"] if form else "",
                request=request,
            )
        except ContributionError as exc:
            if form is None:
                return render(
                    request,
                    "accounts/invitation_invalid.html",
                    {"message": exc.message},
                    status=404,
                )
            form.add_error(None, exc.message)
        else:
            if not signed_in:
                auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome. Your membership is active."))
            return redirect("accounts:account")
    return render(
        request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form}
    )


@login_required
def members(request: HttpRequest, key: str) -> HttpResponse:
    """An institution's members and open invitations, for its admins and the stewards."""
    institution = get_object_or_404(Institution.objects.visible_to(request.user), key=key)
    if not services.may_manage(request.user, institution.pk):
        raise PermissionDenied(_("Only this institution's admins and stewards see its members."))
    return render(
        request,
        "accounts/members.html",
        {
            "institution": institution,
            "members": institution.affiliations.select_related("user").order_by("user__username"),
            "invitations": institution.invitations.filter(accepted_at__isnull=True).order_by(
                "-created_at"
            ),
        },
    )


@login_required
@require_POST
def member_remove(request: HttpRequest, key: str, affiliation_id: int) -> HttpResponse:
    institution = get_object_or_404(Institution.objects.visible_to(request.user), key=key)
    try:
        removed = services.remove_member(request.user, affiliation_id, request=request)
    except ContributionError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(user)s is no longer a member.") % {"user": removed.user.get_username()}
        )
    return redirect("accounts:members", key=institution.key)


# --- API tokens ----------------------------------------------------------------------------------


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The user's API tokens: create one (its text shown once), list them, revoke."""
    form = TokenForm(request.POST or None)
    created_text = None
    if request.method == "POST" and form.is_valid():
        token, created_text = create_token(
            request.user,
            form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            days=form.cleaned_data["days"],
        )
        record_event("accounts.token.create", request, token=token.prefix, scope=token.scope)
        form = TokenForm()
    response = render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "created_text": created_text,
            "tokens": ApiToken.objects.filter(user=request.user),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    revoke_token(token)
    record_event("accounts.token.revoke", request, token=token.prefix)
    messages.success(request, _("Token %(name)s is revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


# --- transparency policies -----------------------------------------------------------------------


def transparency(request: HttpRequest, key: str) -> HttpResponse:
    """An institution's public transparency policy: what it publishes, at which level, why."""
    institution = get_object_or_404(Institution.objects.visible_to(request.user), key=key)
    policy = TransparencyPolicy.objects.filter(institution=institution).first()
    from nscap.core.choices import Sensitivity

    visible = {
        "courses": institution.courses.visible_to(request.user).count(),
        "events": institution.hosted_events.visible_to(request.user).count(),
    }
    return render(
        request,
        "accounts/transparency.html",
        {
            "section": "institutions",
            "institution": institution,
            "policy": policy,
            "levels": Sensitivity.choices,
            "visible": visible,
            "may_edit": services.may_manage(request.user, institution.pk),
        },
    )


@login_required
def transparency_edit(request: HttpRequest, key: str) -> HttpResponse:
    institution = get_object_or_404(Institution.objects.visible_to(request.user), key=key)
    if not services.may_manage(request.user, institution.pk):
        raise PermissionDenied(_("Only this institution's admins and stewards edit its policy."))
    policy = TransparencyPolicy.objects.filter(institution=institution).first()
    initial = {
        "statement": policy.statement if policy else "",
        "default_sensitivity": policy.default_sensitivity if policy else "public",
        "auto_approve_own_public": policy.auto_approve_own_public if policy else False,
    }
    form = TransparencyPolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.update_transparency_policy(
            request.user, institution, request=request, **form.cleaned_data
        )
        messages.success(request, _("The transparency policy is saved."))
        return redirect("accounts:transparency", key=institution.key)
    return render(
        request, "accounts/transparency_edit.html", {"institution": institution, "form": form}
    )
