"""Complete exports (issue 14, item 7): every kind of record is exported, in every format, with
citations, confirmation state and figures; exporting then importing changes nothing; and a
guard that fails when a model of the registry is not exported."""

from __future__ import annotations

import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.management import call_command
from pydantic import BaseModel

from nscap.activities.models import AggregateClaim, EventParticipantCountry, EventPartner
from nscap.contributions.models import Changeset
from nscap.contributions.record_types import RECORD_TYPES, RecordType
from nscap.institutions.models import CenterProfile, Milestone
from nscap.interchange.exporter import export
from nscap.interchange.importer import run_import
from nscap.interchange.tables import (
    CITATION,
    header,
    is_record_model,
    read_only_table_names,
    tables,
)
from nscap.networks.models import Meeting
from nscap.testing.factories import (
    cite,
    make_claim,
    make_course,
    make_event,
    make_institution,
    make_membership,
    make_needs,
    make_network,
    make_quantity,
    make_source,
    make_target_group,
    make_topic,
)
from nscap.testing.roles import make_user

pytestmark = pytest.mark.django_db

# Models of the nscap apps that are not registry records, each with the reason it is not in
# an export. A new model must be exported or be listed here (with its reason).
NOT_RECORDS = {
    "accounts.Affiliation": "who works for which institution: accounts, not registry facts",
    "accounts.Invitation": "a pending invitation to an account (a secret link)",
    "accounts.ApiToken": "credentials",
    "accounts.AuditEvent": "the security audit log (sign-ins, token use)",
    "contributions.Changeset": "the history of writes, shown on history pages, not a record",
    "contributions.Change": "one change of a changeset (history)",
    "contributions.HistoryEntry": "the history table (history pages and diffs)",
    "contributions.ConfirmationRequest": "the confirmation workflow; its outcome is exported "
    "as the claim's confirmation column",
    "reconciliation.NameMention": "the reconciliation queue's work item; the name as written "
    "is exported with its record (host_text)",
    "analytics.DataVersion": "a counter that invalidates cached figures",
    "linkage.LinkRun": "a run of record linkage, recomputable",
    "linkage.LinkCluster": "a cluster found by record linkage, recomputable",
    "linkage.ClusterMember": "a member of a linkage cluster, recomputable",
    "linkage.MergeSuggestion": "a steward's work item from record linkage",
    "linkage.BulkDecision": "a steward's decision on many merge suggestions at once (work "
    "history; its changeset is in the history table)",
    "notifications.Notification": "what one user was told (personal, in their inbox)",
    "notifications.EmailPreference": "a user's choice of notifications by e-mail (personal)",
    "notifications.ChangesetMessage": "the thread between a changeset's author and the "
    "stewards (history of the review, like the changeset)",
    "institutions.TransparencyPolicy": "an institution's publishing settings (auto-approval); "
    "its statement is on the institution's page",
}


# Models derived from the records and rebuilt from them, not facts of their own.
DERIVED = {
    "activities.FusedEvent": "fused from a linked event's reports (linkage.fusing, nscap fuse); "
    "the reports are exported, and the fused values are on the event page and API",
    "search.SearchEntry": "the search index, folded from the exported records (search.services; "
    "nscap search_index rebuilds it)",
}


def _nscap_models() -> list:
    return [m for m in apps.get_models() if m.__module__.startswith("nscap.")]


def _parts() -> dict[str, str]:
    """Models exported inside a record's row (labels, partners, ...) -> the record type.
    (A child that is no model field, such as cited ``sources``, is exported as citations.)"""
    parts = {}
    for rt in RECORD_TYPES.values():
        for name in rt.children:
            try:
                related = rt.model._meta.get_field(name).related_model
            except FieldDoesNotExist:
                continue
            parts[related._meta.label] = rt.name
    return parts


