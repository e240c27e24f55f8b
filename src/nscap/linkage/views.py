"""The steward's merge queue: two reports side by side, the match weight and the comparisons
behind it, and accept / reject / undo (plain POST forms)."""

from __future__ import annotations

import math
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from nscap.activities.models import TrainingEvent
from nscap.contributions.errors import ContributionError
from nscap.contributions.record_types import RECORD_TYPES, snapshot
from nscap.core.charts import MISSING
from nscap.core.templatetags.nscap_ui import country_name, format_partial_date, localized
from nscap.linkage import services
from nscap.linkage.bulk_views import BulkDecisionForm
from nscap.linkage.bulk_views import require_steward as _require_steward
from nscap.linkage.choices import SuggestionStatus
from nscap.linkage.features import TopicInferrer
from nscap.linkage.models import BulkDecision, LinkRun
from nscap.linkage.selectors import suggestion_queue, topic_vocabulary
from nscap.vocabularies.models import Topic

EVENTS_PER_PAGE = 10
SHOWN_FIELDS = (
    "title",
    "host",
    "reported_by",
    "start",
    "end",
    "city",
    "country",
    "participants",
    "participants_qualifier",
    "topics",
    "same_as",
)

# The page shows the fields, the comparisons and their levels (stored in English, as the
# engine names them) in the current language.
FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "host": gettext_lazy("Host"),
    "reported_by": gettext_lazy("Reported by"),
    "start": gettext_lazy("Start"),
    "end": gettext_lazy("End"),
    "city": gettext_lazy("City"),
    "country": gettext_lazy("Country"),
    "participants": gettext_lazy("Participants"),
    "participants_qualifier": gettext_lazy("Participants qualifier"),
    "topics": gettext_lazy("Topics"),
    "same_as": gettext_lazy("Same event as"),
}
COMPARISON_LABELS = {
    "host": gettext_lazy("Host"),
    "start": gettext_lazy("Start"),
    "title": gettext_lazy("Title"),
    "topics": gettext_lazy("Topics"),
    "place": gettext_lazy("Place"),
    "participants": gettext_lazy("Participants"),
    "partners": gettext_lazy("Partners"),
    "length": gettext_lazy("Length"),
}
LEVEL_LABELS = {
    "same host": gettext_lazy("same host"),
    "other host": gettext_lazy("other host"),
    "same day": gettext_lazy("same day"),
    "same month (one gives only the month)": gettext_lazy("same month (one gives only the month)"),
    "dates differ": gettext_lazy("dates differ"),
    "same title": gettext_lazy("same title"),
    "similar title": gettext_lazy("similar title"),
    "loosely similar title": gettext_lazy("loosely similar title"),
    "different title": gettext_lazy("different title"),
    "same topics": gettext_lazy("same topics"),
    "a shared topic": gettext_lazy("a shared topic"),
    "no shared topic": gettext_lazy("no shared topic"),
    "same city": gettext_lazy("same city"),
    "same country, a city missing": gettext_lazy("same country, a city missing"),
    "same country, other city": gettext_lazy("same country, other city"),
    "other country": gettext_lazy("other country"),
    "same count": gettext_lazy("same count"),
    "within 10%": gettext_lazy("within 10%"),
    "within 30%": gettext_lazy("within 30%"),
    "counts differ": gettext_lazy("counts differ"),
    "compatible counts within 10%": gettext_lazy("compatible counts within 10%"),
    "two exact counts within 10%": gettext_lazy("two exact counts within 10%"),
    "counts within 30%": gettext_lazy("counts within 30%"),
    "compatible counts, far apart": gettext_lazy("compatible counts, far apart"),
    "counts exclude each other": gettext_lazy("counts exclude each other"),
    "a reporter is the other's partner": gettext_lazy("a reporter is the other's partner"),
    "a shared partner": gettext_lazy("a shared partner"),
    "no partner in common": gettext_lazy("no partner in common"),
    "same length": gettext_lazy("same length"),
    "lengths a day apart": gettext_lazy("lengths a day apart"),
    "lengths differ": gettext_lazy("lengths differ"),
}
WITHIN_DAYS = re.compile(r"within (\d+) days")


def _side_by_side(suggestion, inferrer: TopicInferrer | None = None) -> list[tuple]:
    """Each shown field: its label, both reports' values as the page shows them, and whether
    the stored values agree. A report without topics shows those linkage read in its title
    (marked so): the "why" table compares those, and "—" beside "a shared topic" misled."""
    record_type = RECORD_TYPES["training_event"]
    kept = snapshot(record_type, suggestion.kept)
    duplicate = snapshot(record_type, suggestion.duplicate)
    rows = []
    for name in SHOWN_FIELDS:
        left = _shown(name, kept.get(name), suggestion.kept)
        right = _shown(name, duplicate.get(name), suggestion.duplicate)
        same = kept.get(name) == duplicate.get(name)
        if name == "topics" and inferrer is not None:
            left_keys = _topic_keys(suggestion.kept, inferrer)
            right_keys = _topic_keys(suggestion.duplicate, inferrer)
            left = _inferred(left, suggestion.kept, inferrer)
            right = _inferred(right, suggestion.duplicate, inferrer)
            same = left_keys == right_keys
        rows.append((str(FIELD_LABELS.get(name, name)), left, right, same))
    return rows


