"""Forms of the accounts pages: sign-in with a second factor, invitations, tokens, policy."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _

from nscap.accounts.choices import AffiliationRole, TokenScope
from nscap.accounts.two_factor import confirmed_device
from nscap.core.choices import Sensitivity


class SignInForm(AuthenticationForm):
    """User name, password and, for those who set one up, the authenticator code, all at once.

    For an account with a second factor the password alone proves nothing to the person
    signing in: a wrong password, a missing code and a wrong code all get the same answer
    ("user name, password or code not correct"), so the form is no oracle for a stolen or
    guessed password (issue 12, finding 18). Each of them is a failed sign-in that django-axes
    counts, so guessing codes is locked out like guessing passwords.
    """

    otp_token = forms.CharField(
        label=_("Two-factor code"),
        required=False,
        max_length=8,
        help_text=_("Six digits from your authenticator app, if you set one up."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The user name, password or two-factor code is not correct. "
            "Stewards and institution admins give the current code from their app."
        ),
    }

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.otp_device = None

    def clean(self) -> dict:
        cleaned = super().clean()  # a wrong password raises invalid_login, counted by axes
        device = confirmed_device(self.get_user())
        if device is None:
            return cleaned
        token = (cleaned.get("otp_token") or "").strip().replace(" ", "")
        # An empty code is refused without asking the device, so it does not feed its throttle.
        if not token or not device.verify_token(token):
            self.user_cache = None
            user_login_failed.send(
                sender=__name__,
                credentials={"username": cleaned.get("username", "")},
                request=self.request,
            )
            raise self.get_invalid_login_error()
        self.otp_device = device
        return cleaned


class TwoFactorCodeForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of the person invited"))
    institution = forms.ChoiceField(label=_("Institution"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=AffiliationRole.choices)
    as_steward = forms.BooleanField(label=_("Invite as a steward"), required=False)

    def __init__(self, *args: Any, institutions=(), steward: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.institutions = {str(i.pk): i for i in institutions}
        self.fields["institution"].choices = [("", "—")] + [
            (str(i.pk), i.name) for i in institutions
        ]
        if not steward:
            del self.fields["as_steward"]

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("as_steward"):
            chosen = self.institutions.get(cleaned.get("institution") or "")
            if chosen is None:
                self.add_error("institution", _("Choose an institution."))
            cleaned["institution"] = chosen
        else:
            cleaned["institution"] = None
        return cleaned


class AcceptInvitationForm(forms.Form):
    """A new account: user name and a password that passes the password rules."""

    username = forms.CharField(label=_("User name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters, not a common password, not only digits."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is taken."))
        return username

    def clean(self) -> dict:
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            candidate = get_user_model()(username=cleaned.get("username", ""), email=self.email)
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What it is for."))
    scope = forms.ChoiceField(label=_("Scope"), choices=TokenScope.choices)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=366, initial=90)


class TransparencyPolicyForm(forms.Form):
    statement = forms.CharField(
        label=_("What we publish, at which level, and why"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
    )
    default_sensitivity = forms.ChoiceField(
        label=_("Default sensitivity of new records"), choices=Sensitivity.choices
    )
    auto_approve_own_public = forms.BooleanField(
        label=_("Publish our contributors' changes to our own public records without review"),
        required=False,
    )
