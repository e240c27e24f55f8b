"""The inbox, its badge, its API and who is told what: only one's own notifications, and in
them only what one may see (issue 16, finding 3)."""

from __future__ import annotations

import pytest
from django.core import mail

from nscap.collaboration.models import CollaborationClaim
from nscap.contributions import confirmation, services
from nscap.contributions.choices import ChangesetStatus
from nscap.notifications import services as notifications
from nscap.notifications.choices import NotificationKind
from nscap.notifications.models import Notification
from nscap.reconciliation.intake import PlannedMention, record_mentions
from nscap.testing.factories import make_event
from nscap.testing.roles import PASSWORD, make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return make_cast()


def _claim(cast, sensitivity: str = "public"):
    """A's contributor claims to work with B (applied at once when public: A's policy)."""
    return services.propose(
        cast.user("contributor_a"),
        [
            services.ProposedChange(
                "create",
                "collaboration_claim",
                values={
                    "claimant": cast.a.key,
                    "partner": cast.b.key,
                    "type": "seminar",
                    "sensitivity": sensitivity,
                },
            )
        ],
    )


def _notice(cast, role: str = "contributor_b") -> Notification:
    return Notification.objects.create(
        recipient=cast.user(role),
        kind=NotificationKind.REJECTED,
        params={"changeset": 7, "comment": "no"},
        url="/contribute/changesets/7/",
    )


def test_another_user_gets_404_on_someone_elses_notification(client, cast):
    notice = _notice(cast)
    for role in ("contributor_a", "steward", "admin_a"):
        client.force_login(cast.user(role))
        assert client.get(f"/inbox/{notice.pk}/").status_code == 404
        assert client.post(f"/api/notifications/{notice.pk}/read").status_code == 404
        listed = client.get("/api/notifications").json()
        assert listed["count"] == 0 and listed["items"] == []
        assert "Changeset 7 was rejected" not in client.get("/inbox/").content.decode()
    notice.refresh_from_db()
    assert notice.read_at is None  # nobody else's look marked it read
    client.logout()
    assert client.get("/inbox/").status_code == 302  # to sign in
    assert client.get("/api/notifications").status_code == 401
    client.force_login(cast.user("contributor_b"))
    page = client.get(f"/inbox/{notice.pk}/").content.decode()
    assert "Changeset 7 was rejected" in page and 'href="/contribute/changesets/7/"' in page
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_the_badge_counts_unread_and_the_api_marks_read(client, cast):
    first, _second = _notice(cast), _notice(cast)
    client.force_login(cast.user("contributor_b"))
    home = client.get("/").content.decode()
    assert 'id="inbox-badge">2<' in home
    listed = client.get("/api/notifications?unread=true").json()
    assert (
        listed["unread"] == 2 and [i["kind"] for i in listed["items"]] == ["changeset_rejected"] * 2
    )
    assert listed["items"][0]["title"] == "Changeset 7 was rejected"
    read = client.post(f"/api/notifications/{first.pk}/read").json()
    assert read["read_at"] is not None
    assert 'id="inbox-badge">1<' in client.get("/").content.decode()
    assert client.post("/api/notifications/read-all").json() == {"marked": 1}
    assert 'id="inbox-badge"' not in client.get("/").content.decode()
    assert client.get("/api/notifications?unread=true").json()["count"] == 0
    assert client.get("/api/notifications?unread=maybe").status_code in (400, 422)
    assert client.get("/api/notifications?page=2").status_code == 400


