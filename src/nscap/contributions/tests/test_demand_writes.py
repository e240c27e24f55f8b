"""Issue 14, items 2-5 through the write API and the web forms: needs assessments and figures,
aggregate claims' figures, partners without a role, vocabularies (stewards only). Every write is
a changeset with a history row; refusals name the field and write nothing."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from nscap.accounts.tokens import create_token
from nscap.activities.models import AggregateClaim, TrainingEvent
from nscap.contributions.models import Changeset, HistoryEntry
from nscap.needs.models import NeedsAssessment
from nscap.quantities.models import Quantity
from nscap.sources.models import Citation
from nscap.testing.factories import (
    make_institution,
    make_needs,
    make_quantity,
    make_source,
    make_target_group,
    make_topic,
)
from nscap.testing.roles import make_user
from nscap.vocabularies.models import TargetGroup, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    insa = make_institution(key="insa", name="INSA", country="KR")
    iscn = make_institution(key="iscn", name="ISCN", country="JP")
    make_topic(key="physical-protection", name="Physical protection")
    make_target_group(key="regulators", name="Regulators")
    make_source(key="wins", title="WINS survey")
    return {
        "insa": insa,
        "iscn": iscn,
        "steward": make_user("steward-1", steward=True),
        "kim": make_user("kim", institution=insa),
    }


def _api(user) -> callable:
    token = create_token(user, "t", "write")[1]
    client = Client()

    def call(method: str, path: str, body: dict | None = None):
        return getattr(client, method)(
            f"/api{path}",
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )

    return call


def _written() -> tuple:
    return (
        Changeset.objects.count(),
        HistoryEntry.objects.count(),
        NeedsAssessment.objects.count(),
        Quantity.objects.count(),
        Topic.objects.count(),
        AggregateClaim.objects.count(),
    )


# --- needs: API -------------------------------------------------------------------------------


def test_a_steward_writes_a_needs_assessment_and_its_figures_through_the_api(cast):
    call = _api(cast["steward"])
    response = call(
        "post",
        "/needs-assessments",
        {
            "key": "survey",
            "title": "Regional survey",
            "assessor": "insa",
            "region": "East Asia",
            "method": "questionnaire",
            "sources": ["wins"],
        },
    )
    assert response.status_code == 201, response.content
    response = call(
        "post",
        "/needs-figures",
        {
            "key": "kr-2025",
            "needs_assessment": "survey",
            "country": "KR",
            "topic": "physical-protection",
            "year": 2025,
            "people": 300,
            "qualifier": "almost",
        },
    )
    assert response.status_code == 201, response.content
    figure = Quantity.objects.get(key="kr-2025")
    assert (figure.value, figure.qualifier, figure.period_start.year) == (300, "almost", 2025)
    assert HistoryEntry.objects.filter(action="needs.figure.create", record_key="kr-2025").exists()
    entry = HistoryEntry.objects.get(action="needs.assessment.create")
    assert entry.after["sources"] == ["wins"]
    assessment = NeedsAssessment.objects.get(key="survey")
    assert Citation.objects.filter(object_id=assessment.pk, source__key="wins").exists()
    # an update through PATCH: history holds before and after
    response = call("patch", "/needs-figures/kr-2025", {"people": 350})
    assert response.status_code == 200, response.content
    update = HistoryEntry.objects.get(action="needs.figure.update")
    assert (update.before["people"], update.after["people"]) == (300, 350)
    # read back through the read API: the figure's own cell
    [read] = call("get", "/needs-assessments/survey").json()["quantities"]
    assert (read["key"], read["value"], read["country"]) == ("kr-2025", 350, "KR")
    assert read["topic"]["key"] == "physical-protection" and read["target_group"] is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("qualifier", "roughly"),
        ("topic", "alchemy"),
        ("people", -1),
        ("people", 10**12),
        ("year", 3000),
        ("needs_assessment", "no-such-study"),
    ],
)
def test_bad_needs_figures_are_refused_by_field_and_nothing_is_written(cast, field, value):
    make_needs(key="survey", title="Survey")
    body = {"needs_assessment": "survey", "year": 2025, "people": 10, field: value}
    before = _written()
    response = _api(cast["steward"])("post", "/needs-figures", body)
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["detail"]] == [field]
    assert _written() == before


def test_a_needs_figure_path_does_not_reach_other_quantities(cast):
    """A figure of an institution (not of a needs assessment) is not a needs figure."""
    make_quantity(key="insa-trained", measure="people_trained", institution=cast["insa"])
    response = _api(cast["steward"])("patch", "/needs-figures/insa-trained", {"people": 1})
    assert response.status_code == 404


# --- needs: forms -----------------------------------------------------------------------------


def test_the_needs_forms_write_through_changesets(cast):
    client = Client()
    client.force_login(cast["steward"])
    response = client.post(
        "/contribute/needs_assessment/new/",
        {"title": "Survey", "assessor": "insa", "cited": ["wins"], "sensitivity": "public"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assessment = NeedsAssessment.objects.get(title="Survey")
    assert Citation.objects.filter(object_id=assessment.pk, source__key="wins").exists()
    response = client.post(
        "/contribute/needs_figure/new/",
        {
            "needs_assessment": assessment.key,
            "year": "2024",
            "people": "120",
            "qualifier": "just_over",
            "measure": "people_needing_training",
            "country": "KR",
            "target_group": "regulators",
            "sensitivity": "public",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    figure = Quantity.objects.get(needs_assessment=assessment)
    assert figure.target_group.key == "regulators" and figure.qualifier == "just_over"
    assert HistoryEntry.objects.filter(action="needs.figure.create").count() == 1
    # the edit form shows the figure as written
    page = client.get(f"/contribute/needs_figure/{figure.key}/edit/").content.decode()
    assert 'value="120"' in page and 'value="2024"' in page


def test_the_needs_figure_form_shows_a_bad_number_next_to_its_field(cast):
    client = Client()
    client.force_login(cast["steward"])
    assessment = make_needs(key="survey", title="Survey")
    before = _written()
    response = client.post(
        "/contribute/needs_figure/new/",
        {
            "needs_assessment": assessment.key,
            "year": "2024",
            "people": "-4",
            "qualifier": "exact",
            "measure": "people_needing_training",
            "sensitivity": "public",
        },
    )
    assert response.status_code == 200
    assert "people" in response.context["form"].errors
    assert _written() == before


# --- aggregate claims -------------------------------------------------------------------------


def test_aggregate_claim_figures_through_the_api_and_the_form(cast):
    response = _api(cast["steward"])(
        "post",
        "/aggregate-claims",
        {
            "key": "claim-1",
            "claimant": "insa",
            "description": "20 seminars for over 500 staff",
            "courses": 20,
            "people": 500,
            "people_qualifier": "over",
            "period_start": "2010",
            "period_end": "2012",
            "country": "KR",
        },
    )
    assert response.status_code == 201, response.content
    claim = AggregateClaim.objects.get(key="claim-1")
    assert (claim.courses, claim.people, claim.people_qualifier) == (20, 500, "over")
    read = _api(cast["steward"])("get", "/aggregate-claims/claim-1").json()
    assert (read["courses"], read["people"], read["people_qualifier"]) == (20, 500, "over")
    refused = _api(cast["steward"])(
        "post",
        "/aggregate-claims",
        {"claimant": "insa", "description": "x", "courses_qualifier": "heaps", "people": -2},
    )
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["detail"]} == {"courses_qualifier", "people"}
    client = Client()
    client.force_login(cast["kim"])
    response = client.post(
        "/contribute/aggregate_claim/new/",
        {
            "claimant": "insa",
            "description": "12 courses for about 300 people",
            "courses": "12",
            "courses_qualifier": "exact",
            "people": "300",
            "people_qualifier": "approximately",
            "period_start": "2015",
            "sensitivity": "public",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    change = Changeset.objects.filter(author=cast["kim"]).get().changes.get()
    assert (change.data["people"], change.data["people_qualifier"]) == (300, "approximately")


# --- partners without a role ------------------------------------------------------------------


def test_an_event_partner_without_a_role_is_accepted_by_the_api(cast):
    response = _api(cast["steward"])(
        "post",
        "/events",
        {"key": "ev-1", "host": "insa", "title": "Course", "partners": [{"institution": "iscn"}]},
    )
    assert response.status_code == 201, response.content
    [partner] = TrainingEvent.objects.get(key="ev-1").partners.all()
    assert partner.role == "unspecified"
    entry = HistoryEntry.objects.get(action="activities.training_event.create")
    assert entry.after["partners"] == [{"institution": "iscn", "role": "unspecified"}]


# --- vocabularies: stewards only --------------------------------------------------------------


def test_a_steward_extends_the_vocabularies_through_the_api(cast):
    call = _api(cast["steward"])
    response = call(
        "post",
        "/topics",
        {
            "key": "transport-security",
            "name": "Transport security",
            "name_zh": "运输安保",
            "nss_references": ["NSS 9-G"],
            "aliases": ["transport", "輸送セキュリティ"],
        },
    )
    assert response.status_code == 201, response.content
    assert Topic.objects.get(key="transport-security").aliases == ["transport", "輸送セキュリティ"]
    assert HistoryEntry.objects.filter(action="vocabularies.topic.create").exists()
    response = call("post", "/target-groups", {"key": "customs", "name": "Customs"})
    assert response.status_code == 201, response.content
    assert TargetGroup.objects.filter(key="customs").exists()
    response = call("patch", "/topics/physical-protection", {"aliases": ["PP", "实物保护"]})
    assert response.status_code == 200, response.content
    update = HistoryEntry.objects.get(action="vocabularies.topic.update")
    assert update.after["aliases"] == ["PP", "实物保护"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/topics", {"name": "Alchemy"}),
        ("post", "/target-groups", {"name": "Wizards"}),
        ("patch", "/topics/physical-protection", {"name": "Renamed"}),
    ],
)
def test_a_contributor_may_not_extend_the_vocabularies(cast, method, path, body):
    before = _written()
    response = _api(cast["kim"])(method, path, body)
    assert response.status_code == 403, response.content
    assert "Only stewards extend the vocabularies" in response.json()["detail"]
    assert _written() == before
    assert Topic.objects.get(key="physical-protection").name == "Physical protection"


def test_the_vocabulary_forms_are_stewards_only(cast):
    client = Client()
    client.force_login(cast["kim"])
    for path in ("/contribute/topic/new/", "/contribute/target_group/new/"):
        response = client.get(path)
        assert response.status_code == 403
        assert "Only stewards extend the vocabularies" in response.content.decode()
        assert client.post(path, {"name": "Alchemy", "sensitivity": "public"}).status_code == 403
    assert not Topic.objects.filter(name="Alchemy").exists()
    client.force_login(cast["steward"])
    response = client.post(
        "/contribute/topic/new/",
        {
            "name": "Insider threat",
            "nss_references": "NSS 8; NSS 8-G",
            "aliases": "insiders; 内部威胁",
            "parent": "physical-protection",
            "sensitivity": "public",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    topic = Topic.objects.get(name="Insider threat")
    assert topic.nss_references == ["NSS 8", "NSS 8-G"] and topic.aliases == [
        "insiders",
        "内部威胁",
    ]
    assert topic.parent.key == "physical-protection"
    assert HistoryEntry.objects.filter(action="vocabularies.topic.create").count() == 1


@pytest.mark.parametrize(
    "record_type",
    ["aggregate_claim", "needs_assessment", "needs_figure", "topic", "target_group"],
)
def test_the_new_forms_render_for_a_steward(cast, record_type):
    make_needs(key="survey", title="Survey")
    client = Client()
    client.force_login(cast["steward"])
    response = client.get(f"/contribute/{record_type}/new/")
    assert response.status_code == 200
    assert 'name="sensitivity"' in response.content.decode()


def test_the_contribute_page_links_the_new_forms_and_the_vocabularies_only_for_stewards(cast):
    client = Client()
    client.force_login(cast["kim"])
    page = client.get("/contribute/").content.decode()
    assert "/contribute/needs_figure/new/" in page and "/contribute/aggregate_claim/new/" in page
    assert "/contribute/topic/new/" not in page
    client.force_login(cast["steward"])
    assert "/contribute/topic/new/" in client.get("/contribute/").content.decode()
