"""Bulk decisions through every way in: the queue (preview page, apply, undo), the API
(``/api/linkage/bulk-decisions``, stewards with a write token) and ``nscap link --apply``;
everyone else is refused on each, and nothing is written."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from nscap.accounts.tokens import create_token
from nscap.activities.models import TrainingEvent
from nscap.contributions.models import HistoryEntry
from nscap.linkage.models import BulkDecision, LinkRun, MergeSuggestion
from nscap.testing.factories import make_institution
from nscap.testing.roles import PASSWORD, make_steward, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(linked_once: int, db) -> LinkRun:
    """The run over the module's synthetic reports (``conftest.linked_once``), read afresh."""
    return LinkRun.objects.get(pk=linked_once)


def _standing() -> int:
    return TrainingEvent.objects.filter(same_as__isnull=True).count()


def _client(user) -> Client:
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    return client


def _api(user, scope: str, method: str, path: str, body: dict | None = None):
    _token, text = create_token(user, "bulk", scope=scope)
    client = Client()
    headers = {"Authorization": f"Bearer {text}"}
    if method == "get":
        return client.get(f"/api{path}", headers=headers)
    return client.post(
        f"/api{path}", json.dumps(body or {}), content_type="application/json", headers=headers
    )


# --- the queue -------------------------------------------------------------------------------


def test_a_steward_previews_applies_and_undoes_from_the_queue(run):
    client = _client(make_steward())
    queue = client.get(reverse("linkage:queue"))
    assert "Decide many at once" in queue.content.decode()
    query = {"action": "accept", "strength": "linked", "min_weight": "", "below_weight": ""}
    preview = client.get(reverse("linkage:bulk_preview"), query)
    assert preview.status_code == 200
    body = preview.content.decode()
    linked = MergeSuggestion.objects.filter(status="pending", strength="linked").count()
    assert f"Apply: decide these {linked} suggestions" in body
    assert (
        'name="expect"' in body and TrainingEvent.objects.filter(same_as__isnull=False).count() == 0
    )

    before = _standing()
    applied = client.post(reverse("linkage:bulk_apply"), {**query, "expect": linked})
    assert applied.status_code == 302
    bulk = BulkDecision.objects.get()
    assert bulk.decided == linked and _standing() == run.clusters < before
    assert "Bulk decision" in client.get(reverse("linkage:queue")).content.decode()

    client.post(reverse("linkage:bulk_undo", args=[bulk.pk]))
    bulk.refresh_from_db()
    assert bulk.undone_at is not None and _standing() == before


def test_the_preview_of_nothing_says_so_and_offers_no_apply(run):
    client = _client(make_steward())
    page = client.get(reverse("linkage:bulk_preview"), {"action": "accept", "min_weight": "1000"})
    body = page.content.decode()
    assert "Nothing to decide" in body and "Apply:" not in body


def test_a_changed_queue_is_not_applied_from_an_old_preview(run):
    client = _client(make_steward())
    response = client.post(
        reverse("linkage:bulk_apply"), {"action": "accept", "strength": "linked", "expect": 1}
    )
    assert response.status_code == 302
    assert not BulkDecision.objects.exists()
    messages = [m.message for m in response.wsgi_request._messages]
    assert any("preview again" in m for m in messages)


@pytest.mark.parametrize("role", ["contributor", "member elsewhere"])
def test_others_neither_preview_nor_apply_nor_undo_on_the_web(run, role):
    steward_bulk = _steward_bulk()
    host = MergeSuggestion.objects.first().kept.host
    user = make_user(institution=host if role == "contributor" else make_institution())
    client = _client(user)
    query = {"action": "accept", "strength": "linked"}
    assert client.get(reverse("linkage:bulk_preview"), query).status_code == 403
    assert client.post(reverse("linkage:bulk_apply"), query).status_code == 403
    assert client.post(reverse("linkage:bulk_undo", args=[steward_bulk.pk])).status_code == 403
    assert BulkDecision.objects.get().undone_at is None
    assert TrainingEvent.objects.filter(same_as__isnull=False).count() == 0


