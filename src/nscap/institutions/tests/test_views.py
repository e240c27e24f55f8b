"""Institutions list (filters, search, htmx partial) and the institution page."""

import datetime as dt

import pytest
from django.urls import reverse

from nscap.institutions.models import CenterProfile, Milestone
from nscap.testing.factories import (
    cite,
    make_claim,
    make_course,
    make_event,
    make_institution,
    make_membership,
    make_network,
    make_quantity,
    make_source,
    make_topic,
)

pytestmark = pytest.mark.django_db
LIST = reverse("institutions:list")


@pytest.fixture
def world():
    cnnc = make_institution(
        key="cnnc", name="China Atomic Energy Authority", kind="regulator", country="CN"
    )
    snstc = make_institution(
        key="snstc",
        name="State Nuclear Security Technology Center",
        country="CN",
        parent=cnnc,
        parent_role="government_agency",
        labels=[
            ("国家核安保技术中心", "zh-Hans", "Hans", "name"),
            ("SNSTC", "en", "Latn", "acronym"),
        ],
    )
    insa = make_institution(
        key="insa",
        name="International Nuclear Nonproliferation and Security Academy",
        country="KR",
        labels=[("INSA", "en", "Latn", "acronym")],
    )
    regulator = make_institution(
        key="nssc-kr", name="Nuclear Safety and Security Commission", kind="regulator", country="KR"
    )
    topic = make_topic(key="physical-protection", name="Physical protection")
    profile = CenterProfile.objects.create(
        key="snstc-profile",
        institution=snstc,
        geographic_focus=["national"],
        geographic_focus_planned=["regional"],
        activity_focus=["training"],
        activity_focus_text="training and technical support",
    )
    profile.topics.add(topic)
    network = make_network(key="asian-network", name="Asian Regional Network")
    make_membership(network=network, institution=insa)
    return {
        "snstc": snstc,
        "insa": insa,
        "cnnc": cnnc,
        "regulator": regulator,
        "topic": topic,
        "network": network,
    }


def names(response):
    return [row["institution"].key for row in response.context["rows"]]


def test_list_shows_visible_institutions(client, world):
    response = client.get(LIST)
    assert response.status_code == 200
    assert set(names(response)) == {"snstc", "insa", "cnnc", "nssc-kr"}
    assert "国家核安保技术中心" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "KR"}, {"insa", "nssc-kr"}),
        ({"kind": "regulator"}, {"cnnc", "nssc-kr"}),
        ({"topic": "physical-protection"}, {"snstc"}),
        ({"network": "asian-network"}, {"insa"}),
        ({"country": "KR", "kind": "regulator"}, {"nssc-kr"}),
    ],
)
def test_list_filters(client, world, params, expected):
    assert set(names(client.get(LIST, params))) == expected


def test_topic_filter_also_finds_course_topics(client, world):
    course = make_course(provider=world["insa"])
    course.topics.add(world["topic"])
    assert set(names(client.get(LIST, {"topic": "physical-protection"}))) == {"snstc", "insa"}


def test_topic_filter_ignores_hidden_courses(client, world):
    course = make_course(provider=world["insa"], sensitivity="restricted")
    course.topics.add(world["topic"])
    assert set(names(client.get(LIST, {"topic": "physical-protection"}))) == {"snstc"}