def test_the_api_needs_a_write_token_to_mark_read(client, cast):
    notice = _notice(cast)
    token = cast.write_tokens["contributor_b"]
    other = cast.write_tokens["contributor_a"]
    url = f"/api/notifications/{notice.pk}/read"
    assert client.post(url, HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404
    assert client.post(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_sign_in_lands_on_what_waits(client, cast):
    def sign_in(role: str, next_url: str = "") -> str:
        client.logout()
        data = {"username": cast.user(role).username, "password": PASSWORD}
        if next_url:
            data["next"] = next_url
        response = client.post("/accounts/sign-in/", data)
        assert response.status_code == 302
        return response["Location"]

    assert sign_in("contributor_b") == "/contribute/"
    assert sign_in("steward") in ("/contribute/queue/", "/accounts/two-factor/")
    _notice(cast)
    assert sign_in("contributor_b") == "/inbox/"
    assert sign_in("contributor_b", "/institutions/") == "/institutions/"
    assert sign_in("contributor_b", "https://evil.example/") == "/inbox/"


def test_a_claim_about_a_partner_asks_its_members_and_tells_only_what_they_see(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        applied = _claim(cast)
    assert applied.status == ChangesetStatus.APPLIED
    (notice,) = Notification.objects.all()
    assert notice.recipient == cast.user("contributor_b")
    assert notice.kind == NotificationKind.CONFIRMATION_REQUESTED
    assert notice.params == {"count": 1, "claimants": [cast.a.name]}
    assert mail.outbox[0].to == [cast.user("contributor_b").email]
    # A restricted claim about B: B's members may not see it, so they are told nothing.
    waiting = _claim(cast, sensitivity="restricted")
    services.approve(cast.user("steward"), waiting.pk)
    hidden = CollaborationClaim.objects.get(sensitivity="restricted")
    assert (
        not CollaborationClaim.objects.visible_to(cast.user("contributor_b"))
        .filter(pk=hidden.pk)
        .exists()
    )
    assert Notification.objects.filter(kind=NotificationKind.CONFIRMATION_REQUESTED).count() == 1
    kinds = set(Notification.objects.values_list("recipient__username", "kind"))
    assert (cast.user("contributor_a").username, NotificationKind.APPROVED) in kinds


def test_a_dispute_tells_the_claimants_members_why(cast):
    _claim(cast)
    claim = CollaborationClaim.objects.get()
    confirmation.answer_claim(
        cast.user("contributor_b"), claim.key, "disputed", "We never held a seminar."
    )
    told = Notification.objects.filter(kind=NotificationKind.CLAIM_DISPUTED)
    recipients = sorted(n.recipient.username for n in told)
    assert recipients == sorted(
        cast.user(role).username for role in ("contributor_a", "admin_a", "revoked_token")
    )  # A's active members; the deactivated one is not told
    assert told[0].params == {
        "claim": claim.key,
        "partner": cast.b.name,
        "comment": "We never held a seminar.",
    }


def test_reconciliation_notice_names_only_rows_the_member_may_see(cast):
    seen = make_event(key="seen-event", host=cast.a)
    hidden = make_event(key="hidden-event", host=cast.b, sensitivity="restricted")
    mentions = [
        PlannedMention(
            "training_event", seen.key, "partners", "Nuclear Center X", "JP", cast.a.key, []
        ),
        PlannedMention(
            "training_event", hidden.key, "partners", "Secret Lab", "JP", cast.a.key, []
        ),
        PlannedMention(
            "training_event", "not-yet", "partners", "Pending Lab", "JP", cast.a.key, []
        ),
    ]
    record_mentions(cast.user("contributor_a"), mentions, None)
    told = {n.recipient.username: n.params for n in Notification.objects.all()}
    assert told == {
        cast.user("admin_a").username: {"count": 1, "names": ["Nuclear Center X"]},
        cast.user("revoked_token").username: {"count": 1, "names": ["Nuclear Center X"]},
    }  # the importer is not told of their own import; B's members not at all


def test_preferences_refuse_an_unknown_kind(client, cast):
    client.force_login(cast.user("contributor_b"))
    response = client.post("/inbox/preferences/", {"kinds": ["everything"]})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert notifications.email_kinds(cast.user("contributor_b")) == set(NotificationKind.values)


def test_names_of_a_waiting_import_are_told_once_its_records_are_applied(cast):
    waiting = services.propose(
        cast.user("contributor_a"),
        [
            services.ProposedChange(
                "create",
                "training_event",
                values={
                    "key": "later-event",
                    "title": "Later event",
                    "host": cast.a.key,
                    "sensitivity": "restricted",
                },
            )
        ],
    )
    assert waiting.status == ChangesetStatus.PENDING
    mention = PlannedMention(
        "training_event", "later-event", "partners", "Nuclear Center Y", "JP", cast.a.key, []
    )
    record_mentions(cast.user("contributor_a"), [mention], waiting)
    assert not Notification.objects.exists()  # the record does not exist yet: nobody sees it
    services.approve(cast.user("steward"), waiting.pk)
    told = Notification.objects.filter(kind=NotificationKind.RECONCILIATION_NEEDED)
    assert {n.recipient.username: n.params for n in told} == {
        cast.user(role).username: {"count": 1, "names": ["Nuclear Center Y"]}
        for role in ("contributor_a", "admin_a", "revoked_token")
    }