def _topic_keys(event: TrainingEvent, inferrer: TopicInferrer) -> set[str]:
    """The topics linkage compares: the record's own, else those named in its title."""
    own = {topic.key for topic in event.topics.all()}
    return own or set(inferrer.infer(event.title or ""))


def _inferred(text: str, event: TrainingEvent, inferrer: TopicInferrer) -> str:
    if text != MISSING:
        return text
    keys = inferrer.infer(event.title or "")
    if not keys:
        return text
    names = {topic.key: localized(topic) for topic in Topic.objects.filter(key__in=keys)}
    shown = ", ".join(names.get(key, key) for key in keys)
    return _("%(topics)s (read from the title)") % {"topics": shown}


def probability_text(probability: float) -> str:
    """Splink's match probability, 2^w / (1 + 2^w) of the match weight w, as a percentage
    with the digits that tell it from certainty: at three decimals every pair above 10 bits
    read "1.000" (issue 16), though 10 bits is 1 chance in 1,000 of two events."""
    if probability >= 0.999999:
        return _("over 99.9999 %")
    gap = (1.0 - probability) * 100  # percentage points short of certainty
    digits = 1 if gap >= 1 else min(4, 1 + math.ceil(-math.log10(gap)))
    return f"{probability * 100:.{digits}f} %"


def _shown(name: str, value: object, event: TrainingEvent) -> str:
    """A snapshot value as text for a steward: institutions and topics by name, dates at their
    precision, countries and coded values by their labels, lists joined with commas, and
    ``MISSING`` (never "None" or "[]") for a value not given."""
    if name in ("host", "reported_by"):
        institution = getattr(event, name)
        text = localized(institution) if institution is not None else ""
    elif name == "topics":
        topics = sorted(event.topics.all(), key=lambda topic: topic.key)
        text = ", ".join(localized(topic) for topic in topics)
    elif name in ("start", "end"):
        text = format_partial_date(getattr(event, name), getattr(event, f"{name}_precision"))
    elif name == "country":
        text = country_name(value)  # type: ignore[arg-type]
    elif isinstance(value, list | tuple | set):
        text = ", ".join(str(item) for item in value)
    elif value is None:
        text = ""
    else:
        text = str(_choice_label(name, value))
    return text or MISSING


def _choice_label(name: str, value: object) -> object:
    """A coded value ("approximately") as its label in the current language."""
    choices = TrainingEvent._meta.get_field(name).choices
    if not choices or not isinstance(value, str):
        return value
    return str(dict(choices).get(value, value))


def _level_label(level: str) -> str:
    """A comparison level as the engine names it ("within 3 days", "host_id is NULL"), in the
    current language."""
    if level in LEVEL_LABELS:
        return str(LEVEL_LABELS[level])
    if match := WITHIN_DAYS.fullmatch(level):
        return _("within %(days)s days") % {"days": match[1]}
    if level.endswith(" is NULL"):
        return _("missing in one report or both")
    return level


def _comparisons(suggestion) -> list[tuple[str, str, float]]:
    return [
        (str(COMPARISON_LABELS.get(name, name)), _level_label(part["level"]), part["weight"])
        for name, part in suggestion.comparisons.items()
    ]


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require_steward(request)
    status = request.GET.get("status", SuggestionStatus.PENDING)
    if status not in SuggestionStatus.values:
        status = SuggestionStatus.PENDING
    # Grouped by event: a page holds whole groups (the kept report and every report suggested
    # as its duplicate), the groups with the strongest evidence first.
    suggestions = suggestion_queue(status)
    groups_by_weight = (
        suggestions.values("kept_id").annotate(top=Max("match_weight")).order_by("-top", "kept_id")
    )
    page = Paginator(groups_by_weight, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    kept_ids = [group["kept_id"] for group in page]
    inferrer = TopicInferrer(topic_vocabulary(request.user))
    grouped: dict[int, list[dict]] = {kept_id: [] for kept_id in kept_ids}
    for s in suggestions.filter(kept_id__in=kept_ids).order_by("-match_weight", "pk"):
        grouped[s.kept_id].append(
            {
                "suggestion": s,
                "probability": probability_text(s.match_probability),
                "rows": _side_by_side(s, inferrer),
                "comparisons": _comparisons(s),
            }
        )
    groups = [
        {"kept": items[0]["suggestion"].kept, "items": items} for items in grouped.values() if items
    ]
    return render(
        request,
        "linkage/queue.html",
        {
            "section": "linkage",
            "groups": groups,
            "page": page,
            "status": status,
            "statuses": SuggestionStatus.choices,
            "last_run": LinkRun.objects.first(),
            "bulk_form": BulkDecisionForm(initial={"action": "accept", "strength": "linked"}),
            "bulk_decisions": BulkDecision.objects.select_related("decided_by")[:5],
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, suggestion_id: int, decision: str) -> HttpResponse:
    _require_steward(request)
    action = {"accept": services.accept, "reject": services.reject, "undo": services.undo}.get(
        decision
    )
    if action is None:
        raise Http404(_("No such decision."))
    try:
        action(request.user, suggestion_id)
    except ContributionError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    else:
        done = {
            "accept": _("Merged: suggestion %(id)s is accepted."),
            "reject": _("Suggestion %(id)s is rejected: the reports stay apart."),
            "undo": _("The merge of suggestion %(id)s is undone."),
        }[decision]
        messages.success(request, done % {"id": suggestion_id})
    return redirect("linkage:queue")
