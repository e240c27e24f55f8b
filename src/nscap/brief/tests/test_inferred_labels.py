"""Inferred is not stated (issue 15, item 5 and finding 7): labels the source does not name are
stored and shown as inferred, with the source's words as evidence, on the course page, the
institution page and in the API; analytics and filters still use them."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from nscap.activities.models import Course
from nscap.core.choices import Sensitivity
from nscap.testing.factories import make_course, make_topic
from nscap.testing.roles import make_steward
from nscap.vocabularies.inferred import TOPICS, judge

pytestmark = pytest.mark.django_db

DETECTION = "csca-performance-testing-detection"


def label(key: str, name: str, aliases: tuple[str, ...] = (), name_zh: str = ""):
    return SimpleNamespace(key=key, name=name, name_zh=name_zh, aliases=list(aliases))


def test_a_label_is_stated_only_when_the_source_names_it():
    protection = label("physical-protection", "Physical protection", ("performance testing",))
    assessment = label("vulnerability-assessment", "Vulnerability assessment")
    culture = label("security-culture", "Nuclear security culture", name_zh="核安保文化")
    assert judge(TOPICS, [protection], "performance testing: detection") == [
        {
            "field": "topics",
            "key": "physical-protection",
            "evidence": "performance testing: detection",
            "matched": "performance testing",
        }
    ]
    # Its name, its key's words, its Chinese name: stated, whatever the case or punctuation.
    assert judge(TOPICS, [assessment], "VULNERABILITY-assessment") == []
    assert judge(TOPICS, [protection], "Physical  Protection; detection") == []
    assert judge(TOPICS, [culture], "培训：核安保文化") == []
    # Whole words: "protection" alone does not state physical protection.
    assert judge(TOPICS, [protection], "protection of sources")[0]["matched"] == ""


def spans(html: str, attribute: str = "data-basis") -> dict[str, str]:
    return dict(re.findall(r'data-label="([^"]+)" ' + attribute + r'="([^"]+)"', html))


def test_csca_detection_course_is_physical_protection_only_by_inference(brief, client):
    html = client.get(f"/courses/{DETECTION}/").content.decode()
    assert spans(html) == {"physical-protection": "inferred", "operators": "inferred"}
    evidence = re.search(r'data-evidence="physical-protection">([^<]*)<', html)[1]
    assert "“performance testing” in the source's words “performance testing: detection”" in (
        evidence.replace("&#x27;", "'")
    )
    body = client.get(f"/api/courses/{DETECTION}").json()
    assert [t["key"] for t in body["topics"]] == ["physical-protection"]  # still tagged
    assert {(i["field"], i["key"]): i["evidence"] for i in body["inferred"]} == {
        ("topics", "physical-protection"): "performance testing: detection",
        ("target_groups", "operators"): "In-house (BATAN staff) /regional … "
        + Course.objects.get(key=DETECTION).source_text,
    }


def test_a_topic_the_cell_names_is_stated(brief, client):
    html = client.get("/courses/csca-vulnerability-assessment/").content.decode()
    assert spans(html)["vulnerability-assessment"] == "stated"
    body = client.get("/api/courses/csca-vulnerability-assessment").json()
    assert [i["key"] for i in body["inferred"] if i["field"] == "topics"] == []


def test_the_institution_page_and_api_mark_a_profile_topic_read_into_its_words(brief, client):
    html = client.get("/institutions/csca/").content.decode()
    assert spans(html) == {
        "security-culture": "stated",
        "security-culture-self-assessment": "inferred",
    }
    assert 'data-evidence="security-culture-self-assessment"' in html
    profile = client.get("/api/institutions/csca").json()["profile"]
    assert [(i["key"], i["evidence"]) for i in profile["inferred"]] == [
        ("security-culture-self-assessment", "Nuclear security culture/ assessment")
    ]


def test_analytics_and_filters_still_use_inferred_labels(brief, client):
    listed = client.get("/api/courses", {"topic": "physical-protection", "limit": 100}).json()
    assert DETECTION in {c["key"] for c in listed["items"]}


def test_a_hidden_topic_is_never_named_as_inferred(brief):
    secret = make_topic(key="secret-topic", name="Secret", sensitivity=Sensitivity.RESTRICTED)
    course = make_course(
        inferred_labels=[
            {"field": "topics", "key": "secret-topic", "evidence": "words", "matched": ""}
        ]
    )
    course.topics.set([secret])
    visitor = Client().get(f"/api/courses/{course.key}").json()
    assert visitor["topics"] == [] and visitor["inferred"] == []
    steward = Client()
    steward.force_login(make_steward())
    body = steward.get(f"/api/courses/{course.key}").json()
    assert [i["key"] for i in body["inferred"]] == ["secret-topic"]
    page = steward.get(f"/courses/{course.key}/").content.decode()
    assert spans(page) == {"secret-topic": "inferred"}
    assert "secret-topic" not in Client().get(f"/courses/{course.key}/").content.decode()


def test_an_event_with_no_topic_of_its_own_shows_its_courses_with_their_basis(brief, client):
    from nscap.testing.factories import make_event

    course = Course.objects.get(key=DETECTION)
    event = make_event(host=course.provider, course=course)
    html = client.get(reverse("activities:event", args=[event.key])).content.decode()
    assert spans(html) == {"physical-protection": "inferred"}
    assert 'data-evidence="physical-protection"' in html


def test_the_export_carries_the_inferred_labels(brief):
    import json

    from nscap.interchange.exporter import export

    content, _type, _name = export(None, "jsonl", "course")
    rows = {r["key"]: r for r in map(json.loads, content.decode().splitlines()) if r}
    assert [i["key"] for i in rows[DETECTION]["inferred_labels"]] == [
        "physical-protection",
        "operators",
    ]


@pytest.mark.parametrize("bulk_writes", [False, True], ids=["one-by-one", "bulk"])
def test_a_person_who_changes_the_topics_states_them(brief, settings, bulk_writes):
    """The inferred marks were stored by the loader; once a person sets a field's labels, they
    are stated, and only that field's marks go (a title edit keeps them all)."""
    from nscap.contributions.services import ProposedChange, propose

    settings.NSCAP_BULK_WRITES = bulk_writes
    steward = make_steward()
    propose(steward, [ProposedChange("update", "course", DETECTION, {"title": "Detection"})])
    course = Course.objects.get(key=DETECTION)
    assert course.title == "Detection"
    assert {m["field"] for m in course.inferred_labels} == {"topics", "target_groups"}
    make_topic(key="detection-systems", name="Detection systems")
    topics = ["physical-protection", "detection-systems"]
    propose(steward, [ProposedChange("update", "course", DETECTION, {"topics": topics})])
    course.refresh_from_db()
    assert sorted(course.topics.values_list("key", flat=True)) == sorted(topics)
    assert [m["field"] for m in course.inferred_labels] == ["target_groups"]