def test_every_model_of_the_registry_is_exported_or_listed_with_a_reason():
    exported = {table.model._meta.label for table in tables()}
    parts = _parts()
    missing = []
    for model in _nscap_models():
        label = model._meta.label
        if label in DERIVED:
            continue
        if is_record_model(model) or hasattr(model._default_manager, "visible_to"):
            if label not in exported and label not in parts:
                missing.append(label)
        elif label not in NOT_RECORDS:
            missing.append(label)
    assert not missing, f"not exported and not in NOT_RECORDS (with a reason): {missing}"
    labels = {m._meta.label for m in _nscap_models()}
    stale = [
        label
        for label in NOT_RECORDS
        if label not in labels or is_record_model(apps.get_model(label))
    ]
    assert not stale, f"NOT_RECORDS names models that are gone or are records now: {stale}"


def test_every_field_of_an_exported_model_is_a_column():
    for table in tables():
        if table.name == CITATION:
            continue
        columns = set(header(table))
        names = {f.name for f in table.model._meta.concrete_fields}
        for field in table.model._meta.get_fields():
            if not (field.concrete or field.many_to_many) or field.auto_created:
                continue
            if field.name in ("id", "version", "created_at", "updated_at"):
                continue
            if field.name.endswith("_precision") and field.name[:-10] in names:
                continue  # written into its date's EDTF text
            assert field.name in columns, f"{table.name}.{field.name} is not exported"


class _NetworkInput(BaseModel):
    key: str
    sensitivity: str = "public"
    note: str | None = None
    name: str


def test_a_new_record_type_joins_the_export_without_more_work(monkeypatch):
    assert "network" in read_only_table_names()
    monkeypatch.setitem(
        RECORD_TYPES,
        "network",
        RecordType("network", "networks.Network", _NetworkInput, "networks.network", "convener"),
    )
    table = next(t for t in tables() if t.name == "network")
    assert table.importable and "network" not in read_only_table_names()
    assert header(table)[:4] == ["key", "sensitivity", "note", "name"]
    assert {"acronym", "convener", "established"} <= set(header(table))
    assert [t.name for t in tables()].count("network") == 1


def synthetic() -> dict:
    """One record of every kind the brief has few or none of, each linked as the brief's are:
    figures of an aggregate claim and of a needs assessment, a confirmed claim, a meeting, a
    profile, an event with partners and countries, citations with footnotes."""
    centre = make_institution(key="syn-centre", name="Synthetic Centre", country="MY")
    partner = make_institution(key="syn-partner", name="Synthetic Partner", country="ID")
    topic = make_topic(key="syn-topic", name="Synthetic topic", nss_references=["NSS 7"])
    group = make_target_group(key="syn-group", name="Synthetic group")
    network = make_network(key="syn-net", name="Synthetic Network", convener=centre)
    make_membership(key="syn-member", network=network, institution=partner, role="member")
    meeting = Meeting.objects.create(key="syn-meeting", network=network, title="Annual", city="KL")
    meeting.attendees.set([centre, partner])
    profile = CenterProfile.objects.create(
        key="syn-profile", institution=centre, geographic_focus=["national", "regional"]
    )
    profile.topics.set([topic])
    Milestone.objects.create(
        key="syn-mou", institution=centre, kind="mou_signed", counterpart=partner
    )
    claim = make_claim(key="syn-claim", claimant=centre, partner=partner, confirmation="confirmed")
    aggregate = AggregateClaim.objects.create(
        key="syn-aggregate", claimant=centre, description="20 courses for over 500 people"
    )
    make_quantity(
        key="syn-courses", aggregate_claim=aggregate, value=20, qualifier="at_least", unit="courses"
    )
    make_quantity(
        key="syn-people",
        aggregate_claim=aggregate,
        value=500,
        qualifier="more_than",
        period_start="2010-01-01",
        period_start_precision="year",
        period_end="2012-01-01",
        period_end_precision="year",
    )
    needs = make_needs(key="syn-needs", assessor=partner, target_group=group, topic=topic)
    make_quantity(
        key="syn-demand",
        needs_assessment=needs,
        measure="people_needing_training",
        value=Decimal("230000"),
        qualifier="approximately",
        as_of="2013-01-01",
        as_of_precision="year",
    )
    course = make_course(key="syn-course", provider=centre, title="Security culture")
    event = make_event(key="syn-event", host=centre, course=course, participants=30)
    event.topics.set([topic])
    EventPartner.objects.create(event=event, institution=partner, role="funder")
    EventParticipantCountry.objects.create(event=event, country="MY", count=20)
    source = make_source(key="syn-source", title="Synthetic report")
    cite(event, source, footnote=12, locator="p. 3")
    cite(claim, source, footnote=13, quote="works with")
    return {"event": event, "claim": claim, "needs": needs}


