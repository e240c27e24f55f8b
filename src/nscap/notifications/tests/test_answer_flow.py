"""Issue 16, finding 3: "ask for more" is a thread the author answers by amending, and every
decision reaches the author's inbox (and e-mail, by preference). Real database, real views,
Django's locmem mail backend."""

from __future__ import annotations

import pytest
from django.core import mail

from nscap.activities.models import Course
from nscap.contributions import services
from nscap.contributions.choices import ChangesetStatus
from nscap.contributions.models import Changeset
from nscap.notifications import services as notifications
from nscap.notifications.choices import NotificationKind
from nscap.notifications.models import ChangesetMessage, Notification
from nscap.testing.roles import make_cast

pytestmark = pytest.mark.django_db

COURSE = {"kind": "training", "level": "basic", "sensitivity": "public"}


@pytest.fixture
def cast():
    return make_cast()


def _proposed(cast) -> Changeset:
    """A course proposed by B's contributor (B's policy: everything waits for a steward)."""
    changeset = services.propose(
        cast.user("contributor_b"),
        [
            services.ProposedChange(
                "create",
                "course",
                values={"title": "Insider threat", "provider": cast.b.key, **COURSE},
            )
        ],
        comment="from our 2024 catalogue",
    )
    assert changeset.status == ChangesetStatus.PENDING
    return changeset


def _asked(cast, django_capture_on_commit_callbacks) -> Changeset:
    changeset = _proposed(cast)
    with django_capture_on_commit_callbacks(execute=True):
        services.ask_for_more(cast.user("steward"), changeset.pk, "Which year was it first given?")
    return changeset


def test_the_author_answers_by_amending_and_sees_the_decision_in_the_inbox(
    client, cast, django_capture_on_commit_callbacks
):
    author, steward = cast.user("contributor_b"), cast.user("steward")
    changeset = _asked(cast, django_capture_on_commit_callbacks)
    asked = Notification.objects.get(recipient=author)
    assert asked.kind == NotificationKind.QUESTIONED
    client.force_login(author)
    mine = client.get("/contribute/mine/").content.decode()
    assert f"/contribute/changesets/{changeset.pk}/answer/" in mine
    form = client.get(f"/contribute/changesets/{changeset.pk}/answer/").content.decode()
    assert "Which year was it first given?" in form and 'value="Insider threat"' in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/contribute/changesets/{changeset.pk}/answer/",
            {
                "reply": "First given in 2019; the title is corrected.",
                "title": "Insider threat mitigation",
                "provider": cast.b.key,
                "first_offered": "2019",
                "changeset_comment": "from our 2024 catalogue",
                **COURSE,
            },
        )
    assert response.status_code == 302
    changeset.refresh_from_db()
    assert changeset.status == ChangesetStatus.PENDING  # back in the stewards' queue
    (change,) = changeset.changes.all()
    assert change.data["title"] == "Insider threat mitigation"
    assert change.data["first_offered"] == "2019"
    thread = list(changeset.thread.values_list("author__username", "amended"))
    assert thread == [(steward.username, False), (author.username, True)]
    answered = Notification.objects.get(recipient=steward)
    assert answered.kind == NotificationKind.ANSWERED and answered.params["amended"] is True
    # The steward sees the thread and approves; the author is told.
    client.force_login(steward)
    page = client.get(f"/contribute/changesets/{changeset.pk}/").content.decode()
    assert "First given in 2019" in page and "Which year was it first given?" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/contribute/changesets/{changeset.pk}/review/", {"decision": "approve"})
    assert Course.objects.get(title="Insider threat mitigation").provider == cast.b
    client.force_login(author)
    inbox = client.get("/inbox/").content.decode()
    assert f"Changeset {changeset.pk} was approved and published" in inbox
    assert f"A steward asks for more on changeset {changeset.pk}" in inbox
    # Two mails to the author (asked, approved), one to the steward (answered).
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        [
            (author.email, f"[nscap] A steward asks for more on changeset {changeset.pk}"),
            (steward.email, f"[nscap] Changeset {changeset.pk} was amended and waits again"),
            (author.email, f"[nscap] Changeset {changeset.pk} was approved and published"),
        ]
    )


def test_an_invalid_amendment_changes_nothing_and_says_which_field(
    client, cast, django_capture_on_commit_callbacks
):
    changeset = _asked(cast, django_capture_on_commit_callbacks)
    before = list(changeset.changes.values_list("data", flat=True))
    client.force_login(cast.user("contributor_b"))
    url = f"/contribute/changesets/{changeset.pk}/answer/"
    response = client.post(
        url,
        {"reply": "fixed", "title": "X", "provider": cast.b.key, "first_offered": "soon"} | COURSE,
    )
    assert response.status_code == 200
    assert "first_offered" in response.content.decode()  # the field's error, next to it
    no_reply = client.post(url, {"reply": "", "title": "Y", "provider": cast.b.key} | COURSE)
    assert no_reply.status_code == 200 and "This field is required" in no_reply.content.decode()
    changeset.refresh_from_db()
    assert changeset.status == ChangesetStatus.NEEDS_MORE
    assert list(changeset.changes.values_list("data", flat=True)) == before
    assert ChangesetMessage.objects.filter(changeset=changeset).count() == 1  # the steward's


