"""Reconciliation, not refusal (issue 14): messy names import whole, one decision per group,
learned aliases, undo, and nothing half-written."""

from __future__ import annotations

import pytest
from django.test import Client

from nscap.activities.models import TrainingEvent
from nscap.collaboration.models import CollaborationClaim
from nscap.contributions.errors import Invalid
from nscap.contributions.models import Changeset, HistoryEntry
from nscap.institutions.models import Institution, Label
from nscap.institutions.normalize import normalize_label
from nscap.interchange.importer import run_import
from nscap.reconciliation import selectors, services
from nscap.reconciliation.models import NameMention
from nscap.reconciliation.selectors import GroupKey
from nscap.reconciliation.tests.conftest import events_csv, messy_rows

NSSC_MY_X = GroupKey("nssc", "MY", "reporter-x")


def test_a_file_with_unknown_ambiguous_and_misspelt_names_imports_whole(world):
    result = run_import(world.steward, "training_event.csv", events_csv(messy_rows()))
    assert result.plan.ok, result.plan.errors
    assert result.changeset is not None
    assert TrainingEvent.objects.count() == 6
    nssc = TrainingEvent.objects.get(key="ev-nssc-0")
    assert nssc.host is None and nssc.host_text == "NSSC"
    assert TrainingEvent.objects.get(key="ev-ok").host == world.insa
    assert NameMention.objects.count() == 5
    mention = NameMention.objects.get(record_key="ev-nssc-0")
    keys = [c["key"] for c in mention.candidates]
    # All candidates, each with country, kind and why it matched (the importer is a steward).
    assert set(keys) == {"nssc-my", "nssc-id", "nssc-secret"}
    first = mention.candidates[0]
    assert {"key", "name", "country", "kind", "score", "matched", "why"} <= set(first)
    assert first["why"] == "the text equals an acronym" and first["matched"] == "NSSC"
    assert (mention.context_country, mention.context_reporter) == ("MY", "reporter-x")
    assert mention.owner == world.reporter


def test_the_dry_run_counts_names_by_distinct_text_and_context(world):
    before = TrainingEvent.objects.count()
    result = run_import(
        world.steward, "training_event.csv", events_csv(messy_rows(4)), dry_run=True
    )
    assert result.changeset is None and TrainingEvent.objects.count() == before
    assert NameMention.objects.count() == 0
    groups = result.plan.unreconciled()
    assert groups[0] == {"text": "NSSC", "country": "MY", "reported_by": "reporter-x", "rows": 4}
    assert len(groups) == 3 and sum(g["rows"] for g in groups) == 6


def test_one_decision_updates_every_row_of_the_group_and_is_undone(world):
    run_import(world.steward, "training_event.csv", events_csv(messy_rows(3)))
    result = services.decide(world.steward, NSSC_MY_X, "pick", institution="nssc-my")
    assert result.rows == 3 and result.applied
    hosts = set(
        TrainingEvent.objects.filter(key__startswith="ev-nssc").values_list(
            "host__key", "host_text"
        )
    )
    assert hosts == {("nssc-my", "")}
    learned = Label.objects.get(kind="learned")
    assert (learned.institution, learned.context_country, learned.context_reporter) == (
        world.nssc_my,
        "MY",
        "reporter-x",
    )
    assert HistoryEntry.objects.filter(changeset=result.changeset).count() == 4  # 3 + alias
    assert not selectors.group_mentions(world.steward, NSSC_MY_X).exists()

    services.undo(world.steward, NSSC_MY_X)
    again = TrainingEvent.objects.get(key="ev-nssc-1")
    assert again.host is None and again.host_text == "NSSC"
    assert not Label.objects.filter(kind="learned").exists()
    assert selectors.group_mentions(world.steward, NSSC_MY_X).count() == 3


def test_a_learned_alias_resolves_the_next_import_in_its_context_only(world):
    run_import(world.steward, "training_event.csv", events_csv(messy_rows(2)))
    services.decide(world.steward, NSSC_MY_X, "pick", institution="nssc-my")
    rows = messy_rows(2, prefix="next") + [
        ["next-th", "NSSC", "Elsewhere", "2020", "TH", 3, "reporter-y", "public"]
    ]
    result = run_import(world.steward, "training_event.csv", events_csv(rows))
    assert result.plan.ok
    assert TrainingEvent.objects.get(key="next-nssc-0").host == world.nssc_my
    other = TrainingEvent.objects.get(key="next-th")  # another context: still queued
    assert other.host is None and other.host_text == "NSSC"
    assert NameMention.objects.filter(record_key="next-th", decision="").exists()