def _steward_bulk() -> BulkDecision:
    from nscap.linkage import decisions

    weights = sorted(MergeSuggestion.objects.values_list("match_weight", flat=True))
    return decisions.decide(
        make_steward(), decisions.Selection("reject", below_weight=weights[len(weights) // 2])
    )


# --- the API ---------------------------------------------------------------------------------


def test_the_api_previews_decides_lists_and_undoes(run):
    steward = make_steward()
    selection = {"action": "accept", "strength": "linked"}
    preview = _api(steward, "write", "post", "/linkage/bulk-decisions/preview", selection)
    assert preview.status_code == 200, preview.content
    summary = preview.json()
    assert summary["decided"] > 0 and summary["standing_after"] == run.clusters
    assert not TrainingEvent.objects.filter(same_as__isnull=False).exists()  # nothing written

    created = _api(
        steward,
        "write",
        "post",
        "/linkage/bulk-decisions",
        {**selection, "expect": summary["decided"]},
    )
    assert created.status_code == 201, created.content
    bulk = created.json()
    assert bulk["decided"] == summary["decided"] and _standing() == run.clusters
    assert (
        HistoryEntry.objects.filter(changeset_id=bulk["changeset"]).count()
        == (summary["reports_changed"])
    )
    listed = _api(steward, "read", "get", "/linkage/bulk-decisions")
    assert [item["id"] for item in listed.json()["items"]] == [bulk["id"]]

    undone = _api(steward, "write", "post", f"/linkage/bulk-decisions/{bulk['id']}/undo")
    assert undone.status_code == 200 and undone.json()["undone_at"]
    assert not TrainingEvent.objects.filter(same_as__isnull=False).exists()
    again = _api(steward, "write", "post", f"/linkage/bulk-decisions/{bulk['id']}/undo")
    assert again.status_code == 409


def test_the_api_says_when_nothing_is_selected_and_when_the_input_is_bad(run):
    steward = make_steward()
    nothing = _api(
        steward, "write", "post", "/linkage/bulk-decisions", {"action": "accept", "min_weight": 1e3}
    )
    assert nothing.status_code == 422
    assert "nothing to decide" in json.dumps(nothing.json())
    bad = _api(steward, "write", "post", "/linkage/bulk-decisions", {"action": "merge"})
    assert bad.status_code == 422
    empty = _api(steward, "write", "post", "/linkage/bulk-decisions/preview", {"action": "accept"})
    assert empty.status_code == 422 and "min_weight" in json.dumps(empty.json())
    stale = _api(
        steward,
        "write",
        "post",
        "/linkage/bulk-decisions",
        {"action": "accept", "strength": "linked", "expect": 0},
    )
    assert stale.status_code == 409
    assert not BulkDecision.objects.exists()


def test_the_api_refuses_read_tokens_and_non_stewards(run):
    selection = {"action": "accept", "strength": "linked"}
    visitor = Client().post(
        "/api/linkage/bulk-decisions", json.dumps(selection), content_type="application/json"
    )
    assert visitor.status_code == 401
    steward = make_steward()
    read_only = _api(steward, "read", "post", "/linkage/bulk-decisions", selection)
    assert read_only.status_code == 403
    contributor = make_user(institution=MergeSuggestion.objects.first().kept.host)
    for path in ("/linkage/bulk-decisions/preview", "/linkage/bulk-decisions"):
        assert _api(contributor, "write", "post", path, selection).status_code == 403
    assert _api(contributor, "read", "get", "/linkage/bulk-decisions").status_code == 403
    bulk = _steward_bulk()
    undo = _api(contributor, "write", "post", f"/linkage/bulk-decisions/{bulk.pk}/undo")
    assert undo.status_code == 403
    assert BulkDecision.objects.get().undone_at is None
    assert not TrainingEvent.objects.filter(same_as__isnull=False).exists()


# --- the CLI ---------------------------------------------------------------------------------


def test_link_apply_accepts_the_run_s_links_and_undo_reverts_them(run, capsys):
    make_steward("cli-steward")
    call_command("link", "--apply", "--preview", "--user", "cli-steward")
    assert "Preview:" in capsys.readouterr().out
    assert not BulkDecision.objects.exists()
    call_command("link", "--apply", "--user", "cli-steward")
    out = capsys.readouterr().out
    bulk = BulkDecision.objects.get()
    assert f"Bulk decision {bulk.pk}" in out and f"nscap link --undo {bulk.pk}" in out
    assert _standing() == run.clusters
    call_command("link", "--undo", str(bulk.pk), "--user", "cli-steward")
    assert not TrainingEvent.objects.filter(same_as__isnull=False).exists()


def test_link_apply_from_a_weight_and_reject_below(run, capsys):
    make_steward("cli-steward")
    weights = sorted(MergeSuggestion.objects.values_list("match_weight", flat=True))
    middle = weights[len(weights) // 2]
    call_command(
        "link",
        "--apply",
        "--min-weight",
        str(middle),
        "--reject-below",
        str(middle),
        "--as",
        "cli-steward",
    )
    assert not MergeSuggestion.objects.filter(status="accepted", match_weight__lt=middle).exists()
    assert not MergeSuggestion.objects.filter(status="rejected", match_weight__gte=middle).exists()
    assert set(BulkDecision.objects.values_list("action", flat=True)) == {"accept", "reject"}
    assert not MergeSuggestion.objects.filter(status="pending", match_weight__lt=middle).exists()


def test_link_apply_of_nothing_is_a_clear_no_op(run, capsys):
    make_steward("cli-steward")
    call_command("link", "--apply", "--min-weight", "1000", "--user", "cli-steward")
    out = capsys.readouterr().out
    assert "0 pending suggestions with match weight ≥ 1000" in out
    assert "Nothing to decide: nothing was written." in out
    assert not BulkDecision.objects.exists()


def test_link_apply_refuses_a_contributor(run):
    make_user("cli-contributor", institution=MergeSuggestion.objects.first().kept.host)
    with pytest.raises(CommandError, match="Only stewards"):
        call_command("link", "--apply", "--user", "cli-contributor")
    with pytest.raises(CommandError, match="--min-weight goes with --apply"):
        call_command("link", "--min-weight", "3", "--user", "cli-contributor")
    assert not TrainingEvent.objects.filter(same_as__isnull=False).exists()
