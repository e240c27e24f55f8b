"""The write API: every write endpoint through changesets, its refusals, tokens, CSRF, ETag /
If-Match / If-None-Match, Idempotency-Key and the changeset review endpoints."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.utils import timezone

from nscap.accounts.models import Affiliation, AuditEvent
from nscap.accounts.tokens import create_token, revoke_token
from nscap.activities.models import TrainingEvent
from nscap.contributions.models import Changeset, HistoryEntry
from nscap.institutions.models import TransparencyPolicy
from nscap.testing.factories import (
    make_claim,
    make_course,
    make_event,
    make_institution,
    make_source,
)

pytestmark = pytest.mark.django_db


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def inst_a():
    return make_institution(key="inst-a", name="Institution A")


@pytest.fixture
def inst_b():
    return make_institution(key="inst-b", name="Institution B")


def _member(django_user_model, username, institution, role="contributor"):
    user = django_user_model.objects.create_user(username, password="a-long-test-password")
    Affiliation.objects.create(user=user, institution=institution, role=role)
    return user


@pytest.fixture
def alice(django_user_model, inst_a):
    """A contributor of institution A."""
    return _member(django_user_model, "alice", inst_a)


@pytest.fixture
def bob(django_user_model, inst_b):
    """A contributor of institution B."""
    return _member(django_user_model, "bob", inst_b)


@pytest.fixture
def auto_a(inst_a):
    """Institution A publishes its contributors' changes to its own public records at once."""
    return TransparencyPolicy.objects.create(institution=inst_a, auto_approve_own_public=True)


class Api:
    """A JSON client for /api with an optional bearer token."""

    def __init__(self, token: str | None = None, client: Client | None = None):
        self.client = client or Client()
        self.token = token

    def _headers(self, headers: dict) -> dict:
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return headers

    def call(self, method: str, path: str, body=None, **headers):
        kwargs = {"headers": self._headers(headers)}
        if body is not None or method in ("POST", "PUT", "PATCH"):
            kwargs["data"] = body if isinstance(body, str) or body is None else json.dumps(body)
            kwargs["data"] = kwargs["data"] or ""
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method.lower())(f"/api{path}", **kwargs)

    def get(self, path, **headers):
        return self.call("GET", path, **headers)

    def post(self, path, body=None, **headers):
        return self.call("POST", path, body, **headers)

    def patch(self, path, body, **headers):
        return self.call("PATCH", path, body, **headers)

    def put(self, path, body, **headers):
        return self.call("PUT", path, body, **headers)

    def delete(self, path, **headers):
        return self.call("DELETE", path, **headers)


def api_for(user, scope="write") -> Api:
    return Api(create_token(user, "test", scope)[1])


def fields_of(response) -> set:
    return {error["field"] for error in response.json()["detail"]}


# --- payloads: one valid body per writable record type ----------------------------------------

PATHS = {
    "institution": "institutions",
    "milestone": "milestones",
    "course": "courses",
    "training_event": "events",
    "collaboration_claim": "collaboration-claims",
    "aggregate_claim": "aggregate-claims",
    "source": "sources",
}


def payload(record_type: str, owner: str, partner: str) -> tuple[dict, dict]:
    """(create body, patch body) for ``record_type`` about ``owner``."""
    return {
        "institution": (
            {"name": "New Center", "kind": "university", "country": "KR"},
            {"website": "https://example.org"},
        ),
        "milestone": (
            {"institution": owner, "kind": "established", "date": "2014-09"},
            {"date": "2015"},
        ),
        "course": ({"provider": owner, "title": "Insider threat basics"}, {"level": "advanced"}),
        "training_event": (
            {"host": owner, "title": "Regional PP course", "start": "2016-03", "country": "JP"},
            {"participants": 30},
        ),
        "collaboration_claim": (
            {"claimant": owner, "partner": partner, "type": "seminar"},
            {"status": "done"},
        ),
        "aggregate_claim": (
            {"claimant": owner, "description": "20 seminars for over 500 staff"},
            {"period_start": "2010", "period_end": "2012"},
        ),
        "source": ({"title": "Annual report 2015", "owner": owner}, {"publisher": "INSA"}),
    }[record_type]