def test_a_new_institution_and_not_an_institution(world):
    run_import(world.steward, "training_event.csv", events_csv(messy_rows(1)))
    ministry = GroupKey(normalize_label("Ministry of Somewhere"), "MY", "reporter-x")
    made = services.decide(
        world.steward,
        ministry,
        "new",
        new={"name": "Ministry of Somewhere", "kind": "government_agency"},
    )
    created = Institution.objects.get(key=made.institution)
    assert created.country == "MY" and created.labels.filter(kind="learned").exists()
    assert TrainingEvent.objects.get(key="ev-unknown").host == created
    typo = GroupKey(NameMention.objects.get(record_key="ev-typo").normalized, "KR", "reporter-x")
    result = services.decide(world.steward, typo, "not_institution")
    assert result.changeset is None and result.rows == 1
    event = TrainingEvent.objects.get(key="ev-typo")
    assert event.host is None and event.host_text  # the text stays, as written
    # The next import does not queue it again.
    run_import(world.steward, "training_event.csv", events_csv(messy_rows(1, prefix="again")))
    assert NameMention.objects.get(record_key="again-typo").decision == "not_institution"


def test_a_failed_decision_writes_nothing(world):
    run_import(world.steward, "training_event.csv", events_csv(messy_rows(2)))
    before = (Changeset.objects.count(), Institution.objects.count(), Label.objects.count())
    with pytest.raises(Invalid):
        services.decide(world.steward, NSSC_MY_X, "new", new={"name": "X", "kind": "spaceship"})
    with pytest.raises(Invalid):
        services.decide(world.steward, NSSC_MY_X, "pick", institution="no-such-key")
    assert (Changeset.objects.count(), Institution.objects.count(), Label.objects.count()) == before
    assert selectors.group_mentions(world.steward, NSSC_MY_X).count() == 2


def test_a_failed_import_leaves_no_mention(world):
    rows = messy_rows(2) + [["bad", "NSSC", "", "2020", "MY", 1, "reporter-x", "public"]]
    result = run_import(world.steward, "training_event.csv", events_csv(rows))
    assert not result.plan.ok and result.changeset is None
    assert NameMention.objects.count() == 0 and TrainingEvent.objects.count() == 0


def test_a_contributor_sees_only_their_rows_and_candidates_they_may_see(world):
    run_import(world.steward, "training_event.csv", events_csv(messy_rows(2)))
    run_import(
        world.steward, "training_event.csv", events_csv(messy_rows(2, "reporter-y", prefix="y"))
    )
    groups, _total = selectors.queue_groups(world.contributor)
    assert {g["context_reporter"] for g in groups} == {"reporter-x"}
    nssc = next(g for g in groups if g["normalized"] == "nssc")
    assert [c["key"] for c in nssc["candidates"]] == ["nssc-id", "nssc-my"]  # not nssc-secret
    steward_groups, _ = selectors.queue_groups(world.steward)
    assert {g["context_reporter"] for g in steward_groups} == {"reporter-x", "reporter-y"}
    with pytest.raises(Exception):  # noqa: B017 - NotFound: not their group
        services.decide(world.other_contributor, NSSC_MY_X, "pick", institution="nssc-my")
    with pytest.raises(Invalid):  # a hidden institution cannot be picked
        services.decide(world.contributor, NSSC_MY_X, "pick", institution="nssc-secret")


def test_partners_and_claim_partners_wait_beside_their_record_and_are_reconciled(world):
    events = (
        "key,host,title,country,reported_by,partners\n"
        "ev-p,INSA,With partners,MY,reporter-x,NSSC (funder); INSA (co_organiser)\n"
    )
    run_import(world.steward, "training_event.csv", events.encode())
    event = TrainingEvent.objects.get(key="ev-p")
    assert [p.institution.key for p in event.partners.all()] == ["insa"]  # the resolved one
    held = NameMention.objects.get(record_key="ev-p")
    assert (held.field, held.role, held.text) == ("partners", "funder", "NSSC")
    page = Client().get("/courses/events/ev-p/").content.decode()
    assert "Partners not reconciled" in page and "“NSSC”" in page

    claims = (
        "key,claimant,partner,partner_country,type\n"
        "cl-1,reporter-x,Nuclear Security Support Centr,MY,seminar\n"
    )
    result = run_import(world.steward, "collaboration_claim.csv", claims.encode())
    assert result.plan.ok, result.plan.errors
    claim = CollaborationClaim.objects.get(key="cl-1")
    assert claim.partner is None and claim.partner_text == "Nuclear Security Support Centr"

    services.decide(world.steward, NSSC_MY_X, "pick", institution="nssc-my")
    roles = {
        (p.institution.key, p.role) for p in TrainingEvent.objects.get(key="ev-p").partners.all()
    }
    assert roles == {("insa", "co_organiser"), ("nssc-my", "funder")}
    claim_group = GroupKey(normalize_label("Nuclear Security Support Centr"), "MY", "reporter-x")
    services.decide(world.steward, claim_group, "pick", institution="nssc-my")
    claim.refresh_from_db()
    assert claim.partner == world.nssc_my and claim.partner_text == ""


def test_a_corrected_file_drops_the_names_it_no_longer_makes(world):
    run_import(world.steward, "training_event.csv", events_csv(messy_rows(2)))
    fixed = messy_rows(2)
    fixed[0][1] = "nssc-my"  # the key, written this time
    run_import(world.steward, "training_event.csv", events_csv(fixed))
    assert TrainingEvent.objects.get(key="ev-nssc-0").host == world.nssc_my
    assert not NameMention.objects.filter(record_key="ev-nssc-0").exists()
    assert NameMention.objects.filter(record_key="ev-nssc-1").exists()
