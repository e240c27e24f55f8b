"""Web forms for demand, aggregate figures and the vocabularies (issue 14).

Like the forms in ``forms``: they collect text and hand it to ``services.propose``; the record
type's schema validates it. The vocabulary forms are stewards' (``RecordType.stewards_only``):
the view refuses contributors before the form is shown.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nscap.contributions.forms import DATE_HELP, RecordForm, _choices, _sensitivity_field
from nscap.core.choices import Qualifier
from nscap.core.country_field import country_field
from nscap.institutions.fields import InstitutionField
from nscap.needs.choices import DemandMeasure

COUNTRY_HELP = _(
    "A country's name from the list or its two-letter code; leave blank for a region or the world."
)


class TextListField(forms.CharField):
    """Several short texts in one box, separated by ``;`` (as in the import's cells)."""

    def prepare_value(self, value: Any) -> Any:
        return "; ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:
        text = super().to_python(value) or ""
        return [item.strip() for item in text.split(";") if item.strip()]


def _country() -> forms.CharField:
    return country_field(help_text=COUNTRY_HELP)


def _region() -> forms.CharField:
    return forms.CharField(
        label=_("Or region"), required=False, max_length=100, help_text=_("e.g. Southeast Asia")
    )


def _note() -> forms.CharField:
    return forms.CharField(label=_("Note"), required=False, widget=forms.Textarea({"rows": 2}))


class VocabularyChoicesMixin:
    """Fills ``topic`` / ``target_group`` choices (one term each, or none) from the vocabulary."""

    def _single_vocabulary(self) -> None:
        topics, groups = self._vocabulary()
        self.fields["topic"].choices = [("", "—"), *topics]
        self.fields["target_group"].choices = [("", "—"), *groups]


class AggregateClaimForm(RecordForm):
    """ "N courses for M people in P": what an institution reports for a period."""

    record_type = "aggregate_claim"

    claimant = InstitutionField(label=_("Our institution"))
    description = forms.CharField(label=_("The claim"), widget=forms.Textarea({"rows": 2}))
    quote = forms.CharField(
        label=_("In the source's words"), required=False, widget=forms.Textarea({"rows": 2})
    )
    courses = forms.IntegerField(label=_("Courses"), required=False)
    courses_qualifier = forms.ChoiceField(
        label=_("The number of courses is"), choices=Qualifier.choices
    )
    people = forms.IntegerField(label=_("People trained"), required=False)
    people_qualifier = forms.ChoiceField(
        label=_("The number of people is"), choices=Qualifier.choices
    )
    period_start = forms.CharField(label=_("From"), required=False, help_text=DATE_HELP)
    period_end = forms.CharField(label=_("To"), required=False, help_text=DATE_HELP)
    country = _country()
    region = _region()
    sensitivity = _sensitivity_field()
    note = _note()


class NeedsAssessmentForm(VocabularyChoicesMixin, RecordForm):
    """A study of how many people need training; its figures are added one by one."""

    record_type = "needs_assessment"

    title = forms.CharField(label=_("Title"), max_length=300)
    assessor = InstitutionField(label=_("Assessor"), required=False)
    country = _country()
    region = _region()
    target_group = forms.ChoiceField(label=_("Target group"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    published = forms.CharField(label=_("Published"), required=False, help_text=DATE_HELP)
    method = forms.CharField(label=_("Method"), required=False, widget=forms.Textarea({"rows": 3}))
    cited = forms.MultipleChoiceField(
        label=_("Cites"),
        required=False,
        help_text=_("The documents the assessment comes from (kept on the record)."),
    )
    sensitivity = _sensitivity_field()
    note = _note()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        initial = kwargs.get("initial") or {}
        if "sources" in initial:  # the record's cited sources, not the changeset's
            kwargs["initial"] = {**initial, "cited": initial["sources"], "sources": []}
        super().__init__(*args, **kwargs)
        self._single_vocabulary()
        self.fields["cited"].choices = self.fields["sources"].choices

    def values(self) -> dict[str, Any]:
        values = super().values()
        values["sources"] = list(self.cleaned_data.get("cited") or [])
        return values


class NeedsFigureForm(VocabularyChoicesMixin, RecordForm):
    """One demand figure of an assessment: people needing training in a year and cell."""

    record_type = "needs_figure"

    needs_assessment = forms.ChoiceField(label=_("Needs assessment"))
    year = forms.IntegerField(label=_("Year"))
    people = forms.IntegerField(label=_("People needing training"))
    qualifier = forms.ChoiceField(label=_("The number is"), choices=Qualifier.choices)
    measure = forms.ChoiceField(label=_("What is counted"), choices=DemandMeasure.choices)
    country = _country()
    region = _region()
    target_group = forms.ChoiceField(label=_("Target group"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    quote = forms.CharField(
        label=_("In the source's words"), required=False, widget=forms.Textarea({"rows": 2})
    )
    sensitivity = _sensitivity_field()
    note = _note()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from nscap.needs.models import NeedsAssessment

        super().__init__(*args, **kwargs)
        self._single_vocabulary()
        self.fields["needs_assessment"].choices = _choices(
            NeedsAssessment.objects.visible_to(self.user).order_by("title"), "title"
        )


class TopicForm(RecordForm):
    """A steward adds or changes a topic of the vocabulary."""

    record_type = "topic"

    name = forms.CharField(label=_("Name"), max_length=200)
    name_zh = forms.CharField(label=_("Name in Chinese"), required=False, max_length=200)
    nss_references = TextListField(
        label=_("IAEA NSS references"), required=False, help_text=_("e.g. NSS 13; NSS 27-G")
    )
    aliases = TextListField(
        label=_("Other names and synonyms"),
        required=False,
        help_text=_("In any language, separated by ;"),
    )
    parent = forms.ChoiceField(label=_("Broader topic"), required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea({"rows": 3})
    )
    sensitivity = _sensitivity_field()
    note = _note()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", "—"), *self._vocabulary()[0]]


class TargetGroupForm(RecordForm):
    """A steward adds or changes a target group of the vocabulary."""

    record_type = "target_group"

    name = forms.CharField(label=_("Name"), max_length=200)
    name_zh = forms.CharField(label=_("Name in Chinese"), required=False, max_length=200)
    aliases = TextListField(
        label=_("Other names and synonyms"),
        required=False,
        help_text=_("In any language, separated by ;"),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea({"rows": 3})
    )
    sensitivity = _sensitivity_field()
    note = _note()


DEMAND_FORMS: dict[str, type[RecordForm]] = {
    form.record_type: form
    for form in (
        AggregateClaimForm,
        NeedsAssessmentForm,
        NeedsFigureForm,
        TopicForm,
        TargetGroupForm,
    )
}
