"""The queue's one form per group: the group it is about and the decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from nscap.institutions.choices import InstitutionKind
from nscap.reconciliation.choices import Decision


class DecisionForm(forms.Form):
    """A decision on one name in context; the hidden fields name the group."""

    normalized = forms.CharField(widget=forms.HiddenInput, max_length=300)
    country = forms.CharField(widget=forms.HiddenInput, max_length=2, required=False)
    reported_by = forms.CharField(widget=forms.HiddenInput, max_length=120, required=False)
    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.RadioSelect)
    institution = forms.CharField(label=_("Institution (key)"), max_length=120, required=False)
    institution_other = forms.CharField(
        label=_("or another institution (key)"), max_length=120, required=False
    )
    name = forms.CharField(label=_("Name of the new institution"), max_length=300, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", "—"), *InstitutionKind.choices], required=False
    )
