"""Web forms that build proposed changes for the write path (``services.propose``).

The forms only collect text; the record type's schema validates it, the same as for API bodies
and import rows, and its errors are put back next to the fields they name.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nscap.activities.choices import CourseKind, CourseLevel, DeliveryMode
from nscap.activities.fields import CourseField
from nscap.collaboration.choices import CollaborationStatus, CollaborationType
from nscap.contributions.record_types import RECORD_TYPES
from nscap.core.choices import Qualifier, Sensitivity
from nscap.core.country_field import country_field
from nscap.core.record_fields import bind_viewer
from nscap.institutions.fields import InstitutionField

DATE_HELP = _("A year, a month or a day: 2014, 2014-09 or 2014-09-12.")
NOT_FORM_FIELDS = {"changeset_comment", "sources", "base_version"}


def _choices(queryset, label: str = "name", blank: bool = False) -> list[tuple[str, str]]:
    rows = [(obj.key, getattr(obj, label) or obj.key) for obj in queryset]
    return ([("", "—")] if blank else []) + rows


class RecordForm(forms.Form):
    """Base of the record forms: the changeset's comment and sources, and the base version."""

    record_type = ""

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from nscap.sources.models import Source

        self.user = user
        bind_viewer(self, user)
        self.fields["changeset_comment"] = forms.CharField(
            label=_("Comment for the steward"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("Where the facts come from, or why you change them."),
        )
        self.fields["sources"] = forms.MultipleChoiceField(
            label=_("Sources"),
            required=False,
            choices=_choices(Source.objects.visible_to(user).order_by("title"), "title"),
        )
        self.fields["base_version"] = forms.IntegerField(required=False, widget=forms.HiddenInput())

    def _vocabulary(self) -> tuple[list, list]:
        from nscap.vocabularies.models import TargetGroup, Topic

        # Only what the viewer may see: a restricted topic is no one's choice to be shown.
        return (
            _choices(Topic.objects.visible_to(self.user).order_by("name")),
            _choices(TargetGroup.objects.visible_to(self.user).order_by("name")),
        )

    def values(self) -> dict[str, Any]:
        """The schema's values from the form: empty optional fields become None."""
        schema_fields = RECORD_TYPES[self.record_type].schema.model_fields
        values: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name in NOT_FORM_FIELDS or name not in schema_fields:
                continue
            if value in ("", None) and schema_fields[name].default is None:
                value = None
            values[name] = value
        return values

    def add_invalid(self, errors: list[dict]) -> None:
        """Show each schema error next to the field it names, else above the form; a field
        that has an error of its own already (its text did not clean) keeps that one."""
        for error in errors:
            name = (error.get("field") or "").split(".")[0]
            message = error["message"]
            if name in self.fields and name not in NOT_FORM_FIELDS:
                if name not in self.errors:
                    self.add_error(name, message)
            else:
                self.add_error(None, f"{error.get('field') or _('record')}: {message}")


def _sensitivity_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Who may see it"),
        choices=Sensitivity.choices,
        help_text=_("Public: everyone. Network: members of your networks. Restricted: you."),
    )


class TrainingEventForm(RecordForm):
    """One run of a course: host, dates, place, participants."""

    record_type = "training_event"

    title = forms.CharField(label=_("Title"), max_length=300)
    host = InstitutionField(label=_("Host"))
    course = CourseField(label=_("Course"), required=False)
    start = forms.CharField(label=_("Start"), required=False, help_text=DATE_HELP)
    end = forms.CharField(label=_("End"), required=False, help_text=DATE_HELP)
    city = forms.CharField(label=_("City"), required=False, max_length=200)
    country = country_field()
    delivery_mode = forms.ChoiceField(label=_("Delivery mode"), choices=DeliveryMode.choices)
    participants = forms.IntegerField(label=_("Participants"), required=False)
    participants_qualifier = forms.ChoiceField(
        label=_("The number of participants is"), choices=Qualifier.choices
    )
    topics = forms.MultipleChoiceField(label=_("Topics"), required=False)
    target_groups = forms.MultipleChoiceField(label=_("Target groups"), required=False)
    sensitivity = _sensitivity_field()
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices, self.fields["target_groups"].choices = self._vocabulary()
        # A course title is looked for among the chosen host's courses first (issue 16); the
        # host is declared before the course, so it is cleaned first.
        self.fields["course"].host_of = lambda: self.cleaned_data.get("host") or None
        # One source typed with suggestions, not a select of every document (issue 14).
        from nscap.sources.fields import SourceField

        self.fields["sources"] = SourceField(
            label=_("Source"),
            required=False,
            user=self.user,
            help_text=_(
                "A source in the registry, by title or key; or add a new one below. With no "
                "source the record is flagged as unsourced for the stewards."
            ),
        )

    def clean_sources(self) -> list[str]:
        return [self.cleaned_data["sources"]] if self.cleaned_data.get("sources") else []


class CourseForm(RecordForm):
    """A repeatable offering of a provider."""

    record_type = "course"

    title = forms.CharField(label=_("Title"), max_length=300)
    provider = InstitutionField(label=_("Provider"))
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea({"rows": 3})
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=CourseKind.choices)
    level = forms.ChoiceField(label=_("Level"), choices=CourseLevel.choices)
    topics = forms.MultipleChoiceField(label=_("Topics"), required=False)
    target_groups = forms.MultipleChoiceField(label=_("Target groups"), required=False)
    language = forms.CharField(label=_("Language"), required=False, help_text=_("e.g. en, ko"))
    iaea_endorsed = forms.NullBooleanField(label=_("Endorsed by the IAEA"), required=False)
    guidance = forms.CharField(label=_("Guidance followed"), required=False, max_length=300)
    first_offered = forms.CharField(label=_("First offered"), required=False, help_text=DATE_HELP)
    sensitivity = _sensitivity_field()
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices, self.fields["target_groups"].choices = self._vocabulary()


class CollaborationClaimForm(RecordForm):
    """One side says it works with a partner; the partner is asked to confirm."""

    record_type = "collaboration_claim"

    claimant = InstitutionField(label=_("Our institution"))
    partner = InstitutionField(label=_("Partner institution"), required=False)
    partner_country = country_field(_("Or partner country"))
    partner_text = forms.CharField(label=_("Or partner in words"), required=False)
    type = forms.ChoiceField(label=_("Type"), choices=CollaborationType.choices)
    status = forms.ChoiceField(label=_("Status"), choices=CollaborationStatus.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea({"rows": 3})
    )
    start = forms.CharField(label=_("Start"), required=False, help_text=DATE_HELP)
    end = forms.CharField(label=_("End"), required=False, help_text=DATE_HELP)
    sensitivity = _sensitivity_field()
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea({"rows": 2}))


FORMS: dict[str, type[RecordForm]] = {
    form.record_type: form for form in (TrainingEventForm, CourseForm, CollaborationClaimForm)
}


class ReviewForm(forms.Form):
    """A steward's decision on a changeset, with the comment its author will read."""

    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Reject")), ("ask", _("Ask for more"))]
    )
    comment = forms.CharField(required=False, widget=forms.Textarea({"rows": 2}))


class ConfirmationForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[("confirmed", _("Confirm")), ("disputed", _("Dispute"))],
    )
    comment = forms.CharField(required=False, widget=forms.Textarea({"rows": 2}))


# Demand, aggregate figures and vocabularies (issue 14) live in their own module.
from nscap.contributions.demand_forms import DEMAND_FORMS  # noqa: E402

FORMS.update(DEMAND_FORMS)
