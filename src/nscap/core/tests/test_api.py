"""The read API as a whole: every endpoint, the allow-list, pagination, 404s, hidden records,
query counts, the OpenAPI schema and the docs page."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.contrib.contenttypes.models import ContentType

from nscap.activities.models import AggregateClaim, EventParticipantCountry, EventPartner
from nscap.institutions.models import CenterProfile, Milestone
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

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/institutions",
    "/api/center-profiles",
    "/api/milestones",
    "/api/courses",
    "/api/events",
    "/api/aggregate-claims",
    "/api/collaboration-claims",
    "/api/networks",
    "/api/memberships",
    "/api/meetings",
    "/api/needs-assessments",
    "/api/quantities",
    "/api/sources",
    "/api/citations",
    "/api/topics",
    "/api/target-groups",
]


def build(tag: str, sensitivity: str = "public") -> dict[str, str]:
    """One record of every type, tagged, all linked to each other; returns list URL -> key.

    Everything around the records (their institution, network, source) is public, so only the
    records' own sensitivity decides whether they show.
    """
    source = make_source(key=f"src-{tag}", sensitivity=sensitivity)
    public_source = make_source(key=f"src-pub-{tag}")
    inst = make_institution(key=f"inst-{tag}", sensitivity=sensitivity)
    owner = make_institution(key=f"owner-{tag}")
    partner = make_institution(key=f"partner-{tag}")
    topic = make_topic(key=f"topic-{tag}", sensitivity=sensitivity)
    group = make_target_group(key=f"group-{tag}", sensitivity=sensitivity)
    profile = CenterProfile.objects.create(
        key=f"profile-{tag}", institution=owner, sensitivity=sensitivity
    )
    profile.topics.add(make_topic(key=f"ptopic-{tag}"))
    milestone = Milestone.objects.create(
        key=f"ms-{tag}",
        institution=owner,
        kind="established",
        date=dt.date(2014, 9, 1),
        date_precision="month",
        counterpart=partner,
        sensitivity=sensitivity,
    )
    course = make_course(key=f"course-{tag}", provider=owner, sensitivity=sensitivity)
    course.topics.add(make_topic(key=f"ctopic-{tag}"))
    course.target_groups.add(make_target_group(key=f"cgroup-{tag}"))
    event = make_event(
        key=f"event-{tag}",
        host=owner,
        course=course if sensitivity == "public" else None,
        start=dt.date(2015, 3, 2),
        sensitivity=sensitivity,
    )
    EventPartner.objects.create(event=event, institution=partner, role="funder")
    EventParticipantCountry.objects.create(event=event, country="VN", count=4)
    aggregate = AggregateClaim.objects.create(
        key=f"agg-{tag}", claimant=owner, description="20 seminars", sensitivity=sensitivity
    )
    make_quantity(key=f"aggq-{tag}", aggregate_claim=aggregate, institution=owner)
    claim = make_claim(key=f"claim-{tag}", claimant=owner, partner=partner, sensitivity=sensitivity)
    make_claim(key=f"back-{tag}", claimant=partner, partner=owner)
    network = make_network(key=f"net-{tag}", convener=owner, sensitivity=sensitivity)
    public_network = make_network(key=f"pubnet-{tag}")
    membership = make_membership(
        key=f"mem-{tag}", network=public_network, institution=owner, sensitivity=sensitivity
    )
    meeting = Meeting.objects.create(
        key=f"meet-{tag}", network=public_network, title="Meeting", sensitivity=sensitivity
    )
    meeting.attendees.add(owner, partner)
    needs = make_needs(key=f"needs-{tag}", sensitivity=sensitivity)
    make_quantity(key=f"needsq-{tag}", needs_assessment=needs)
    quantity = make_quantity(
        key=f"qty-{tag}", institution=owner, network=public_network, sensitivity=sensitivity
    )
    for record in (inst, profile, milestone, course, event, aggregate, claim, network, quantity):
        cite(record, source=public_source, footnote=7, quote=f"said of {record.key}")
    cite(membership, source=source, footnote=8)
    return {
        "/api/institutions": inst.key,
        "/api/center-profiles": profile.key,
        "/api/milestones": milestone.key,
        "/api/courses": course.key,
        "/api/events": event.key,
        "/api/aggregate-claims": aggregate.key,
        "/api/collaboration-claims": claim.key,
        "/api/networks": network.key,
        "/api/memberships": membership.key,
        "/api/meetings": meeting.key,
        "/api/needs-assessments": needs.key,
        "/api/quantities": quantity.key,
        "/api/sources": source.key,
        "/api/topics": topic.key,
        "/api/target-groups": group.key,
    }


def item_keys(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["key"] for item in response.json()["items"]]


def all_keys(client, url: str) -> list[str]:
    return item_keys(client.get(url, {"limit": 500}))


# --- every endpoint --------------------------------------------------------------------------


@pytest.mark.parametrize("url", [u for u in LISTS if u != "/api/citations"])
def test_every_list_and_detail_serves_a_public_record(client, url):
    keys = build("a")
    assert keys[url] in all_keys(client, url)
    response = client.get(f"{url}/{keys[url]}")
    assert response.status_code == 200
    body = response.json()
    assert body["key"] == keys[url]
    assert isinstance(body["citations"], list)


@pytest.mark.parametrize(
    "url", ["/api/institutions", "/api/milestones", "/api/courses", "/api/events", "/api/networks"]
)
def test_records_carry_their_citations(client, url):
    keys = build("a")
    body = client.get(f"{url}/{keys[url]}").json()
    assert body["citations"] == [
        {
            "source": "src-pub-a",
            "record_type": body["citations"][0]["record_type"],
            "record_key": keys[url],
            "field": "",
            "footnote": 7,
            "locator": "",
            "quote": f"said of {keys[url]}",
        }
    ]


@pytest.mark.parametrize("url", [u for u in LISTS if u != "/api/citations"])
def test_restricted_records_are_absent_from_lists_and_counts_for_visitors(client, steward, url):
    public, hidden = build("a"), build("b", "restricted")
    response = client.get(url, {"limit": 500})
    keys = item_keys(response)
    assert public[url] in keys
    assert hidden[url] not in keys
    assert response.json()["count"] == len(keys)
    client.force_login(steward)
    response = client.get(url, {"limit": 500})
    steward_keys = item_keys(response)
    assert hidden[url] in steward_keys
    assert set(keys) < set(steward_keys)
    assert response.json()["count"] == len(steward_keys)


@pytest.mark.parametrize("url", [u for u in LISTS if u != "/api/citations"])
def test_restricted_record_detail_is_404_for_visitors_and_seen_by_steward(client, steward, url):
    hidden = build("b", "restricted")[url]
    response = client.get(f"{url}/{hidden}")
    assert response.status_code == 404
    unknown = client.get(f"{url}/no-such-key").json()
    assert set(response.json()) == {"detail"}  # answers exactly as for a key that is not there
    assert response.json()["detail"].replace(hidden, "?") == unknown["detail"].replace(
        "no-such-key", "?"
    )
    client.force_login(steward)
    assert client.get(f"{url}/{hidden}").json()["key"] == hidden


@pytest.mark.parametrize("url", [u for u in LISTS if u != "/api/citations"])
def test_unknown_key_is_a_json_404(client, url):
    response = client.get(f"{url}/no-such-key")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "no-such-key" in response.json()["detail"]


# --- the allow-list and malformed values -----------------------------------------------------


@pytest.mark.parametrize("url", LISTS)
def test_unknown_query_parameter_is_a_400_naming_it(client, url):
    response = client.get(url, {"foo": "1"})
    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == "foo"
    assert body["detail"].startswith("Unknown query parameter 'foo'. Allowed: limit, offset")


def test_unknown_query_parameter_on_a_detail_is_a_400(client):
    make_institution(key="insa")
    response = client.get("/api/institutions/insa", {"expand": "all"})
    assert response.status_code == 400
    assert response.json()["parameter"] == "expand"


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("limit", "-1"),
        ("limit", "0"),
        ("limit", "501"),
        ("limit", "ten"),
        ("offset", "-1"),
        ("offset", "12933117581945249792"),
    ],
)
def test_malformed_pagination_is_a_400_naming_the_parameter(client, url, parameter, value):
    response = client.get(url, {parameter: value})
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
    assert parameter in response.json()["detail"]


@pytest.mark.parametrize(
    ("url", "parameter", "value"),
    [
        ("/api/institutions", "kind", "nonsense"),
        ("/api/institutions", "country", "Japan"),
        ("/api/milestones", "year", "abc"),
        ("/api/milestones", "status", "maybe"),
        ("/api/events", "year", "abc"),
        ("/api/events", "from", "2014-13"),
        ("/api/events", "to", "last year"),
        ("/api/courses", "kind", "lecture"),
        ("/api/collaboration-claims", "confirmation", "sure"),
        ("/api/quantities", "qualifier", "roughly"),
        ("/api/citations", "record_type", "planet"),
        ("/api/citations", "footnote", "x"),
        ("/api/sources", "kind", "rumour"),
        ("/api/meetings", "year", "0"),
    ],
)
def test_malformed_filter_value_is_a_400_naming_the_parameter(client, url, parameter, value):
    response = client.get(url, {parameter: value})
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
    assert f"'{parameter}'" in response.json()["detail"]


# --- pagination ------------------------------------------------------------------------------


def test_pages_never_repeat_or_skip_and_link_to_each_other(client):
    for n in range(7):
        make_institution(key=f"inst-{n}", name="Same name")  # ties broken by key
    seen, url = [], "/api/institutions?limit=3"
    pages = 0
    while url:
        body = client.get(url).json()
        assert body["count"] == 7
        seen += [item["key"] for item in body["items"]]
        url = body["next"]
        pages += 1
    assert pages == 3
    assert seen == [f"inst-{n}" for n in range(7)]
    last = client.get("/api/institutions", {"limit": 3, "offset": 6}).json()
    assert last["next"] is None
    assert last["previous"] == "http://testserver/api/institutions?limit=3&offset=3"
    first = client.get("/api/institutions", {"limit": 3}).json()
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/institutions?limit=3&offset=3"


def test_links_keep_the_filters(client):
    for n in range(3):
        make_institution(key=f"kr-{n}", country="KR")
    make_institution(key="jp-0", country="JP")
    body = client.get("/api/institutions", {"country": "KR", "limit": 2}).json()
    assert body["count"] == 3
    assert "country=KR" in body["next"]
    assert item_keys(client.get(body["next"])) == ["kr-2"]


def test_offset_past_the_end_is_an_empty_page_with_the_count(client):
    for n in range(3):
        make_institution(key=f"inst-{n}")
    body = client.get("/api/institutions", {"offset": 10}).json()
    assert body["items"] == []
    assert body["count"] == 3
    assert body["next"] is None
    assert body["previous"] == "http://testserver/api/institutions?limit=50"


def test_default_page_is_50_and_limit_goes_up_to_500(client):
    for n in range(51):
        make_topic(key=f"topic-{n:02d}")
    default = client.get("/api/topics").json()
    assert len(default["items"]) == 50
    assert default["count"] == 51
    assert default["next"].endswith("limit=50&offset=50")
    assert len(client.get("/api/topics", {"limit": 500}).json()["items"]) == 51
    assert client.get("/api/topics", {"limit": 501}).status_code == 400


# --- citations -------------------------------------------------------------------------------


def test_citations_list_names_source_record_type_and_key(client):
    source = make_source(key="brief")
    inst = make_institution(key="insa")
    cite(inst, source=source, footnote=12, locator="Table 1", quote="INSA", field="name")
    body = client.get("/api/citations").json()
    assert body["items"] == [
        {
            "source": "brief",
            "record_type": "institution",
            "record_key": "insa",
            "field": "name",
            "footnote": 12,
            "locator": "Table 1",
            "quote": "INSA",
        }
    ]


def test_citations_of_hidden_records_or_by_hidden_sources_are_left_out(client, steward):
    public_source, hidden_source = (
        make_source(key="pub"),
        make_source(key="secret", sensitivity="restricted"),
    )
    shown = make_institution(key="shown")
    hidden = make_institution(key="hidden", sensitivity="restricted")
    cite(shown, source=public_source, footnote=1)
    cite(hidden, source=public_source, footnote=2)
    cite(shown, source=hidden_source, footnote=3)
    body = client.get("/api/citations").json()
    assert [(c["record_key"], c["footnote"]) for c in body["items"]] == [("shown", 1)]
    assert body["count"] == 1
    assert client.get("/api/institutions/shown").json()["citations"][0]["footnote"] == 1
    assert len(client.get("/api/institutions/shown").json()["citations"]) == 1
    assert client.get("/api/sources/pub").json()["cited_count"] == 1
    client.force_login(steward)
    assert client.get("/api/citations").json()["count"] == 3
    assert client.get("/api/sources/pub").json()["cited_count"] == 2


def test_citation_of_a_label_follows_its_institution(client):
    inst = make_institution(key="snstc", labels=[("国家核安保技术中心", "zh-Hans", "Hans", "name")])
    label = inst.labels.get(language="zh-Hans")
    cite(label, source=make_source(key="brief"), footnote=4)
    hidden = make_institution(key="hidden", sensitivity="restricted")
    cite(hidden.labels.get(), source=make_source(key="other"), footnote=5)
    items = client.get("/api/citations").json()["items"]
    assert [(c["record_type"], c["record_key"]) for c in items] == [("label", "snstc")]


def test_citations_of_unknown_record_types_are_never_shown(client):
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="anything")
    from nscap.sources.models import Citation

    Citation.objects.create(
        source=make_source(key="brief"),
        content_type=ContentType.objects.get_for_model(group),
        object_id=group.pk,
    )
    assert client.get("/api/citations").json()["count"] == 0


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"source": "brief"}, [("insa", 1), ("insa", 2)]),
        ({"source": "other"}, [("sp-course", 3)]),
        ({"record_type": "course"}, [("sp-course", 3)]),
        ({"record": "insa"}, [("insa", 1), ("insa", 2)]),
        ({"record": "insa", "record_type": "course"}, []),
        ({"footnote": 2}, [("insa", 2)]),
    ],
)
def test_citation_filters(client, params, expected):
    brief, other = make_source(key="brief"), make_source(key="other")
    inst = make_institution(key="insa")
    cite(inst, source=brief, footnote=1, locator="a")
    cite(inst, source=brief, footnote=2, locator="b")
    cite(make_course(key="sp-course"), source=other, footnote=3)
    items = client.get("/api/citations", params).json()["items"]
    assert [(c["record_key"], c["footnote"]) for c in items] == expected


# --- query counts ----------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("as_steward", [False, True], ids=["visitor", "steward"])
@pytest.mark.parametrize("url", LISTS)
def test_list_query_count_does_not_grow_with_the_page(
    client, steward, url, as_steward, django_assert_max_num_queries
):
    if as_steward:
        client.force_login(steward)
    # Pages of two, so that both reads fill their page and count the list (a page that is not
    # full ends the list and needs no COUNT query).
    url += ("&" if "?" in url else "?") + "limit=2"
    build("a")
    build("a2")
    build("b", "restricted")
    few = _queries(client, url)
    for tag in "cdef":
        build(tag)
        build(f"{tag}-hidden", "restricted")
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert response.json()["count"] >= 5
    assert few <= (40 if as_steward else 14)  # a steward's check is one query per visible_to


@pytest.mark.parametrize("url", [u for u in LISTS if u != "/api/citations"])
def test_detail_query_count_is_bounded(client, url, django_assert_max_num_queries):
    keys = build("a")
    with django_assert_max_num_queries(14):
        assert client.get(f"{url}/{keys[url]}").status_code == 200


# --- schema and docs -------------------------------------------------------------------------


def test_openapi_schema_validates_and_documents_every_endpoint(client):
    from openapi_spec_validator import validate

    response = client.get("/api/schema")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    for url in LISTS:
        operation = schema["paths"][url]["get"]
        names = {p["name"] for p in operation.get("parameters", [])}
        assert {"limit", "offset"} <= names
        assert {"200", "400"} <= set(operation["responses"])
    assert "404" in schema["paths"]["/api/institutions/{key}"]["get"]["responses"]
    event_filters = {p["name"] for p in schema["paths"]["/api/events"]["get"]["parameters"]}
    assert {"host", "country", "year", "from", "to"} <= event_filters


def test_docs_page_loads_from_local_static_files_only(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert references, html
    assert all(ref.startswith("/static/") for ref in references), references
    assert not re.search(r"https?://", html), "the docs page must not reference any URL"
    settings = json.loads(re.search(r'id="swagger-settings">(.*?)</script>', html, re.S)[1])
    assert settings["validatorUrl"] is None  # the badge would call validator.swagger.io
    assert settings["url"] == "/api/schema"
    for ref in references:
        asset = client.get(ref)
        assert asset.status_code == 200, ref
        body = b"".join(asset.streaming_content) if asset.streaming else asset.content
        assert len(body) > 100, ref


@pytest.mark.browser
def test_docs_page_renders_in_a_browser_without_leaving_the_server(live_server, page):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/api/docs")
    page.get_by_text("/api/institutions/{key}").first.wait_for()
    assert requested
    outside = [url for url in requested if not url.startswith(live_server.url)]
    assert outside == []


def test_docs_api_md_documents_every_endpoint_and_parameter(client):
    """docs/api.md must name every path and every query parameter the schema has."""
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[4] / "docs" / "api.md").read_text(encoding="utf-8")
    schema = client.get("/api/schema").json()
    missing = []
    for path, operations in schema["paths"].items():
        if path not in docs:
            missing.append(path)
        for operation in operations.values():  # writes too (some paths have no GET)
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and f"`{parameter['name']}`" not in docs:
                    missing.append(f"{path}?{parameter['name']}")
    assert missing == []
