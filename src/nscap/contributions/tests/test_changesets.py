"""The write path as a whole: propose, review, apply, history, revert, confirmation requests.

Every test here calls contributions.services the way views, the API and imports do, and checks
both what was written (records, versions, history rows) and what was refused (nothing written).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from nscap.activities.models import TrainingEvent
from nscap.collaboration.models import CollaborationClaim
from nscap.contributions import services
from nscap.contributions.choices import ChangesetStatus, ConfirmationAnswer
from nscap.contributions.errors import AlreadyReviewed, Invalid, NotAllowed, NotFound, Stale
from nscap.contributions.models import Changeset, ConfirmationRequest, HistoryEntry
from nscap.contributions.services import ProposedChange
from nscap.core.visibility import STEWARDS_GROUP
from nscap.institutions.models import TransparencyPolicy
from nscap.testing.factories import make_event
from nscap.testing.roles import Cast, make_cast, make_steward, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(db) -> Cast:
    """Institutions A, B, C (A and C share a network) and a user of every role."""
    return make_cast()


def _event(host_key: str, title: str = "Physical protection course", **values) -> ProposedChange:
    return ProposedChange(
        "create", "training_event", values={"host": host_key, "title": title, **values}
    )


def _history(key: str) -> list[HistoryEntry]:
    return list(HistoryEntry.objects.filter(record_key=key).order_by("id"))


def _state() -> tuple:
    """Everything the write path may touch, to prove a refusal wrote nothing."""
    return (
        list(TrainingEvent.objects.order_by("key").values_list("key", "title", "note", "version")),
        HistoryEntry.objects.count(),
        list(Changeset.objects.order_by("id").values_list("id", "status")),
    )


# -- propose: validation ---------------------------------------------------------------------


def test_propose_reports_every_error_of_every_change_at_once(cast: Cast):
    changes = [
        _event(cast.b.key, title=""),  # 0: title too short
        _event(cast.b.key, participants=-3, country="xx"),  # 1: two fields
        ProposedChange("create", "spaceship", values={}),  # 2: unknown record type
        ProposedChange("explode", "training_event", values={}),  # 3: unknown action
        _event(cast.b.key, status="published"),  # 4: server-owned field
    ]
    before = _state()
    with pytest.raises(Invalid) as refused:
        services.propose(cast.user("contributor_b"), changes)
    found = {(e["change"], e["field"]) for e in refused.value.errors}
    assert (0, "title") in found
    assert {(1, "participants"), (1, "country")} <= found
    assert (2, "record_type") in found
    assert (3, "action") in found
    assert (4, "status") in found
    assert refused.value.status == 422
    assert all(e["message"] for e in refused.value.errors)
    assert _state() == before


def test_propose_refuses_an_empty_changeset_and_visitors(cast: Cast):
    with pytest.raises(Invalid):
        services.propose(cast.user("contributor_b"), [])
    for role in ("visitor", "deactivated", "revoked_token"):
        with pytest.raises(NotAllowed) as refused:
            services.propose(cast.actor(role), [_event(cast.b.key)])
        assert refused.value.status == 403
    assert not Changeset.objects.exists()


def test_propose_refuses_a_key_that_exists(cast: Cast):
    make_event(key="taken", host=cast.b)
    with pytest.raises(Invalid) as refused:
        services.propose(cast.user("contributor_b"), [_event(cast.b.key, key="taken")])
    assert refused.value.errors[0]["field"] == "key"


def test_update_of_a_record_the_author_may_not_see_is_not_found(cast: Cast):
    hidden = make_event(host=cast.a, sensitivity="restricted", note="a secret")
    with pytest.raises(NotFound) as refused:
        services.propose(
            cast.user("contributor_b"),
            [ProposedChange("update", "training_event", key=hidden.key, values={"note": "x"})],
        )
    assert refused.value.status == 404
    assert "secret" not in refused.value.message
    assert not Changeset.objects.exists()


# -- create / update / delete on approve, with history -----------------------------------------


def test_create_update_delete_apply_on_approve_with_a_history_row_each(cast: Cast):
    author, steward = cast.user("contributor_b"), cast.user("steward")
    created = services.propose(author, [_event(cast.b.key, key="ev-1", participants=20)])
    assert created.status == ChangesetStatus.PENDING
    assert not TrainingEvent.objects.filter(key="ev-1").exists()
    services.approve(steward, created.pk, "fine")
    event = TrainingEvent.objects.get(key="ev-1")
    assert (event.version, event.participants) == (1, 20)

    updated = services.propose(
        author,
        [
            ProposedChange(
                "update", "training_event", key="ev-1", values={"participants": 25}, base_version=1
            )
        ],
    )
    assert TrainingEvent.objects.get(key="ev-1").participants == 20  # waits for review
    services.approve(steward, updated.pk)
    event.refresh_from_db()
    assert (event.version, event.participants) == (2, 25)

    deleted = services.propose(author, [ProposedChange("delete", "training_event", key="ev-1")])
    services.approve(steward, deleted.pk)
    assert not TrainingEvent.objects.filter(key="ev-1").exists()

    create_row, update_row, delete_row = _history("ev-1")
    assert create_row.action == "activities.training_event.create"
    assert create_row.before == {} and create_row.after["participants"] == 20
    assert create_row.changeset_id == created.pk and create_row.actor == steward
    assert update_row.action == "activities.training_event.update"
    assert (update_row.before["participants"], update_row.after["participants"]) == (20, 25)
    assert delete_row.action == "activities.training_event.delete"
    assert delete_row.before["participants"] == 25 and delete_row.after == {}
    for changeset in (created, updated, deleted):
        changeset.refresh_from_db()
        assert changeset.status == ChangesetStatus.APPLIED
        assert changeset.reviewed_by == steward


def test_reject_and_ask_for_more_apply_nothing_and_keep_the_comment(cast: Cast):
    author, steward = cast.user("contributor_b"), cast.user("steward")
    first = services.propose(author, [_event(cast.b.key, key="ev-r")])
    with pytest.raises(Invalid):
        services.ask_for_more(steward, first.pk, "  ")
    services.ask_for_more(steward, first.pk, "Which source says 20?")
    first.refresh_from_db()
    assert (first.status, first.review_comment) == ("needs_more", "Which source says 20?")
    services.reject(steward, first.pk, "No source.")
    first.refresh_from_db()
    assert first.status == ChangesetStatus.REJECTED
    with pytest.raises(AlreadyReviewed):
        services.approve(steward, first.pk)
    assert not TrainingEvent.objects.filter(key="ev-r").exists()
    assert not HistoryEntry.objects.exists()


def test_withdraw_only_by_the_author_and_only_while_it_waits(cast: Cast):
    changeset = services.propose(cast.user("contributor_b"), [_event(cast.b.key)])
    with pytest.raises(NotFound):
        services.withdraw(cast.user("contributor_a"), changeset.pk)
    services.withdraw(cast.user("contributor_b"), changeset.pk)
    with pytest.raises(AlreadyReviewed):
        services.approve(cast.user("steward"), changeset.pk)


# -- stale versions ------------------------------------------------------------------------------


def test_stale_base_version_is_refused_at_propose(cast: Cast):
    event = make_event(host=cast.b, note="v1")
    TrainingEvent.objects.filter(pk=event.pk).update(version=3)
    before = _state()
    with pytest.raises(Stale) as refused:
        services.propose(
            cast.user("contributor_b"),
            [
                ProposedChange(
                    "update", "training_event", key=event.key, values={"note": "v2"}, base_version=2
                )
            ],
        )
    assert refused.value.status == 409
    assert "version 3" in refused.value.message and "version 2" in refused.value.message
    assert _state() == before


def test_stale_at_approve_when_the_record_changed_in_between(cast: Cast):
    steward, author = cast.user("steward"), cast.user("contributor_b")
    event = make_event(host=cast.b, note="original")
    slow = services.propose(
        author,
        [
            ProposedChange(
                "update", "training_event", key=event.key, values={"note": "slow"}, base_version=1
            )
        ],
    )
    fast = services.propose(
        author,
        [
            ProposedChange(
                "update", "training_event", key=event.key, values={"note": "fast"}, base_version=1
            )
        ],
    )
    services.approve(steward, fast.pk)
    before = _state()
    with pytest.raises(Stale) as refused:
        services.approve(steward, slow.pk)
    assert "nothing was applied" in refused.value.message
    assert _state() == before
    event.refresh_from_db()
    assert (event.note, event.version) == ("fast", 2)
    slow.refresh_from_db()
    assert slow.status == ChangesetStatus.PENDING  # still there for the steward to reject


def test_approve_applies_all_or_nothing(cast: Cast):
    steward, author = cast.user("steward"), cast.user("contributor_b")
    first, second = make_event(host=cast.b, note="1"), make_event(host=cast.b, note="2")
    changeset = services.propose(
        author,
        [
            _event(cast.b.key, key="ev-new"),
            ProposedChange(
                "update", "training_event", key=first.key, values={"note": "1b"}, base_version=1
            ),
            ProposedChange(
                "update", "training_event", key=second.key, values={"note": "2b"}, base_version=1
            ),
        ],
    )
    TrainingEvent.objects.filter(pk=second.pk).update(version=2)  # changed by someone else
    before = _state()
    with pytest.raises(Stale):
        services.approve(steward, changeset.pk)
    assert _state() == before
    assert not TrainingEvent.objects.filter(key="ev-new").exists()
    first.refresh_from_db()
    assert (first.note, first.version) == ("1", 1)


def test_a_delete_that_would_orphan_records_rolls_back_the_whole_changeset(cast: Cast):
    steward = cast.user("steward")
    other = make_user(institution=cast.c)
    referenced = make_event(host=cast.c).host
    changeset = services.propose(
        other,
        [
            _event(cast.c.key, key="ev-before-the-failure"),
            ProposedChange("delete", "institution", key=referenced.key),
        ],
    )
    before = _state()
    with pytest.raises(Invalid) as refused:
        services.approve(steward, changeset.pk)
    assert refused.value.errors[0]["change"] == 1
    assert _state() == before


# -- review rules --------------------------------------------------------------------------------


def test_two_stewards_approving_the_same_changeset_apply_it_once(cast: Cast):
    first, second = cast.user("steward"), make_steward()
    changeset = services.propose(cast.user("contributor_b"), [_event(cast.b.key, key="ev-2")])
    services.approve(first, changeset.pk)
    with pytest.raises(AlreadyReviewed) as refused:
        services.approve(second, changeset.pk)
    assert refused.value.status == 409
    assert TrainingEvent.objects.filter(key="ev-2").count() == 1
    assert len(_history("ev-2")) == 1


def test_a_steward_does_not_approve_their_own_changeset(cast: Cast):
    promoted = make_user(institution=cast.b)
    changeset = services.propose(promoted, [_event(cast.b.key, key="ev-own")])
    promoted.groups.add(Group.objects.get(name=STEWARDS_GROUP))
    promoted = type(promoted).objects.get(pk=promoted.pk)  # drop the cached steward flag
    with pytest.raises(NotAllowed):
        services.approve(promoted, changeset.pk)
    assert not TrainingEvent.objects.filter(key="ev-own").exists()


@pytest.mark.parametrize(
    "role",
    ["contributor_a", "contributor_b", "admin_a", "network_member", "visitor", "deactivated"],
)
def test_only_stewards_review(cast: Cast, role: str):
    changeset = services.propose(cast.user("contributor_b"), [_event(cast.b.key)])
    for review in (services.approve, services.reject):
        with pytest.raises(NotAllowed):
            review(cast.actor(role), changeset.pk, "x")
    changeset.refresh_from_db()
    assert changeset.status == ChangesetStatus.PENDING


def test_steward_and_superuser_changes_apply_at_once(cast: Cast):
    for role in ("steward", "superuser"):
        changeset = services.propose(cast.user(role), [_event(cast.b.key, key=f"ev-{role}")])
        assert changeset.status == ChangesetStatus.APPLIED
        assert changeset.reviewed_by is None
        assert _history(f"ev-{role}")[0].actor == cast.user(role)


# -- auto-approval policy -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy_on", "host", "sensitivity", "applies"),
    [
        (True, "a", "public", True),
        (True, "a", "network", False),
        (True, "a", "restricted", False),
        (True, "b", "public", False),  # about another institution: always a steward
        (False, "a", "public", False),
    ],
)
def test_auto_approve_needs_policy_own_institution_and_public(
    cast: Cast, policy_on: bool, host: str, sensitivity: str, applies: bool
):
    TransparencyPolicy.objects.filter(institution=cast.a).update(auto_approve_own_public=policy_on)
    institution = getattr(cast, host)
    changeset = services.propose(
        cast.user("contributor_a"), [_event(institution.key, sensitivity=sensitivity)]
    )
    assert (changeset.status == ChangesetStatus.APPLIED) is applies
    assert TrainingEvent.objects.filter(host=institution).exists() is applies


def test_one_change_about_another_institution_makes_the_whole_changeset_wait(cast: Cast):
    changeset = services.propose(
        cast.user("contributor_a"),
        [_event(cast.a.key, key="ours"), _event(cast.b.key, key="theirs")],
    )
    assert changeset.status == ChangesetStatus.PENDING
    assert not TrainingEvent.objects.filter(key__in=["ours", "theirs"]).exists()


def test_making_a_restricted_record_public_waits_for_a_steward(cast: Cast):
    event = make_event(host=cast.a, sensitivity="restricted")
    changeset = services.propose(
        cast.user("contributor_a"),
        [
            ProposedChange(
                "update",
                "training_event",
                key=event.key,
                values={"sensitivity": "public"},
                base_version=1,
            )
        ],
    )
    assert changeset.status == ChangesetStatus.PENDING
    event.refresh_from_db()
    assert event.sensitivity == "restricted"


def test_no_policy_row_means_no_auto_approval(cast: Cast):
    TransparencyPolicy.objects.filter(institution=cast.a).delete()
    changeset = services.propose(cast.user("contributor_a"), [_event(cast.a.key)])
    assert changeset.status == ChangesetStatus.PENDING


# -- idempotency ---------------------------------------------------------------------------------


def test_idempotency_key_returns_the_first_changeset(cast: Cast):
    author = cast.user("contributor_b")
    first = services.propose(author, [_event(cast.b.key, title="One")], idempotency_key="k-1")
    again = services.propose(author, [_event(cast.b.key, title="Two")], idempotency_key="k-1")
    assert again.pk == first.pk
    assert Changeset.objects.count() == 1
    assert first.changes.get().data["title"] == "One"
    other = services.propose(
        cast.user("network_member"), [_event(cast.c.key)], idempotency_key="k-1"
    )
    assert other.pk != first.pk  # the key is per author


# -- revert --------------------------------------------------------------------------------------


def test_revert_of_an_update_is_a_new_changeset_restoring_the_before_values(cast: Cast):
    steward, author = cast.user("steward"), cast.user("contributor_b")
    event = make_event(host=cast.b, note="right", participants=10)
    wrong = services.propose(
        author,
        [
            ProposedChange(
                "update",
                "training_event",
                key=event.key,
                values={"note": "wrong", "participants": 99},
                base_version=1,
            )
        ],
    )
    services.approve(steward, wrong.pk)
    entry = _history(event.key)[-1]
    undo = services.revert(author, entry)
    assert undo.pk != wrong.pk and undo.status == ChangesetStatus.PENDING
    assert "Revert" in undo.comment
    services.approve(steward, undo.pk)
    event.refresh_from_db()
    assert (event.note, event.participants, event.version) == ("right", 10, 3)
    assert _history(event.key)[-1].changeset_id == undo.pk


def test_revert_of_a_create_deletes_and_revert_of_a_delete_recreates(cast: Cast):
    steward = cast.user("steward")
    services.propose(steward, [_event(cast.b.key, key="ev-x", note="keep me")])
    services.revert(steward, _history("ev-x")[0])  # the create: applied at once for a steward
    assert not TrainingEvent.objects.filter(key="ev-x").exists()
    services.revert(steward, _history("ev-x")[-1])  # the delete
    assert TrainingEvent.objects.get(key="ev-x").note == "keep me"
    assert [e.action.rsplit(".", 1)[1] for e in _history("ev-x")] == ["create", "delete", "create"]


def test_revert_by_a_visitor_is_refused(cast: Cast):
    services.propose(cast.user("steward"), [_event(cast.b.key, key="ev-y")])
    with pytest.raises(NotAllowed):
        services.revert(AnonymousUser(), _history("ev-y")[0])
    assert TrainingEvent.objects.filter(key="ev-y").exists()


# -- confirmation requests ---------------------------------------------------------------------


def test_a_claim_about_a_partner_institution_asks_the_partner(cast: Cast):
    author, steward = cast.user("contributor_b"), cast.user("steward")
    changeset = services.propose(
        author,
        [
            ProposedChange(
                "create",
                "collaboration_claim",
                values={
                    "key": "b-with-c",
                    "claimant": cast.b.key,
                    "partner": cast.c.key,
                    "type": "seminar",
                },
            ),
            ProposedChange(
                "create",
                "collaboration_claim",
                values={
                    "key": "b-with-japan",
                    "claimant": cast.b.key,
                    "partner_country": "JP",
                    "type": "seminar",
                },
            ),
        ],
    )
    assert not ConfirmationRequest.objects.exists()  # not before it is published
    services.approve(steward, changeset.pk)
    request = ConfirmationRequest.objects.get()
    assert request.claim == CollaborationClaim.objects.get(key="b-with-c")
    assert (request.partner, request.answer) == (cast.c, ConfirmationAnswer.PENDING)
    # Updating the claim does not ask twice.
    update = services.propose(
        steward,
        [
            ProposedChange(
                "update",
                "collaboration_claim",
                key="b-with-c",
                values={"description": "yearly"},
                base_version=1,
            )
        ],
    )
    assert update.status == ChangesetStatus.APPLIED
    assert ConfirmationRequest.objects.count() == 1
