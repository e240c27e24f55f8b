"""The event form's repeatable parts: participants by country, partners with their roles, and a
new source added inline (issue 14, item 6).

The rows are plain Django formsets, so the form works without JavaScript: "Add a country" and
"Add a partner" are submit buttons that show the form again with one more blank row, nothing
written. A blank row is left out. What the rows hold goes into the event's values
(``participant_countries``, ``partners``) and through ``services.propose`` like every other
field; a new source is a second change of the same changeset, which the changeset then cites
(``services._apply``). The schemas validate all of it; their errors come back next to the row
and field they name.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from nscap.activities.choices import PartnerRole
from nscap.contributions import services
from nscap.contributions.record_types import RECORD_TYPES, new_key
from nscap.core.country_field import country_field
from nscap.core.record_fields import bind_viewer
from nscap.institutions.fields import InstitutionField

ADD_ROW = {"add_country": "countries", "add_partner": "partners"}


class CountryRowForm(forms.Form):
    """How many participants came from one country."""

    country = country_field()
    count = forms.IntegerField(label=_("Participants from it"), required=False, min_value=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        country, count = data.get("country"), data.get("count")
        if country and count is None and "count" not in self.errors:
            self.add_error("count", _("Say how many participants came from %s.") % country)
        if count is not None and not country:
            self.add_error("country", _("Say which country these participants came from."))
        return data


class PartnerRowForm(forms.Form):
    """An institution that took part other than as host, and its role."""

    institution = InstitutionField(label=_("Partner"), required=False)
    role = forms.ChoiceField(
        label=_("Role"), choices=PartnerRole.choices, initial=PartnerRole.UNSPECIFIED
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bind_viewer(self, user)


CountryFormSet = forms.formset_factory(CountryRowForm, extra=1, max_num=250, validate_max=True)
PartnerFormSet = forms.formset_factory(PartnerRowForm, extra=1, max_num=100, validate_max=True)


class NewSourceForm(forms.Form):
    """A document not in the registry yet, created with the event it supports."""

    title = forms.CharField(label=_("New source: title"), required=False, max_length=500)
    publisher = forms.CharField(label=_("Publisher"), required=False, max_length=300)
    published = forms.CharField(
        label=_("Date"), required=False, help_text=_("2014, 2014-09 or 2014-09-12")
    )
    url = forms.CharField(
        label=_("Web address"), required=False, max_length=200, help_text=_("http:// or https://")
    )
    locator = forms.CharField(
        label=_("Where in it"),
        required=False,
        max_length=200,
        help_text=_("A page, a table, a footnote"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("title") and any(data.get(name) for name in ("publisher", "url")):
            self.add_error("title", _("A new source needs its title."))
        return data


class EventExtras:
    """The event form's formsets and new-source form, bound to one request's data."""

    def __init__(self, data: QueryDict | None, user: Any, initial: dict[str, Any]) -> None:
        self.user = user
        # A post without a formset's management form (an older client, a script) leaves that
        # part of the record as it is, rather than clearing it.
        self.sent = {
            prefix: data is None or f"{prefix}-TOTAL_FORMS" in data
            for prefix in ("countries", "partners")
        }
        if data is not None and not all(self.sent.values()):
            data = data.copy()
            for prefix in ("countries", "partners"):
                data.setdefault(f"{prefix}-TOTAL_FORMS", "0")
                data.setdefault(f"{prefix}-INITIAL_FORMS", "0")
        self.countries = CountryFormSet(
            data, prefix="countries", initial=initial.get("participant_countries") or None
        )
        self.partners = PartnerFormSet(
            data,
            prefix="partners",
            initial=initial.get("partners") or None,
            form_kwargs={"user": user},
        )
        self.new_source = NewSourceForm(data, prefix="new_source")
        self._source_key = ""

    @property
    def sets(self) -> list[tuple[forms.BaseFormSet, str, str, str]]:
        """(formset, legend, its "add a row" button's name, the button's label) to show."""
        return [
            (self.countries, _("Participants by country"), "add_country", _("Add a country")),
            (self.partners, _("Partners and their roles"), "add_partner", _("Add a partner")),
        ]

    @staticmethod
    def added_row(data: QueryDict) -> QueryDict | None:
        """The data with one more blank row when an "add a row" button was pressed, else None."""
        for button, prefix in ADD_ROW.items():
            if button in data:
                data = data.copy()
                total = f"{prefix}-TOTAL_FORMS"
                data[total] = str(int(data.get(total) or 0) + 1)
                return data
        return None

    def is_valid(self) -> bool:
        return all(
            [self.countries.is_valid(), self.partners.is_valid(), self.new_source.is_valid()]
        )

    def _rows(self, formset: forms.BaseFormSet, needed: str) -> list[tuple[int, dict]]:
        return [
            (index, form.cleaned_data)
            for index, form in enumerate(formset.forms)
            if form.cleaned_data.get(needed) not in (None, "")
        ]

    def values(self) -> dict[str, Any]:
        """The event's ``participant_countries`` and ``partners``, blank rows left out."""
        self._country_rows = self._rows(self.countries, "country")
        self._partner_rows = self._rows(self.partners, "institution")
        values = {
            "participant_countries": [
                {"country": row["country"], "count": row.get("count")}
                for _i, row in self._country_rows
            ],
            "partners": [
                {"institution": row["institution"], "role": row.get("role")}
                for _i, row in self._partner_rows
            ],
        }
        if not self.sent["countries"]:
            del values["participant_countries"]
        if not self.sent["partners"]:
            del values["partners"]
        return values

    def source_change(self) -> services.ProposedChange | None:
        """The new source as a create change (its key chosen here, so it can be named), or
        None when no new source is given."""
        data = self.new_source.cleaned_data
        if not data.get("title"):
            return None
        values = {name: data[name] or None for name in ("title", "publisher", "published", "url")}
        values = {k: v for k, v in values.items() if v is not None}
        self._source_key = new_key(RECORD_TYPES["source"], values)
        return services.ProposedChange(
            "create", "source", values={**values, "key": self._source_key}
        )

    @property
    def source_key(self) -> str:
        """The key chosen for the new source (after ``source_change``)."""
        return self._source_key

    def locator(self) -> str:
        """Where in the new source the facts are: the event's citation of it carries it."""
        return (self.new_source.cleaned_data.get("locator") or "").strip()

    def locator_note(self) -> str:
        """The locator, also said in the changeset's comment for the steward who reviews it
        (the event's citation carries it: ``citing``)."""
        data = self.new_source.cleaned_data
        if not (data.get("title") and data.get("locator")):
            return ""
        return str(_("In “%(title)s”: %(locator)s")) % {
            "title": data["title"],
            "locator": data["locator"],
        }

    def add_invalid(self, form: forms.Form, errors: list[dict], source_index: int | None) -> None:
        """Each schema error next to the row and field it names: the new source's own fields,
        a country or partner row, or else the event form (``form.add_invalid``)."""
        rest = []
        for error in errors:
            field = (error.get("field") or "").split(".")
            message = error["message"]
            if source_index is not None and error.get("change") == source_index:
                name = field[0] if field[0] in self.new_source.fields else None
                self.new_source.add_error(name, message)
                continue
            rows = {"participant_countries": self._country_rows, "partners": self._partner_rows}
            if field[0] in rows and len(field) > 1 and field[1].isdigit():
                position = int(field[1])
                if position < len(rows[field[0]]):
                    formset = (
                        self.countries if field[0] == "participant_countries" else self.partners
                    )
                    row_form = formset.forms[rows[field[0]][position][0]]
                    name = field[2] if len(field) > 2 and field[2] in row_form.fields else None
                    if name is None or name not in row_form.errors:
                        row_form.add_error(name, message)
                    continue
            rest.append(error)
        form.add_invalid(rest)


def unchanged(record_type: str, shown: dict[str, Any], values: dict[str, Any]) -> bool:
    """Whether an edit form sends back the record as it was shown (``shown``: the record as the
    viewer may see it): then there is nothing to propose. Lists compare as sets of rows."""
    schema = RECORD_TYPES[record_type].schema

    def normal(raw: dict[str, Any]) -> dict[str, Any]:
        try:
            dumped = schema.model_validate(raw).model_dump(mode="json")
        except ValueError:
            return {"invalid": json.dumps(raw, sort_keys=True, default=str)}
        return {
            name: sorted(json.dumps(item, sort_keys=True) for item in value)
            if isinstance(value, list)
            else value
            for name, value in dumped.items()
        }

    return normal({**shown, **values}) == normal(shown)