# --- every write endpoint: create, patch, put, delete, each with a history row ----------------


@pytest.mark.parametrize("record_type", list(PATHS))
def test_steward_writes_every_record_type_and_each_write_is_in_history(
    record_type, steward, inst_a, inst_b
):
    api = api_for(steward)
    path = f"/{PATHS[record_type]}"
    create, patch = payload(record_type, inst_a.key, inst_b.key)

    created = api.post(path, create, Idempotency_Key=f"c-{record_type}")
    assert created.status_code == 201, created.json()
    result = created.json()
    key, version = result["key"], result["version"]
    assert result["changeset"]["status"] == "applied"
    assert result["changeset"]["origin"] == "api"
    assert created["ETag"] == f'W/"{key}-v{version}"'
    assert HistoryEntry.objects.filter(record_key=key, action__endswith=".create").count() == 1

    read = api.get(f"{path}/{key}")
    assert read.status_code == 200
    patched = api.patch(f"{path}/{key}", patch, If_Match=read["ETag"])
    assert patched.status_code == 200, patched.json()
    assert patched.json()["version"] == version + 1
    for name, value in patch.items():
        assert patched.json()["values"][name] == value
    assert HistoryEntry.objects.filter(record_key=key, action__endswith=".update").count() == 1

    put = api.put(f"{path}/{key}", create, If_Match=patched["ETag"])
    assert put.status_code == 200, put.json()
    for name in patch:  # PUT replaces the whole record: the patched fields are back to defaults
        assert put.json()["values"][name] != patch[name]

    deleted = api.delete(f"{path}/{key}", If_Match=put["ETag"])
    assert deleted.status_code == 200, deleted.json()
    assert deleted.json()["deleted"] is True
    assert HistoryEntry.objects.filter(record_key=key, action__endswith=".delete").count() == 1
    assert api.get(f"{path}/{key}").status_code == 404


# --- who may write ------------------------------------------------------------------------------


def test_visitor_write_is_401_and_audited(inst_a):
    response = Api().post("/events", {"host": inst_a.key, "title": "x"})
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]
    assert AuditEvent.objects.filter(action="api.refused", details__status=401).exists()
    assert not Changeset.objects.exists()


@pytest.mark.parametrize("method", ["POST", "PATCH", "PUT", "DELETE"])
def test_visitor_gets_401_on_every_write_method(method, inst_a):
    path = "/events" if method == "POST" else "/events/whatever"
    response = Api().call(method, path, {} if method != "DELETE" else None)
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("nscap_nothere_secret", "not known"),
        ("garbage", "malformed"),
    ],
)
def test_bad_token_is_401_on_reads_too_never_a_visitor(token, reason, inst_a):
    for response in (Api(token).get("/institutions"), Api(token).post("/events", {})):
        assert response.status_code == 401
        assert reason in response.json()["detail"]
    assert AuditEvent.objects.filter(action="api.refused", details__reason__endswith="token")


def test_wrong_authorization_scheme_is_401(inst_a):
    response = Api().get("/institutions", Authorization="Basic YWxpY2U6cHc=")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_revoked_and_expired_tokens_are_401(alice, inst_a):
    token, text = create_token(alice, "old", "write")
    revoke_token(token)
    response = Api(text).post("/events", {"title": "x"})
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    token, text = create_token(alice, "expired", "write")
    token.expires_at = timezone.now() - timedelta(seconds=1)
    token.save()
    response = Api(text).get("/institutions")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    assert AuditEvent.objects.filter(action="api.refused", details__reason="expired_token").exists()


def test_deactivated_users_token_is_401(alice, inst_a):
    api = api_for(alice)
    alice.is_active = False
    alice.save()
    assert api.get("/institutions").status_code == 401


def test_read_scope_token_reads_as_its_user_but_cannot_write(alice, inst_a):
    hidden = make_event(host=inst_a, sensitivity="restricted")
    api = api_for(alice, "read")
    assert Api().get(f"/events/{hidden.key}").status_code == 404  # visitors do not see it
    assert api.get(f"/events/{hidden.key}").status_code == 200  # the token's user does
    response = api.post("/events", {"title": "x"})
    assert response.status_code == 403
    assert "write scope" in response.json()["detail"]
    assert AuditEvent.objects.filter(
        action="api.refused", actor=alice, details__reason="read_scope_token"
    ).exists()
    assert not Changeset.objects.exists()


