"""Form fields that name one record among thousands by typing, not by picking from a select.

A select of every visible institution was 4,778 options at 1M events, and of every course 50,000.
A ``RecordField`` takes text (a key, a name...), which its ``pick`` function resolves to one
record the viewer may see or refuses with a message; it cleans to the record's key, so forms and
schemas keep reading keys. Its input's ``<datalist>`` is refilled by htmx from a suggestion view
as the user types; without JavaScript the text is resolved when the form is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join


class SuggestingInput(forms.TextInput):
    def __init__(self, url_name: str, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.url_name = url_name

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer=None) -> str:
        attrs = dict(attrs or {})
        options_id = f"{attrs.get('id') or 'id_' + name}-options"
        attrs.update(
            {
                "list": options_id,
                "autocomplete": "off",
                "hx-get": f"{reverse(self.url_name)}?field={name}",
                "hx-trigger": "input changed delay:250ms",
                "hx-target": f"#{options_id}",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        )
        html = super().render(name, value, attrs, renderer)
        return format_html('{}<datalist id="{}"></datalist>', html, options_id)


class NotOneRecord(ValueError):
    """The text names no record the viewer may see, or several; the message says which and how
    to choose."""


class RecordField(forms.CharField):
    """One record the viewer may see, named by text that ``pick(text, user)`` resolves."""

    def __init__(
        self,
        pick: Callable[[str, Any], Any],
        url_name: str,
        *,
        user: Any = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("widget", SuggestingInput(url_name))
        kwargs.setdefault("max_length", 300)
        super().__init__(**kwargs)
        self.pick = pick
        self.user = user

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        if not text:
            return ""
        try:
            return self.resolve(text).key
        except NotOneRecord as problem:
            raise forms.ValidationError(str(problem), code="record") from None

    def resolve(self, text: str) -> Any:
        """The one record ``text`` names (a subclass may narrow it by another field)."""
        return self.pick(text, self.user)


def bind_viewer(form: forms.Form, user: Any) -> None:
    """Let the form's record fields resolve what ``user`` may see (a form copies its fields, so
    the viewer is set on the copies)."""
    for field in form.fields.values():
        if isinstance(field, RecordField):
            field.user = user


def shared_values(records: QuerySet, field: str, values: list[str]) -> set[str]:
    """Which of ``values`` more than one of ``records`` has in ``field`` (a suggestion then
    offers the key, since the text alone would not pick one record)."""
    return set(
        records.filter(**{f"{field}__in": values})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list(field, flat=True)
    )


@dataclass(frozen=True, slots=True)
class Suggestion:
    value: str  # what the field receives: the record's text, or its key when the text is shared
    label: str  # shown beside it


def suggest_by_title(records: QuerySet, text: str, label: str, limit: int) -> list[Suggestion]:
    """``records`` whose title contains ``text``, those starting with it first, with the field
    ``label`` beside each; the key is offered where the title alone would not pick one record."""
    text = text.strip()
    if not text:
        return []
    rows = list(
        records.filter(title__icontains=text)
        .annotate(
            starts=Case(
                When(title__istartswith=text, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-starts", "title", "key")
        .values_list("key", "title", label)[:limit]
    )
    shared = shared_values(records, "title", [row[1] for row in rows])
    return [
        Suggestion(value=key if title in shared else title, label=shown or "")
        for key, title, shown in rows
    ]


def suggestion_view(
    suggest: Callable[[str, Any], list[Suggestion]],
) -> Callable[[HttpRequest], HttpResponse]:
    """A view answering the ``<option>`` elements of a record field's suggestion list (htmx):
    ``suggest(text, user)`` for the text in the parameter named by ``field`` (else ``q``)."""

    def view(request: HttpRequest) -> HttpResponse:
        text = request.GET.get(request.GET.get("field") or "q", "")[:200]
        options = format_html_join(
            "",
            '<option value="{}">{}</option>',
            ((s.value, s.label) for s in suggest(text, request.user)),
        )
        return HttpResponse(options, content_type="text/html; charset=utf-8")

    return view
