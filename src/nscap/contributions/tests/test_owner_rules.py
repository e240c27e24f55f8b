"""The write rules of issue 12 (findings 1, 7, 15, 16, 17), through every write path.

The class guard: each forbidden change — re-pointing a record's owner, changing the sensitivity
of another institution's record, deleting another's record, linking to a record the author may
not see — runs through the write API, the web forms and the spreadsheet import, and must be
refused or queued for a steward, never applied, with history unchanged. A second test proves
that each path reaches the one rule in ``contributions.rules`` (no path has its own copy).

The attacker is a contributor of A, whose policy publishes its own public records without
review (``testing.roles``); the victim is B.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.forms import MultipleChoiceField
from django.test import Client

from nscap.accounts.choices import TokenScope
from nscap.accounts.tokens import create_token
from nscap.activities.models import Course, TrainingEvent
from nscap.contributions import rules, services
from nscap.contributions.choices import ChangesetStatus
from nscap.contributions.errors import Invalid
from nscap.contributions.forms import FORMS
from nscap.contributions.models import Changeset, HistoryEntry
from nscap.contributions.record_types import RECORD_TYPES, snapshot
from nscap.contributions.services import ProposedChange
from nscap.institutions.models import TransparencyPolicy
from nscap.interchange.importer import run_import
from nscap.testing.factories import make_course, make_event, make_institution
from nscap.testing.roles import Cast, make_cast

pytestmark = pytest.mark.django_db

API_PATHS = {"training_event": "events", "course": "courses"}
REFUSED, QUEUED = "refused", "queued"


@dataclass
class Scene:
    cast: Cast
    attacker: Any
    hidden_institution: Any
    hidden_course: Any
    keys: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def scene() -> Scene:
    """B's public event and course (the victims), B's restricted course and a restricted
    institution (hidden from A's contributor), A's own public event."""
    cast = make_cast()
    hidden_institution = make_institution(
        key="hidden-inst", name="Hidden Institute", sensitivity="restricted"
    )
    hidden_course = make_course(
        key="hidden-course", title="Restricted course", provider=cast.b, sensitivity="restricted"
    )
    make_event(key="victim-event", title="B's public event", host=cast.b)
    make_course(key="victim-course", title="B's public course", provider=cast.b)
    make_event(key="own-event", title="A's public event", host=cast.a)
    return Scene(cast, cast.user("contributor_a"), hidden_institution, hidden_course)


# --- the forbidden changes ------------------------------------------------------------------


@dataclass(frozen=True)
class Forbidden:
    name: str
    action: str
    record_type: str
    key: str | None
    values: dict
    outcome: str  # REFUSED: nothing is written; QUEUED: it waits for a steward
    paths: tuple[str, ...] = ("api", "web", "import")


FORBIDDEN = [
    Forbidden("repoint-event-host", "update", "training_event", "victim-event",
              {"host": "inst-a"}, REFUSED),
    Forbidden("repoint-course-provider", "update", "course", "victim-course",
              {"provider": "inst-a"}, REFUSED),
    Forbidden("give-own-event-away", "update", "training_event", "own-event",
              {"host": "inst-b"}, QUEUED),
    Forbidden("sensitivity-of-another", "update", "training_event", "victim-event",
              {"sensitivity": "restricted"}, REFUSED),
    Forbidden("delete-another", "delete", "training_event", "victim-event", {}, QUEUED,
              ("api", "web")),  # imports create and update only
    Forbidden("link-hidden-course", "update", "training_event", "own-event",
              {"course": "hidden-course"}, REFUSED),
    Forbidden("link-hidden-course-of-anothers-event", "update", "training_event",
              "victim-event", {"course": "hidden-course"}, REFUSED),  # queued, then approved
    Forbidden("link-hidden-partner", "update", "training_event", "own-event",
              {"partners": [{"institution": "hidden-inst", "role": "funder"}]}, REFUSED,
              ("api", "import")),  # the web form has no partners field
    Forbidden("create-linking-hidden-course", "create", "training_event", None,
              {"key": "new-event", "host": "inst-a", "title": "New", "course": "hidden-course"},
              REFUSED),
]  # fmt: skip
CASES = [(f, path) for f in FORBIDDEN for path in f.paths]


def _state() -> dict:
    """Every event and course as stored, and the history: what a forbidden change must leave."""
    return {
        "events": {e.key: snapshot(RECORD_TYPES["training_event"], e) for e in
                   TrainingEvent.objects.all()},
        "courses": {c.key: snapshot(RECORD_TYPES["course"], c) for c in Course.objects.all()},
        "history": HistoryEntry.objects.count(),
    }  # fmt: skip


def _through_api(scene: Scene, case: Forbidden):
    token = create_token(scene.attacker, "attack", TokenScope.WRITE)[1]
    client = Client(headers={"authorization": f"Bearer {token}"})
    path = f"/api/{API_PATHS[case.record_type]}"
    if case.action == "create":
        return client.post(path, case.values, content_type="application/json")
    if case.action == "delete":
        return client.delete(f"{path}/{case.key}")
    return client.patch(f"{path}/{case.key}", case.values, content_type="application/json")


def form_data(record_type: str, instance: Any | None, values: dict) -> dict:
    """What the record's web form posts: its current values with ``values`` changed."""
    current = snapshot(RECORD_TYPES[record_type], instance) if instance is not None else {}
    merged = {**current, **values}
    data: dict[str, Any] = {}
    for name, form_field in FORMS[record_type].base_fields.items():
        value = merged.get(name)
        if value is None and isinstance(form_field, MultipleChoiceField):
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        data[name] = "" if value is None else value
    if instance is not None:
        data["base_version"] = instance.version
    data.setdefault("delivery_mode", "unknown")
    data["delivery_mode"] = data["delivery_mode"] or "unknown"
    data["participants_qualifier"] = data.get("participants_qualifier") or "exact"
    return data


def _through_web(scene: Scene, case: Forbidden):
    client = Client()
    client.force_login(scene.attacker)
    model = RECORD_TYPES[case.record_type].model
    if case.action == "create":
        return client.post(
            f"/contribute/{case.record_type}/new/", form_data(case.record_type, None, case.values)
        )
    instance = model.objects.get(key=case.key)
    data = form_data(case.record_type, instance, case.values)
    if case.action == "delete":
        data["delete"] = "1"
    return client.post(f"/contribute/{case.record_type}/{case.key}/edit/", data)


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return ";".join(f"{p['institution']} ({p['role']})" for p in value)
    return str(value)


def _through_import(scene: Scene, case: Forbidden):
    values = {"key": case.key, **case.values} if case.key else dict(case.values)
    header = ",".join(values)
    row = ",".join(_cell(v) for v in values.values())
    data = f"{header}\r\n{row}\r\n".encode()
    return run_import(scene.attacker, f"{case.record_type}.csv", data)


PATHS = {"api": _through_api, "web": _through_web, "import": _through_import}


@pytest.mark.parametrize(("case", "path"), CASES, ids=lambda c: getattr(c, "name", c))
def test_forbidden_changes_are_never_applied(scene: Scene, case: Forbidden, path: str):
    before, newest = _state(), Changeset.objects.order_by("-pk").values_list("pk", flat=True)
    newest = newest.first() or 0
    PATHS[path](scene, case)
    made = list(Changeset.objects.filter(pk__gt=newest))
    assert _state() == before, f"{case.name} through {path} changed the registry"
    assert all(c.status != ChangesetStatus.APPLIED for c in made)
    if case.outcome == REFUSED:
        assert made == [], f"{case.name} through {path} was queued, not refused"
    else:
        assert [c.status for c in made] == [ChangesetStatus.PENDING]


def test_the_takeover_of_the_report_is_refused_and_the_delete_that_followed_waits(scene):
    """The reproduction of finding 1: re-point B's event to A (auto-approved), then delete it."""
    token = create_token(scene.attacker, "attack", TokenScope.WRITE)[1]
    client = Client(headers={"authorization": f"Bearer {token}"})
    response = client.patch(
        "/api/events/victim-event", {"host": "inst-a"}, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["field"] == "host"
    assert TrainingEvent.objects.get(key="victim-event").host == scene.cast.b
    response = client.delete("/api/events/victim-event")
    assert response.status_code == 202
    assert TrainingEvent.objects.filter(key="victim-event").exists()


# --- one rule, reached by every path ----------------------------------------------------------


def _message(response_or_result: Any) -> str:
    if hasattr(response_or_result, "plan"):
        return " ".join(e.message for e in response_or_result.plan.errors)
    if response_or_result["content-type"].startswith("application/json"):
        return json.dumps(response_or_result.json(), ensure_ascii=False)
    return response_or_result.content.decode()


@pytest.mark.parametrize("path", ["api", "web", "import"])
def test_each_path_reaches_the_one_owner_rule(scene, monkeypatch, path):
    """The refusal comes from ``rules.owner_refusals`` (a spy that calls through records the
    call), and each path shows that rule's own words."""
    calls = []
    real = rules.owner_refusals

    def spy(*args: Any, **kwargs: Any):
        found = real(*args, **kwargs)
        calls.append(found)
        return found

    monkeypatch.setattr(rules, "owner_refusals", spy)
    case = FORBIDDEN[0]
    answer = PATHS[path](scene, case)
    assert calls and calls[-1], f"{path} did not reach rules.owner_refusals"
    expected = calls[-1][0]["message"]
    shown = _message(answer)
    assert expected.replace("'", "&#x27;") in shown or expected in shown, shown


def test_the_api_has_no_owner_rule_of_its_own():
    from nscap.contributions import api

    assert not hasattr(api, "_check_owner")


# --- finding 1: auto-apply needs the author's institution before and after ------------------


def test_an_owner_change_between_own_institutions_waits_for_a_steward(scene):
    """Moving an event between two of the author's institutions is allowed, never at once."""
    second = make_institution(key="inst-a2", name="A's second campus")
    TransparencyPolicy.objects.create(institution=second, auto_approve_own_public=True)
    from nscap.accounts.models import Affiliation

    Affiliation.objects.create(user=scene.attacker, institution=second, role="contributor")
    scene.attacker.__dict__.pop("_nscap_viewer_institutions", None)
    changeset = services.propose(
        scene.attacker,
        [ProposedChange("update", "training_event", key="own-event", values={"host": "inst-a2"})],
    )
    assert changeset.status == ChangesetStatus.PENDING
    assert TrainingEvent.objects.get(key="own-event").host == scene.cast.a


def test_own_sensitivity_change_waits_and_others_is_refused(scene):
    own = services.propose(
        scene.attacker,
        [ProposedChange("update", "training_event", key="own-event",
                        values={"sensitivity": "network"})],
    )  # fmt: skip
    assert own.status == ChangesetStatus.PENDING
    with pytest.raises(Invalid) as refused:
        services.propose(
            scene.cast.user("contributor_b"),
            [ProposedChange("update", "training_event", key="own-event",
                            values={"sensitivity": "restricted"})],
        )  # fmt: skip
    assert refused.value.errors[0]["field"] == "sensitivity"


def test_own_public_edit_still_applies_at_once(scene):
    changeset = services.propose(
        scene.attacker,
        [ProposedChange("update", "training_event", key="own-event", values={"note": "fixed"})],
    )
    assert changeset.status == ChangesetStatus.APPLIED
    assert TrainingEvent.objects.get(key="own-event").note == "fixed"


def test_stewards_change_owner_and_sensitivity_at_once(scene):
    changeset = services.propose(
        scene.cast.user("steward"),
        [ProposedChange("update", "training_event", key="victim-event",
                        values={"host": "inst-a", "sensitivity": "network"})],
    )  # fmt: skip
    assert changeset.status == ChangesetStatus.APPLIED
    assert TrainingEvent.objects.get(key="victim-event").host == scene.cast.a


def test_a_new_record_for_another_institution_waits_on_every_path(scene):
    """A report of an event another institution hosted is crowd-sourcing, not a takeover."""
    api = _api(scene).post(
        "/api/courses", {"title": "X", "provider": "inst-b"}, content_type="application/json"
    )
    assert api.status_code == 202, api.content
    web = Client()
    web.force_login(scene.attacker)
    data = form_data("course", None, {"title": "Y", "provider": "inst-b", "kind": "training",
                                      "level": "basic", "sensitivity": "public"})  # fmt: skip
    assert web.post("/contribute/course/new/", data).status_code == 302
    result = run_import(scene.attacker, "course.csv", b"key,provider,title\r\nz,inst-b,Z\r\n")
    assert result.changeset is not None, result.plan.errors
    statuses = Changeset.objects.filter(author=scene.attacker).values_list("status", flat=True)
    assert list(statuses) == [ChangesetStatus.PENDING] * 3
    assert not Course.objects.filter(provider=scene.cast.b, title__in="XYZ").exists()


def test_corrections_to_anothers_record_wait_for_a_steward(scene):
    changeset = services.propose(
        scene.attacker,
        [ProposedChange("update", "training_event", key="victim-event", values={"note": "typo"})],
    )
    assert changeset.status == ChangesetStatus.PENDING


# --- finding 7: links the author cannot see are kept, never echoed ----------------------------


@pytest.fixture
def linked(scene):
    """A's own public event that links to records A's contributor may not see."""
    from nscap.activities.models import EventPartner

    event = make_event(
        key="linked-event", title="A's linked event", host=scene.cast.a, course=scene.hidden_course
    )
    EventPartner.objects.create(event=event, institution=scene.hidden_institution, role="funder")
    EventPartner.objects.create(event=event, institution=scene.cast.c, role="co_organiser")
    return event


def _links(key: str) -> tuple:
    event = TrainingEvent.objects.get(key=key)
    partners = sorted(event.partners.values_list("institution__key", "role"))
    return event.course.key if event.course else None, partners


def _api(scene) -> Client:
    token = create_token(scene.attacker, "edit", TokenScope.WRITE)[1]
    return Client(headers={"authorization": f"Bearer {token}"})


HIDDEN_KEYS = ("hidden-inst", "hidden-course")
KEPT = ("hidden-course", [("hidden-inst", "funder"), ("inst-c", "co_organiser")])


@pytest.mark.parametrize("method", ["patch", "put"])
def test_editing_own_event_as_read_keeps_hidden_links(scene, linked, method):
    """The record as the author reads it (hidden links redacted: null, left out) goes back
    and is applied; the hidden links are still there."""
    body = {
        "title": "A's linked event, renamed",
        "host": "inst-a",
        "course": None,
        "partners": [{"institution": "inst-c", "role": "co_organiser"}],
    }
    response = getattr(_api(scene), method)(
        "/api/events/linked-event", body, content_type="application/json"
    )
    assert response.status_code == 200, response.content  # (its redaction: finding 4)
    assert _links("linked-event") == KEPT
    assert TrainingEvent.objects.get(key="linked-event").title == "A's linked event, renamed"


def test_editing_own_event_on_the_web_keeps_hidden_links(scene, linked):
    client = Client()
    client.force_login(scene.attacker)
    data = form_data("training_event", linked, {"course": "", "note": "web edit"})
    response = client.post("/contribute/training_event/linked-event/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _links("linked-event") == KEPT
    assert TrainingEvent.objects.get(key="linked-event").note == "web edit"


def test_removing_a_visible_partner_keeps_the_hidden_one(scene, linked):
    response = _api(scene).patch(
        "/api/events/linked-event", {"partners": []}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert _links("linked-event") == ("hidden-course", [("hidden-inst", "funder")])


def test_errors_on_an_event_with_hidden_links_never_name_them(scene, linked):
    """A bad new value is named; the hidden links beside it are not (they were, when the write
    resolved every link of the record as the author sees it)."""
    for body in (
        {"reported_by": "nope"},
        {"title": "", "partners": [{"institution": "nope", "role": "funder"}]},
    ):
        response = _api(scene).patch(
            "/api/events/linked-event", body, content_type="application/json"
        )
        assert response.status_code == 422
        assert not any(key in response.content.decode() for key in HIDDEN_KEYS), body
    assert _links("linked-event") == KEPT


def test_a_visible_course_replaces_a_hidden_one_the_author_cannot_see(scene, linked):
    """A new link the author names is theirs to set; the hidden one it replaces is not echoed."""
    make_course(key="open-course", title="Open course", provider=scene.cast.a)
    response = _api(scene).patch(
        "/api/events/linked-event", {"course": "open-course"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert _links("linked-event")[0] == "open-course"


# --- finding 16: a new link to a hidden record reads as a link to nothing --------------------


@pytest.mark.parametrize(
    ("field_name", "hidden", "values"),
    [
        ("course", "hidden-course", {"course": "{key}"}),
        ("partners", "hidden-inst", {"partners": [{"institution": "{key}", "role": "funder"}]}),
        ("reported_by", "hidden-inst", {"reported_by": "{key}"}),
    ],
)
def test_hidden_and_missing_references_are_refused_alike(scene, field_name, hidden, values):
    """On another institution's event, so that nothing but the proposal-time rule refuses it
    (it used to wait, and a steward's approval applied it)."""

    def answer(key: str) -> list[dict]:
        filled = json.loads(json.dumps(values).replace("{key}", key))
        with pytest.raises(Invalid) as refused:
            services.propose(
                scene.attacker,
                [ProposedChange("update", "training_event", key="victim-event", values=filled)],
            )
        return refused.value.errors

    hidden_errors, missing_errors = answer(hidden), answer("no-such-key")
    assert [e["field"] for e in hidden_errors] == [field_name]
    assert json.dumps(hidden_errors).replace(hidden, "K") == json.dumps(missing_errors).replace(
        "no-such-key", "K"
    )


def test_a_steward_approving_does_not_launder_a_hidden_reference(scene):
    """Refused when proposed, so no steward ever applies it with their wider view."""
    with pytest.raises(Invalid):
        services.propose(
            scene.cast.user("contributor_b"),
            [ProposedChange("update", "training_event", key="victim-event",
                            values={"partners": [{"institution": "hidden-inst",
                                                  "role": "funder"}]})],
        )  # fmt: skip
    assert not Changeset.objects.filter(author=scene.cast.user("contributor_b")).exists()


# --- finding 15: a taken key answers the same whether its record is hidden or not -------------


def test_a_taken_key_answers_alike_for_visible_and_hidden_records(scene):
    make_event(key="hidden-event", title="B's restricted", host=scene.cast.b,
               sensitivity="restricted")  # fmt: skip
    client = _api(scene)

    def create(key: str) -> dict:
        response = client.post(
            "/api/events", {"key": key, "title": "Mine"}, content_type="application/json"
        )
        assert response.status_code == 422
        return response.json()

    hidden, visible = create("hidden-event"), create("victim-event")
    assert json.dumps(hidden).replace("hidden-event", "K") == json.dumps(visible).replace(
        "victim-event", "K"
    )
    assert "exists" not in json.dumps(hidden)
    assert rules.key_not_available("hidden-event") in hidden["detail"][0]["message"]


def test_the_import_answers_a_hidden_key_with_the_same_words(scene):
    make_event(key="hidden-event", title="B's restricted", host=scene.cast.b,
               sensitivity="restricted")  # fmt: skip
    result = run_import(
        scene.attacker, "training_event.csv", b"key,host,title\r\nhidden-event,inst-a,Mine\r\n"
    )
    assert [e.message for e in result.plan.errors] == [rules.key_not_available("hidden-event")]


def test_a_revert_proposes_only_the_links_its_author_may_see(scene: Scene):
    """A steward took a hidden partner off A's event; A's contributor reverts an earlier change
    whose old values name that partner. The revert goes through without naming it (no error
    that echoes a hidden key from history) and sets back what the contributor may see."""
    steward = scene.cast.user("steward")
    TransparencyPolicy.objects.update_or_create(
        institution=scene.cast.a, defaults={"auto_approve_own_public": False}
    )
    services.propose(
        steward,
        [ProposedChange("update", "training_event", key="own-event", values={
            "title": "Renamed", "partners": [{"institution": "hidden-inst", "role": "funder"}]})],
    )  # fmt: skip
    services.propose(
        steward,
        [ProposedChange("update", "training_event", key="own-event", values={"partners": []})],
    )
    renamed = HistoryEntry.objects.filter(record_key="own-event").order_by("id").first()
    assert renamed.before["title"] == "A's public event"
    later = HistoryEntry.objects.filter(record_key="own-event").order_by("id").last()
    assert later.before["partners"][0]["institution"] == "hidden-inst"

    changeset = services.revert(scene.attacker, later)

    proposed = changeset.changes.get().data
    assert "hidden-inst" not in json.dumps(proposed)
    assert changeset.status == ChangesetStatus.PENDING


@pytest.mark.parametrize(
    ("author", "outcome"), [("contributor_a", QUEUED), ("contributor_b", REFUSED)]
)
def test_the_reporter_of_an_unreconciled_event_settles_its_host_and_it_waits(
    scene: Scene, author: str, outcome: str
):
    """An event whose host name is not reconciled is owned by its reporter (A), as in the read
    filter: A's member may name the host (a steward reviews it); B's may not."""
    make_event(key="unhosted", title="NSSC course", host=None, host_text="NSSC",
               reported_by=scene.cast.a)  # fmt: skip
    change = ProposedChange("update", "training_event", key="unhosted", values={"host": "inst-b"})
    if outcome == REFUSED:
        with pytest.raises(Invalid) as refused:
            services.propose(scene.cast.user(author), [change])
        assert refused.value.errors[0]["field"] == "host"
    else:
        changeset = services.propose(scene.cast.user(author), [change])
        assert changeset.status == ChangesetStatus.PENDING
    assert TrainingEvent.objects.get(key="unhosted").host_id is None


def test_raw_text_that_no_key_can_be_is_a_field_error_not_a_database_error(scene: Scene):
    """Links and keys are looked up before the schema has checked them: text no key can be (a
    NUL byte, which PostgreSQL refuses in a query) is answered by the schema, by field."""
    client = Client()
    client.force_login(scene.attacker)
    body = {
        "key": "bad\u0000key",
        "title": "An event",
        "host": "inst-a",
        "course": "no\u0000course",
        "partners": [{"institution": "\u00f7\u0000", "role": "funder"}],
    }
    response = client.post("/api/events", body, content_type="application/json")
    assert response.status_code == 422, response.content
    fields = {error["field"] for error in response.json()["detail"]}
    assert "key" in fields
    assert not TrainingEvent.objects.filter(title="An event").exists()