def test_signed_in_user_without_institution_is_403(django_user_model, inst_a):
    loner = django_user_model.objects.create_user("loner", password="a-long-test-password")
    response = api_for(loner).post("/events", {"host": inst_a.key, "title": "x"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="api.refused", details__status=403).exists()


def test_session_write_needs_csrf(alice, auto_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    body = json.dumps({"title": "Session event"})
    refused = client.post("/api/events", body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not Changeset.objects.exists()

    csrf = _get_new_csrf_string()  # what a page would have set in the cookie
    client.cookies["csrftoken"] = csrf
    accepted = client.post(
        "/api/events", body, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert accepted.status_code == 201, accepted.json()


def test_token_writes_need_no_csrf(alice, auto_a):
    client = Client(enforce_csrf_checks=True)
    api = Api(create_token(alice, "t", "write")[1], client=client)
    assert api.post("/events", {"title": "Token event"}).status_code == 201


# --- policy: applied at once or waiting for a steward -----------------------------------------


def test_contributor_write_waits_for_steward_without_auto_approve(alice, inst_a, steward):
    response = api_for(alice).post("/events", {"title": "Pending event"}, comment="please")
    assert response.status_code == 202
    changeset = response.json()
    assert changeset["status"] == "pending"
    assert response["Location"] == changeset["url"]
    assert not TrainingEvent.objects.filter(title="Pending event").exists()
    assert Changeset.objects.get(pk=changeset["id"]).comment == ""

    detail = api_for(steward).get(f"/changesets/{changeset['id']}").json()
    assert detail["changes"][0]["action"] == "create"
    assert {d["field"] for d in detail["changes"][0]["diff"]} >= {"title", "host"}

    approved = api_for(steward).post(f"/changesets/{changeset['id']}/approve", {"comment": "ok"})
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "applied"
    event = TrainingEvent.objects.get(title="Pending event")
    assert event.host == inst_a
    assert HistoryEntry.objects.filter(record_key=event.key, changeset_id=changeset["id"]).exists()


def test_comment_query_parameter_is_kept(alice, auto_a):
    response = api_for(alice).post("/events?comment=From%20our%20report", {"title": "E"})
    assert response.status_code == 201
    assert response.json()["changeset"]["comment"] == "From our report"


def test_contributor_create_with_auto_approve_is_applied_and_in_history(alice, auto_a):
    response = api_for(alice).post("/events", {"title": "Published at once", "start": "2016"})
    assert response.status_code == 201, response.json()
    key = response.json()["key"]
    assert response.json()["values"]["host"] == "inst-a"  # the server fills in the owner
    entry = HistoryEntry.objects.get(record_key=key)
    assert entry.actor == alice
    assert entry.action == "activities.training_event.create"
    assert entry.changeset.origin == "api"


# --- 422: every bad field by name ---------------------------------------------------------------


def test_422_names_each_bad_field(steward, inst_a):
    response = api_for(steward).post(
        "/events",
        {"host": inst_a.key, "start": "2016-13", "participants": -1, "delivery_mode": "telepathy"},
    )
    assert response.status_code == 422
    assert fields_of(response) >= {"title", "start", "participants", "delivery_mode"}
    assert all(error["change"] == 0 for error in response.json()["detail"])
    assert not Changeset.objects.exists()


def test_422_names_server_owned_and_unknown_fields(alice, auto_a):
    response = api_for(alice).post(
        "/events",
        {"title": "x", "id": 3, "version": 9, "author": "me", "confirmation": "x", "colour": 1},
    )
    assert response.status_code == 422
    detail = {error["field"]: error["message"] for error in response.json()["detail"]}
    for name in ("id", "version", "author", "confirmation"):
        assert "set by the server" in detail[name]
    assert "Unknown field 'colour'" in detail["colour"]


def test_422_for_a_claim_naming_no_partner_and_a_reversed_period(steward, inst_a):
    response = api_for(steward).post(
        "/collaboration-claims",
        {"claimant": inst_a.key, "type": "seminar", "start": "2015", "end": "2014"},
    )
    assert response.status_code == 422
    errors = {error["field"]: error["message"] for error in response.json()["detail"]}
    assert "name the partner" in errors["partner_text"]  # both at once (issue 16)
    assert errors["end"] == "end is before the start"


@pytest.mark.parametrize("body", ["not json", "[1, 2]", ""])
def test_422_when_the_body_is_not_a_json_object(body, steward):
    response = api_for(steward).call("POST", "/events", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] is None


def test_contributor_writing_for_another_institution_waits_for_a_steward(alice, inst_b, auto_a):
    """The same rule as the web forms and imports (contributions.rules): a report of another
    institution's event is a proposal, never applied at once."""
    response = api_for(alice).post("/events", {"host": inst_b.key, "title": "Theirs"})
    assert response.status_code == 202
    assert not TrainingEvent.objects.filter(title="Theirs").exists()


def test_contributor_cannot_move_or_change_the_sensitivity_of_others_records(
    alice, inst_a, inst_b, auto_a
):
    mine = make_event(host=inst_a)
    theirs = make_event(host=inst_b)
    api = api_for(alice)
    assert fields_of(api.patch(f"/events/{theirs.key}", {"host": inst_a.key})) == {"host"}
    response = api.patch(f"/events/{theirs.key}", {"sensitivity": "restricted"})
    assert fields_of(response) == {"sensitivity"}
    # moving one's own record to another institution is a proposal, never applied at once
    assert api.patch(f"/events/{mine.key}", {"host": inst_b.key}).status_code == 202
    # a correction to another institution's record is allowed, and waits for a steward
    assert api.patch(f"/events/{theirs.key}", {"city": "Seoul"}).status_code == 202


def test_contributor_of_two_institutions_must_name_one(django_user_model, inst_a, inst_b):
    both = _member(django_user_model, "both", inst_a)
    Affiliation.objects.create(user=both, institution=inst_b)
    response = api_for(both).post("/events", {"title": "Which host?"})
    assert response.status_code == 422
    assert fields_of(response) == {"host"}


def test_key_cannot_be_changed(steward, inst_a):
    event = make_event(host=inst_a)
    response = api_for(steward).patch(f"/events/{event.key}", {"key": "another-key"})
    assert response.status_code == 422
    assert fields_of(response) == {"key"}


def test_put_needs_the_whole_record(steward, inst_a):
    event = make_event(host=inst_a)
    response = api_for(steward).put(f"/events/{event.key}", {"city": "Tokai"})
    assert response.status_code == 422
    assert fields_of(response) >= {"host", "title"}


# --- 404, 409, 412 ------------------------------------------------------------------------------


def test_404_for_unknown_and_for_hidden_keys_alike(alice, inst_b):
    hidden = make_event(host=inst_b, sensitivity="restricted")
    api = api_for(alice)
    unknown = api.patch("/events/no-such-event", {"city": "x"})
    invisible = api.patch(f"/events/{hidden.key}", {"city": "x"})
    assert unknown.status_code == invisible.status_code == 404
    assert api.delete(f"/events/{hidden.key}").status_code == 404
    assert hidden.key in invisible.json()["detail"]  # says which key, not whether it exists


def test_if_match_mismatch_is_412_and_nothing_changes(steward, inst_a):
    event = make_event(host=inst_a, city="Tokai")
    api = api_for(steward)
    etag = api.get(f"/events/{event.key}")["ETag"]
    assert api.patch(f"/events/{event.key}", {"city": "Mito"}, If_Match=etag).status_code == 200
    stale = api.patch(f"/events/{event.key}", {"city": "Oarai"}, If_Match=etag)
    assert stale.status_code == 412
    assert "version" in stale.json()["detail"]
    assert api.delete(f"/events/{event.key}", If_Match=etag).status_code == 412
    assert api.put(f"/events/{event.key}", {"title": "t"}, If_Match='"nonsense"').status_code == 412
    event.refresh_from_db()
    assert event.city == "Mito"


def test_stale_changeset_approval_is_409(alice, inst_a, steward):
    event = make_event(host=inst_a, city="Tokai")
    pending = api_for(alice).patch(f"/events/{event.key}", {"city": "Mito"})
    assert pending.status_code == 202
    api = api_for(steward)
    assert api.patch(f"/events/{event.key}", {"city": "Oarai"}).status_code == 200
    conflict = api.post(f"/changesets/{pending.json()['id']}/approve")
    assert conflict.status_code == 409
    assert "changed since" in conflict.json()["detail"]
    event.refresh_from_db()
    assert event.city == "Oarai"


def test_review_refusals(alice, bob, inst_a, steward):
    pending = api_for(alice).post("/events", {"title": "Review me"}).json()
    path = f"/changesets/{pending['id']}"
    assert api_for(bob).post(f"{path}/approve").status_code == 403
    assert api_for(alice).post(f"{path}/approve").status_code == 403
    assert api_for(steward, "read").post(f"{path}/approve").status_code == 403
    assert Api().post(f"{path}/approve").status_code == 401
    assert api_for(steward).post("/changesets/999999/approve").status_code == 404
    missing_comment = api_for(steward).post(f"{path}/ask-for-more", {"comment": " "})
    assert missing_comment.status_code == 422
    asked = api_for(steward).post(f"{path}/ask-for-more", {"comment": "Cite a source"})
    assert asked.status_code == 200
    assert api_for(alice).get(path).json()["review_comment"] == "Cite a source"
    rejected = api_for(steward).post(f"{path}/reject", {"comment": "No source"})
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    again = api_for(steward).post(f"{path}/approve")
    assert again.status_code == 409
    assert not TrainingEvent.objects.filter(title="Review me").exists()


def test_review_body_refuses_unknown_fields(alice, inst_a, steward):
    pending = api_for(alice).post("/events", {"title": "Review me"}).json()
    response = api_for(steward).post(f"/changesets/{pending['id']}/approve", {"status": "x"})
    assert response.status_code == 422


# --- Idempotency-Key ----------------------------------------------------------------------------


def test_idempotent_retry_returns_the_first_answer_and_one_changeset(alice, auto_a):
    api = api_for(alice)
    first = api.post("/events", {"title": "Once"}, Idempotency_Key="retry-1")
    second = api.post("/events", {"title": "Once"}, Idempotency_Key="retry-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Changeset.objects.count() == 1
    assert TrainingEvent.objects.filter(title="Once").count() == 1


def test_idempotent_retry_of_a_pending_update_after_if_match(alice, inst_a):
    event = make_event(host=inst_a)
    api = api_for(alice)
    etag = api.get(f"/events/{event.key}")["ETag"]
    headers = {"Idempotency_Key": "upd-1", "If_Match": etag}
    first = api.patch(f"/events/{event.key}", {"city": "Tokai"}, **headers)
    second = api.patch(f"/events/{event.key}", {"city": "Tokai"}, **headers)
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"]
    assert Changeset.objects.count() == 1


def test_idempotency_key_reused_for_another_request_is_422(alice, auto_a):
    api = api_for(alice)
    api.post("/events", {"title": "One"}, Idempotency_Key="k")
    event = TrainingEvent.objects.get(title="One")
    response = api.delete(f"/events/{event.key}", Idempotency_Key="k")
    assert response.status_code == 422
    assert fields_of(response) == {"Idempotency-Key"}


def test_same_idempotency_key_from_two_users_makes_two_changesets(alice, bob, auto_a):
    TransparencyPolicy.objects.create(institution=bob.affiliations.get().institution)
    api_for(alice).post("/events", {"title": "A"}, Idempotency_Key="same")
    api_for(bob).post("/events", {"title": "B"}, Idempotency_Key="same")
    assert Changeset.objects.count() == 2


# --- ETag and If-None-Match on reads ------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "factory"),
    [
        ("events", lambda: make_event()),
        ("courses", lambda: make_course()),
        ("collaboration-claims", lambda: make_claim()),
        ("sources", lambda: make_source()),
        ("institutions", lambda: make_institution()),
    ],
)
def test_detail_reads_have_an_etag_and_answer_304(path, factory):
    record = factory()
    client = Client()
    first = client.get(f"/api/{path}/{record.key}")
    etag = first["ETag"]
    assert etag.startswith(f'W/"{record.key}-v{record.version}-')
    again = client.get(f"/api/{path}/{record.key}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    other = client.get(f"/api/{path}/{record.key}", headers={"If-None-Match": 'W/"x-v1"'})
    assert other.status_code == 200


def test_etag_changes_with_the_record_and_with_nested_records(steward, inst_a):
    api = api_for(steward)
    before = api.get(f"/institutions/{inst_a.key}")["ETag"]
    api.post("/milestones", {"institution": inst_a.key, "kind": "established", "date": "2014"})
    nested = api.get(f"/institutions/{inst_a.key}", If_None_Match=before)
    assert nested.status_code == 200  # the institution's version is the same, its body is not
    assert nested["ETag"] != before
    api.patch(f"/institutions/{inst_a.key}", {"website": "https://a.example"})
    assert api.get(f"/institutions/{inst_a.key}")["ETag"].startswith(f'W/"{inst_a.key}-v2-')


def test_etag_differs_by_viewer_when_they_see_different_things(alice, inst_a):
    event = make_event(host=inst_a)
    partner = make_institution(sensitivity="restricted", name="Canary Partner")
    Affiliation.objects.create(user=alice, institution=partner)  # alice may see it
    event.partners.create(institution=partner, role="funder")
    visitor = Client().get(f"/api/events/{event.key}")
    member = api_for(alice).get(f"/events/{event.key}")
    assert b"Canary Partner" in member.content
    assert b"Canary Partner" not in visitor.content
    assert visitor["ETag"] != member["ETag"]
    # the visitor's ETag cannot fetch a 304 for the member's body
    again = api_for(alice).get(f"/events/{event.key}", If_None_Match=visitor["ETag"])
    assert again.status_code == 200


def test_lists_have_no_etag():
    make_event()
    assert "ETag" not in Client().get("/api/events")


# --- changesets ---------------------------------------------------------------------------------


def test_changeset_list_shows_own_and_stewards_see_all(alice, bob, inst_a, inst_b, steward):
    api_for(alice).post("/events", {"title": "A's"})
    api_for(bob).post("/events", {"title": "B's"})
    own = api_for(alice).get("/changesets").json()
    assert own["count"] == 1
    assert own["items"][0]["author"] == "alice"
    bobs_id = Changeset.objects.get(author=bob).pk
    assert api_for(alice).get(f"/changesets/{bobs_id}").status_code == 404
    assert api_for(steward).get("/changesets").json()["count"] == 2
    assert api_for(steward).get("/changesets?status=applied").json()["count"] == 0
    assert api_for(steward).get("/changesets?status=pending").json()["count"] == 2
    assert api_for(steward).get("/changesets?status=nonsense").status_code == 400
    assert Api().get("/changesets").status_code == 401


def test_changesets_that_cite_no_source_are_flagged_and_filtered(alice, inst_a, steward):
    """Issue 14: every fact should cite a source; one that cites none is flagged, not refused."""
    made = api_for(alice).post("/events", {"title": "A's"}).json()
    assert made["unsourced"] is True
    api_for(steward).post("/sources", {"title": "Annual report"})  # a source cites itself
    listed = api_for(steward).get("/changesets?unsourced=true").json()
    assert [c["id"] for c in listed["items"]] == [made["id"]]
    assert api_for(steward).get("/changesets?unsourced=false").json()["count"] == 1


def test_openapi_documents_writes_and_bodies(client):
    schema = client.get("/api/schema").json()
    post = schema["paths"]["/api/events"]["post"]
    ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/TrainingEventInput")
    components = schema["components"]["schemas"]
    assert "title" in components["TrainingEventInput"]["required"]
    assert "required" not in components["TrainingEventInputPatch"]
    assert {"201", "202", "401", "403", "404", "409", "412", "422"} <= set(post["responses"])
    assert {} in schema["paths"]["/api/events"]["get"]["security"]  # reads are open
    assert {} not in post["security"]
