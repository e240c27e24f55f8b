"""Choosing one institution by typing: what filter forms use instead of a list of every center.

A select of every visible institution was 4,778 options (about 400 KiB of HTML) at 1M events.
A text field takes a key, a name or an acronym in any script; ``pick_institution`` turns it into
one institution or says why it cannot, and ``suggest_institutions`` feeds the field's list of
suggestions while the user types. Both read only what ``visible_to(user)`` returns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from nscap.core.record_fields import NotOneRecord, Suggestion, shared_values
from nscap.institutions.choices import LabelKind
from nscap.institutions.models import Institution, Label
from nscap.institutions.normalize import normalize_label
from nscap.institutions.resolution import EXACT_ACRONYM, resolve_label

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    Viewer = AbstractBaseUser | AnonymousUser | None

SUGGESTIONS = 10


def pick_institution(text: str, user: Viewer) -> Institution:
    """The one visible institution that ``text`` names exactly (key, name, alias or acronym).

    Fuzzy matches are offered in the message, never taken: a filter must not guess.
    """
    text = text.strip()
    visible = Institution.objects.visible_to(user)
    by_key = visible.filter(key=text).first()
    if by_key is not None:
        return by_key
    candidates = resolve_label(text, user=user, limit=6)
    exact = [c for c in candidates if c.score >= EXACT_ACRONYM]
    if len(exact) == 1:
        return exact[0].institution
    if exact:
        raise NotOneRecord(
            _("“%(text)s” names %(count)d centers: %(names)s. Type the key of the one you mean.")
            % {
                "text": text,
                "count": len(exact),
                "names": "; ".join(f"{c.institution.name} ({c.institution.key})" for c in exact),
            }
        )
    message = _("No center you can see is called “%(text)s”.") % {"text": text}
    if candidates:
        message += " " + _("Did you mean: %(names)s?") % {
            "names": "; ".join(c.institution.name for c in candidates[:3])
        }
    raise NotOneRecord(message)


def suggest_institutions(text: str, user: Viewer, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """Visible institutions with a label containing ``text`` (folded), those with a label
    starting with it first, then by name."""
    folded = normalize_label(text)
    if not folded:
        return []
    visible = Institution.objects.visible_to(user)
    labels = Label.objects.filter(institution_id=OuterRef("pk"))
    rows = list(
        visible.filter(Exists(labels.filter(normalized__contains=folded)))
        .annotate(starts=Exists(labels.filter(normalized__startswith=folded)))
        .order_by("-starts", "name", "key")
        .values_list("key", "name", "country")[:limit]
    )
    keys = [row[0] for row in rows]
    shared = shared_values(visible, "name", [row[1] for row in rows])
    acronyms = dict(
        Label.objects.filter(institution__key__in=keys, kind=LabelKind.ACRONYM)
        .order_by("-text")
        .values_list("institution__key", "text")
    )
    return [
        Suggestion(
            value=key if name in shared else name,
            label=" · ".join(part for part in (acronyms.get(key, ""), country) if part),
        )
        for key, name, country in rows
    ]
