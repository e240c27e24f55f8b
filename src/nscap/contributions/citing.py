"""Citations a changeset makes once it is applied: which record cites which source, where.

A form that adds a source inline (the event form's "add a source", issue 14) names the page or
table it relies on. A changeset cites whole sources (``Changeset.sources``); the record's own
citation carries the locator, so the fact itself cites the document. The changeset keeps the
planned citations (``Changeset.citations``) while it waits for review; ``_apply`` writes them
as ``Citation`` rows once the record and the source exist. Deleting a record deletes its
citations (nothing cites from nowhere, and a source created with it can be deleted in turn).
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from nscap.contributions.errors import Invalid
from nscap.contributions.record_types import RECORD_TYPES

LOCATOR_MAX = 200  # Citation.locator


def planned(record_type: str, record_key: str, source: str, locator: str = "") -> dict[str, str]:
    """One citation to make: ``record_type``/``record_key`` cites ``source`` at ``locator``."""
    return {
        "record_type": record_type,
        "record_key": record_key,
        "source": source,
        "locator": locator.strip(),
    }


def check(citations: list[dict[str, str]]) -> list[dict[str, str]]:
    """The planned citations, or Invalid naming the one that cannot be made."""
    for citation in citations:
        if citation.get("record_type") not in RECORD_TYPES or not citation.get("source"):
            raise Invalid([{"change": None, "field": "citations", "message": "unknown citation"}])
        if len(citation.get("locator") or "") > LOCATOR_MAX:
            raise Invalid(
                [
                    {
                        "change": None,
                        "field": "locator",
                        "message": f"at most {LOCATOR_MAX} characters",
                    }
                ]
            )
    return list(citations)


def cite_applied(changeset: Any) -> int:
    """Write the changeset's planned citations (inside ``_apply``'s transaction); a citation
    already there is kept. Returns how many were new."""
    from nscap.sources.models import Citation, Source

    made = 0
    for citation in changeset.citations or ():
        rt = RECORD_TYPES[citation["record_type"]]
        record = rt.model.objects.filter(key=citation["record_key"]).first()
        source = Source.objects.filter(key=citation["source"]).first()
        if record is None or source is None:
            continue  # the record or source was not written by this changeset after all
        _obj, created = Citation.objects.get_or_create(
            source=source,
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            field="",
            locator=citation.get("locator") or "",
        )
        made += created
    return made


def uncite(instance: models.Model) -> None:
    """Delete the citations of a record about to be deleted."""
    from nscap.sources.models import Citation

    Citation.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_id=instance.pk
    ).delete()