def _jsonl(user) -> dict[tuple[str, str], dict]:
    lines = export(user, "jsonl")[0].decode().splitlines()
    found = {}
    for line in lines:
        row = json.loads(line)
        key = row.get("key") or f"{row['citing_record']}@{row['locator'] or row['footnote']}"
        found[(row["record_type"], key)] = row
    return found


def test_the_export_holds_figures_confirmation_citations_and_every_kind():
    synthetic()
    rows = _jsonl(make_user("syn-steward", steward=True))
    kinds = {kind for kind, _key in rows}
    assert kinds == {table.name for table in tables()}
    assert rows[("collaboration_claim", "syn-claim")]["confirmation"] == "confirmed"
    people = rows[("quantity", "syn-people")]
    assert people["value"] == 500 and people["qualifier"] == "more_than"
    assert (people["period_start"], people["period_end"]) == ("2010", "2012")
    assert people["aggregate_claim"] == "syn-aggregate"
    demand = rows[("quantity", "syn-demand")]
    assert (demand["needs_assessment"], demand["as_of"], demand["value"]) == (
        "syn-needs",
        "2013",
        230000,
    )
    assert rows[("needs_assessment", "syn-needs")]["target_group"] == "syn-group"
    assert rows[("center_profile", "syn-profile")]["geographic_focus"] == ["national", "regional"]
    assert rows[("meeting", "syn-meeting")]["attendees"] == ["syn-centre", "syn-partner"]
    assert rows[("membership", "syn-member")]["institution"] == "syn-partner"
    assert rows[("milestone", "syn-mou")]["counterpart"] == "syn-partner"
    assert rows[("topic", "syn-topic")]["nss_references"] == ["NSS 7"]
    citation = rows[("citation", "syn-event@p. 3")]
    assert citation["citing_type"] == "training_event" and citation["footnote"] == 12
    assert citation["source"] == "syn-source"


def test_json_ld_holds_every_value_of_the_export():
    call_command("load_brief", verbosity=0)
    synthetic()
    steward = make_user("ld-steward", steward=True)
    document = json.loads(export(steward, "jsonld")[0])
    nodes = {node.get("@id"): node for node in document["@graph"]}
    csca = next(n for i, n in nodes.items() if i and i.endswith("/id/institution/csca"))
    assert csca["nscap:parent_role"] == "operator"  # was dropped (issue 14)
    assert csca["parentOrganization"]["@id"].endswith("/id/institution/batan")
    people = next(n for i, n in nodes.items() if i and i.endswith("/id/quantity/syn-people"))
    assert people["nscap:qualifier"] == "more_than"
    assert people["nscap:aggregate_claim"]["@id"].endswith("/id/aggregate_claim/syn-aggregate")
    claim = next(
        n for i, n in nodes.items() if i and i.endswith("/id/collaboration_claim/syn-claim")
    )
    assert claim["nscap:confirmation"] == "confirmed"
    event = next(n for i, n in nodes.items() if i and i.endswith("/id/training_event/syn-event"))
    assert event["nscap:partners"] == [{"institution": "syn-partner", "role": "funder"}]
    assert event["contributor"][0]["@id"].endswith("/id/institution/syn-partner")
    citations = [n for n in document["@graph"] if n["@type"] == "nscap:Citation"]
    assert any(
        n["nscap:citing_record"]["@id"].endswith("/id/training_event/syn-event")
        and n["nscap:footnote"] == 12
        for n in citations
    )
    # As many nodes as JSON Lines rows: nothing is exported in one format only.
    assert len(document["@graph"]) == len(export(steward, "jsonl")[0].splitlines())