def test_only_the_author_answers_and_only_when_sent_back(
    client, cast, django_capture_on_commit_callbacks
):
    changeset = _proposed(cast)
    url = f"/contribute/changesets/{changeset.pk}/answer/"
    client.force_login(cast.user("contributor_b"))
    pending = client.get(url)  # not sent back: nothing to answer
    assert pending.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        services.ask_for_more(cast.user("steward"), changeset.pk, "Sources?")
    for role in ("contributor_a", "steward", "admin_a"):
        client.force_login(cast.user(role))
        assert client.get(url).status_code == 404
        assert client.post(url, {"reply": "hijack"}).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to sign in
    changeset.refresh_from_db()
    assert changeset.status == ChangesetStatus.NEEDS_MORE


def test_a_reply_without_amending_puts_it_back_in_the_queue(
    cast, django_capture_on_commit_callbacks
):
    from nscap.contributions import amending

    changeset = _asked(cast, django_capture_on_commit_callbacks)
    data = list(changeset.changes.values_list("data", flat=True))
    amending.answer(cast.user("contributor_b"), changeset.pk, "It was 2019, see our report.")
    changeset.refresh_from_db()
    assert changeset.status == ChangesetStatus.PENDING
    assert list(changeset.changes.values_list("data", flat=True)) == data
    with pytest.raises(Exception, match="only one sent back"):
        amending.answer(cast.user("contributor_b"), changeset.pk, "again")


def test_rejection_is_told_with_the_comment(cast, django_capture_on_commit_callbacks):
    changeset = _proposed(cast)
    with django_capture_on_commit_callbacks(execute=True):
        services.reject(cast.user("steward"), changeset.pk, "Duplicate of course 12.")
    (notice,) = Notification.objects.filter(recipient=cast.user("contributor_b"))
    assert notice.kind == NotificationKind.REJECTED
    assert "Duplicate of course 12." in mail.outbox[0].body


def test_email_follows_the_preference_and_the_inbox_gets_everything(
    client, cast, django_capture_on_commit_callbacks
):
    author = cast.user("contributor_b")
    client.force_login(author)
    response = client.post("/inbox/preferences/", {"kinds": [NotificationKind.APPROVED]})
    assert response.status_code == 302
    assert notifications.email_kinds(author) == {NotificationKind.APPROVED}
    changeset = _asked(cast, django_capture_on_commit_callbacks)
    assert mail.outbox == []  # "asked for more" is inbox-only now
    notifications.send_emails(list(Notification.objects.values_list("pk", flat=True)))
    assert mail.outbox == []
    from nscap.contributions import amending

    with django_capture_on_commit_callbacks(execute=True):
        amending.answer(author, changeset.pk, "2019")
        services.approve(cast.user("steward"), changeset.pk)
    assert [m.to for m in mail.outbox] == [[cast.user("steward").email], [author.email]]
    assert Notification.objects.filter(recipient=author).count() == 2
    page = client.get("/inbox/preferences/").content.decode()
    assert f'value="{NotificationKind.APPROVED}" ' in page or "checked" in page


def test_nothing_is_mailed_when_the_decision_rolls_back(cast, django_capture_on_commit_callbacks):
    changeset = _proposed(cast)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        from django.db import transaction

        with transaction.atomic():
            services.reject(cast.user("steward"), changeset.pk, "no")
            raise RuntimeError("the request failed after the decision")
    assert mail.outbox == [] and not Notification.objects.exists()


def test_the_api_answers_and_amends_through_the_same_service(
    client, cast, django_capture_on_commit_callbacks
):
    changeset = _asked(cast, django_capture_on_commit_callbacks)
    url = f"/api/changesets/{changeset.pk}/answer"
    token = cast.write_tokens["contributor_b"]
    other = cast.write_tokens["contributor_a"]
    body = {"reply": "2019", "values": {"first_offered": "2019"}}
    refused = client.post(url, body, "application/json", HTTP_AUTHORIZATION=f"Bearer {other}")
    assert refused.status_code == 404
    bad = client.post(
        url,
        {"reply": "x", "values": {"first_offered": "soon"}},
        "application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert bad.status_code == 422 and "first_offered" in bad.content.decode()
    changeset.refresh_from_db()
    assert changeset.status == ChangesetStatus.NEEDS_MORE
    done = client.post(url, body, "application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert done.status_code == 200 and done.json()["status"] == ChangesetStatus.PENDING
    (change,) = changeset.changes.all()
    assert change.data["first_offered"] == "2019" and change.data["title"] == "Insider threat"
    again = client.post(url, body, "application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert again.status_code == 409