@pytest.mark.parametrize(
    "params", [{"country": "ZZ"}, {"kind": "spaceship"}, {"topic": "nope"}, {"network": "<script>"}]
)
def test_bad_filter_values_give_a_message_not_an_error(client, world, params):
    response = client.get(LIST, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "is not a value you can filter by" in html
    assert "<script>" not in html.split("<main", 1)[1]
    # the bad filter is ignored, so everything visible is listed
    assert len(names(response)) == 4


@pytest.mark.parametrize(
    ("text", "key"), [("INSA", "insa"), ("国家核安保技术中心", "snstc"), ("snstc", "snstc")]
)
def test_search_across_labels_in_any_script(client, world, text, key):
    response = client.get(LIST, {"q": text})
    assert key in names(response)
    assert "Matched:" in response.content.decode()


def test_search_without_match_says_so(client, world):
    response = client.get(LIST, {"q": "no such centre anywhere"})
    assert names(response) == []
    assert "No institution matches" in response.content.decode()


def test_htmx_request_gets_only_the_results_partial(client, world):
    response = client.get(LIST, {"q": "INSA"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and "<nav" not in html
    assert "insa" in names(response)


def test_list_hides_restricted_for_visitor_shows_for_steward(client, steward, world):
    make_institution(
        key="secret-centre",
        name="Secret Centre",
        sensitivity="restricted",
        labels=[("SECRETC", "en", "Latn", "acronym")],
    )
    assert "secret-centre" not in names(client.get(LIST))
    assert "secret-centre" not in names(client.get(LIST, {"q": "SECRETC"}))
    client.force_login(steward)
    assert "secret-centre" in names(client.get(LIST))


def test_hidden_parent_is_not_named_in_list(client, world):
    hidden = make_institution(
        key="hidden-parent", name="Hidden Parent Org", sensitivity="restricted"
    )
    make_institution(key="child", name="Visible Child", parent=hidden, parent_role="operator")
    html = client.get(LIST).content.decode()
    assert "Visible Child" in html and "Hidden Parent Org" not in html


def test_institution_page_shows_facts_milestones_and_sources(client, world):
    snstc = world["snstc"]
    brief = make_source(key="brief", title="The COE brief")
    cite(snstc, brief, footnote=12, quote="sits under the CAEA")
    Milestone.objects.create(
        key="m1",
        institution=snstc,
        kind="mou_signed",
        date=dt.date(2011, 1, 1),
        date_precision="year",
    )
    Milestone.objects.create(
        key="m2",
        institution=snstc,
        kind="inaugurated",
        date=dt.date(2016, 3, 1),
        date_precision="month",
    )
    m3 = Milestone.objects.create(
        key="m3",
        institution=snstc,
        kind="construction_completed",
        status="expected",
        date=dt.date(2015, 9, 1),
        date_precision="month",
        date_text="late 2015",
    )
    cite(m3, brief, footnote=14, quote="expected to be completed")
    course = make_course(provider=snstc, title="Physical protection basics")
    event = make_event(host=snstc, title="Regional workshop")
    claim = make_claim(claimant=snstc, partner=world["insa"], type="materials_exchange")
    make_claim(claimant=world["insa"], partner=snstc, type="materials_exchange")
    make_quantity(institution=snstc, value=300, qualifier="more_than", unit="trainees")
    response = client.get(reverse("institutions:detail", args=["snstc"]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "国家核安保技术中心",
        "SNSTC",
        "China Atomic Energy Authority",
        "Government agency",
        "2011",
        "March 2016",
        "Sept. 2015",
        "Expected",
        "late 2015",
        "The COE brief",
        "footnote 12",
        "sits under the CAEA",
        "footnote 14",
        course.title,
        event.title,
        "two-sided",
        "more than 300 trainees",
        "National",
        "Regional",
        "training and technical support",
    ]:
        assert text in html, text
    page = response.context["page"]
    assert [m.key for m in page.milestones] == ["m1", "m3", "m2"]  # in date order
    assert [r.claim.pk for r in page.claims_made] == [claim.pk]
    assert len(page.claims_about) == 1


def test_institution_page_one_sided_claim(client, world):
    make_claim(claimant=world["insa"], partner=world["snstc"], type="seminar")
    html = client.get(reverse("institutions:detail", args=["snstc"])).content.decode()
    assert "one-sided" in html and "two-sided</span>" not in html


def test_institution_page_hides_restricted_related_records(client, steward, world):
    snstc = world["snstc"]
    Milestone.objects.create(
        key="secret-ms",
        institution=snstc,
        kind="other",
        description="Secret milestone",
        sensitivity="restricted",
    )
    make_course(provider=snstc, title="Secret course", sensitivity="restricted")
    hidden = make_institution(name="Hidden Partner", sensitivity="restricted")
    make_claim(claimant=snstc, partner=hidden)
    make_quantity(institution=snstc, description="secret figure", sensitivity="restricted")
    secret_source = make_source(title="Secret source", sensitivity="restricted")
    cite(snstc, secret_source, footnote=99)
    url = reverse("institutions:detail", args=["snstc"])
    html = client.get(url).content.decode()
    for text in [
        "Secret milestone",
        "Secret course",
        "Hidden Partner",
        "secret figure",
        "Secret source",
    ]:
        assert text not in html, text
    client.force_login(steward)
    html = client.get(url).content.decode()
    for text in [
        "Secret milestone",
        "Secret course",
        "Hidden Partner",
        "secret figure",
        "Secret source",
    ]:
        assert text in html, text


def test_restricted_institution_page_is_404_for_visitor(client, steward):
    make_institution(key="secret-centre", sensitivity="restricted")
    url = reverse("institutions:detail", args=["secret-centre"])
    assert client.get(url).status_code == 404
    client.force_login(steward)
    assert client.get(url).status_code == 200


def test_unknown_institution_is_404(client):
    response = client.get(reverse("institutions:detail", args=["nope"]))
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_the_page_names_the_institution_in_the_readers_language(client):
    make_institution(
        key="snstc-zh",
        name="State Nuclear Security Technology Center",
        country="CN",
        labels=[("国家核安保技术中心", "zh-Hans", "Hans", "name")],
    )
    url = reverse("institutions:detail", args=["snstc-zh"])
    assert "<h1>State Nuclear Security Technology Center</h1>" in client.get(url).content.decode()
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<h1>国家核安保技术中心</h1>" in chinese


@pytest.mark.django_db
def test_institution_page_lists_the_latest_events_and_links_to_all_of_them(client):
    from nscap.institutions.selectors import PAGE_LIST_LIMIT

    host = make_institution(key="big-host")
    for n in range(PAGE_LIST_LIMIT + 5):
        make_event(key=f"ev-{n:03d}", host=host, start=dt.date(2000 + n // 12, n % 12 + 1, 1))
    make_event(key="ev-secret", host=host, start=dt.date(2099, 1, 1), sensitivity="restricted")
    page = client.get(reverse("institutions:detail", args=["big-host"])).content.decode()
    assert page.count('href="/courses/events/ev-') == PAGE_LIST_LIMIT
    assert f"ev-{PAGE_LIST_LIMIT + 4:03d}" in page  # the latest first
    assert "ev-000" not in page
    assert "ev-secret" not in page
    assert f"The latest {PAGE_LIST_LIMIT} of {PAGE_LIST_LIMIT + 5} events." in page
    assert 'href="/courses/?provider=big-host"' in page


@pytest.mark.django_db
def test_institution_page_with_few_events_has_no_link_to_more(client):
    host = make_institution(key="small-host")
    make_event(key="ev-one", host=host)
    page = client.get(reverse("institutions:detail", args=["small-host"])).content.decode()
    assert "ev-one" in page
    assert "The latest" not in page


@pytest.mark.django_db
def test_cached_institution_page_follows_approvals_and_viewer_classes(client, steward):
    from nscap.contributions import services
    from nscap.contributions.services import ProposedChange
    from nscap.testing.roles import make_user

    host = make_institution(key="iscn", name="ISCN", country="JP")
    member = make_user("sato", institution=host)
    url = reverse("institutions:detail", args=["iscn"])

    def propose(key: str, sensitivity: str) -> None:
        values = {"key": key, "host": "iscn", "title": key, "sensitivity": sensitivity}
        change = ProposedChange("create", "training_event", values=values)
        services.approve(steward, services.propose(member, [change]).pk)

    assert "ev-public" not in client.get(url).content.decode()  # rendered and cached
    propose("ev-public", "public")
    propose("ev-restricted", "restricted")
    visitor_page = client.get(url).content.decode()
    assert "ev-public" in visitor_page and "ev-restricted" not in visitor_page
    client.force_login(member)
    assert "ev-restricted" in client.get(url).content.decode()
    client.logout()
    assert "ev-restricted" not in client.get(url).content.decode()


@pytest.fixture
def many(monkeypatch):
    """Seven visible Korean centres and one restricted one, three to a page."""
    monkeypatch.setattr("nscap.institutions.views.PER_PAGE", 3)
    for n in range(7):
        make_institution(key=f"kr-{n}", name=f"Korean Centre {n}", country="KR")
    make_institution(
        key="kr-secret", name="Korean Centre Secret", country="KR", sensitivity="restricted"
    )
    make_institution(key="jp-0", name="Japanese Centre", country="JP")


def test_list_is_paged_and_counts_every_visible_match(client, many):
    first = client.get(LIST, {"country": "KR"})
    second = client.get(LIST, {"country": "KR", "page": 2})
    third = client.get(LIST, {"country": "KR", "page": 3})
    assert names(first) == ["kr-0", "kr-1", "kr-2"]
    assert names(second) == ["kr-3", "kr-4", "kr-5"]
    assert names(third) == ["kr-6"]
    for response in (first, second, third):
        html = response.content.decode()
        assert "7 institutions" in html and "Korean Centre Secret" not in html
    assert "Page 1 of 3" in first.content.decode()


def test_pager_links_keep_the_filters(client, many):
    html = client.get(LIST, {"country": "KR", "kind": "center_of_excellence", "page": 2})
    html = html.content.decode()
    assert 'href="?country=KR&amp;kind=center_of_excellence&amp;page=1"' in html
    assert 'href="?country=KR&amp;kind=center_of_excellence&amp;page=3"' in html


def test_htmx_partial_is_paged_with_htmx_pager_links(client, many):
    response = client.get(LIST, {"country": "KR", "page": 2}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert names(response) == ["kr-3", "kr-4", "kr-5"]
    assert 'hx-get="?country=KR&amp;page=3"' in html and 'hx-target="#results"' in html


def test_steward_sees_the_restricted_centre_on_some_page(client, steward, many):
    client.force_login(steward)
    pages = [names(client.get(LIST, {"country": "KR", "page": n})) for n in (1, 2, 3)]
    assert "kr-secret" in sum(pages, [])
    assert "8 institutions" in client.get(LIST, {"country": "KR"}).content.decode()


@pytest.mark.parametrize(("page", "expected"), [("abc", "kr-0"), ("999", "kr-6"), ("-1", "kr-6")])
def test_a_bad_page_number_gives_a_page_not_an_error(client, many, page, expected):
    response = client.get(LIST, {"country": "KR", "page": page})
    assert response.status_code == 200
    assert expected in names(response)


def test_one_page_shows_no_pager(client, world):
    assert 'class="pager"' not in client.get(LIST).content.decode()


def test_list_rows_are_built_a_page_at_a_time(many, django_assert_max_num_queries):
    from django.contrib.auth.models import AnonymousUser

    from nscap.institutions.selectors import InstitutionFilters, list_institutions

    rows = list_institutions(InstitutionFilters(country="KR"), AnonymousUser())
    assert len(rows) == 7
    with django_assert_max_num_queries(3):  # the institutions, their labels, visible parents
        assert [r["institution"].key for r in rows[3:6]] == ["kr-3", "kr-4", "kr-5"]
    assert rows[-1]["institution"].key == "kr-6"
    with pytest.raises(IndexError):
        rows[7]


def test_search_names_a_visible_parent_and_not_a_hidden_one(client, world):
    hidden = make_institution(
        key="hidden-parent", name="Hidden Parent Org", sensitivity="restricted"
    )
    make_institution(key="child", name="Visible Child", parent=hidden, parent_role="operator")
    html = client.get(LIST, {"q": "Visible Child"}).content.decode()
    assert "Visible Child" in html and "Hidden Parent Org" not in html
    response = client.get(LIST, {"q": "SNSTC"})
    assert [row["parent"].key for row in response.context["rows"]] == ["cnnc"]