@pytest.mark.parametrize(("fmt", "name"), [("xlsx", "all.xlsx"), ("csv", "all.zip")])
def test_export_then_import_changes_nothing_for_every_kind(fmt, name):
    call_command("load_brief", verbosity=0)
    synthetic()
    steward = make_user("rt-steward", steward=True)
    before = export(steward, "jsonl")[0]
    content = export(steward, fmt)[0]
    result = run_import(steward, name, content)
    assert result.plan.ok, result.plan.errors[:5]
    changed = [(r.record_type, r.key) for r in result.plan.rows if r.action != "unchanged"]
    assert changed == [] and result.changeset is None
    assert Changeset.objects.count() == 0
    read_only = {sheet.removesuffix(".csv") for sheet in result.plan.read_only_sheets}
    assert read_only == read_only_table_names()
    records = sum(rt.records().count() for rt in RECORD_TYPES.values())
    assert result.plan.count("unchanged") == records
    assert export(steward, "jsonl")[0] == before


def test_the_csv_zip_has_one_file_per_table_and_columns_for_the_read_only_fields():
    synthetic()
    content = export(make_user("zip-steward", steward=True), "csv")[0]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        claims = archive.read("collaboration_claim.csv").decode("utf-8-sig")
    assert names == [f"{table.name}.csv" for table in tables()]
    head, row = claims.splitlines()[:2]
    assert head.endswith(",confirmation") and row.endswith(",confirmed")


def test_an_edited_read_only_column_is_not_imported():
    """The confirmation column is the partner's to set (``contributions.confirmation``); a
    sheet that changes it changes nothing, so an export can be imported as it is."""
    synthetic()
    steward = make_user("ro-steward", steward=True)
    content = export(steward, "csv", "collaboration_claim")[0].replace(b",confirmed", b",disputed")
    result = run_import(steward, "collaboration_claim.csv", content)
    assert result.plan.ok and result.plan.count("update") == 0
    assert RECORD_TYPES["collaboration_claim"].model.objects.get(key="syn-claim").confirmation == (
        "confirmed"
    )


def test_the_api_the_page_and_the_cli_export_any_table(client, tmp_path):
    synthetic()
    response = client.get("/api/export?format=csv&type=quantity")
    assert response.status_code == 200 and b"syn-people" in response.content
    assert client.get("/data/export?format=jsonl&type=citation").status_code == 200
    assert client.get("/api/export?format=csv&type=no_such_table").status_code in (400, 422)
    output = tmp_path / "needs.jsonl"
    call_command("export", format="jsonl", type="needs_assessment", output=str(output))
    assert output.read_text().count('"record_type": "needs_assessment"') == 1


def test_a_csv_written_in_chunks_has_one_header_and_every_row(tmp_path):
    from nscap.interchange.exporter import CSV_CHUNK
    from nscap.vocabularies.models import Topic

    Topic.objects.bulk_create(
        Topic(key=f"chunk-{n:04d}", name=f"=Topic {n}") for n in range(2 * CSV_CHUNK + 1)
    )
    output = tmp_path / "topics.csv"
    call_command("export", format="csv", type="topic", output=str(output))
    content = output.read_bytes()
    assert content.count("\ufeff".encode()) == 1 and content.count(b"key,sensitivity") == 1
    lines = content.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + Topic.objects.count() and lines[1].startswith("chunk-0000,")
    assert ",'=Topic 0," in lines[1]  # formula-escaped by the one CSV writer
    assert not (tmp_path / "topics.csv.part").exists()


def test_the_cli_refuses_binary_output_to_a_terminal_before_exporting():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Binary output"):
        call_command("export", format="csv")
    with pytest.raises(CommandError, match="Binary output"):
        call_command("export", format="xlsx", type="quantity")
