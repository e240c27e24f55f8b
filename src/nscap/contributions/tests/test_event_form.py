"""The event form (issue 14, item 6): participants by country, partners with roles, a source
picked or added in the same changeset; no source is allowed but flagged and counted on the
stewards' queue; hidden partners are neither shown nor lost; saved unchanged, nothing is proposed.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from nscap.accounts.models import Affiliation
from nscap.activities.models import EventParticipantCountry, EventPartner, TrainingEvent
from nscap.contributions import services
from nscap.contributions.models import Changeset, HistoryEntry
from nscap.core.visibility import STEWARDS_GROUP
from nscap.sources.models import Citation, Source
from nscap.testing.factories import make_event, make_institution, make_source

pytestmark = pytest.mark.django_db

NEW = "/contribute/training_event/new/"


@pytest.fixture
def world(django_user_model):
    insa = make_institution(key="insa", name="INSA", country="KR")
    iscn = make_institution(key="iscn", name="ISCN", country="JP")
    secret = make_institution(key="secret-lab", name="Secret Lab", sensitivity="restricted")
    kim = django_user_model.objects.create_user("kim", password="a-long-test-password-9")
    Affiliation.objects.create(user=kim, institution=insa, role="contributor")
    stew = django_user_model.objects.create_user("stew", password="a-long-test-password-9")
    stew.groups.add(Group.objects.get_or_create(name=STEWARDS_GROUP)[0])
    return {
        "insa": insa,
        "iscn": iscn,
        "secret": secret,
        "kim": kim,
        "stew": stew,
        "source": make_source(key="report-2024", title="Annual report 2024"),
        "hidden_source": make_source(
            key="lab-notes", title="Lab notes", sensitivity="restricted", owner=secret
        ),
    }


def rows(prefix: str, items: list[dict], initial: int = 0) -> dict[str, str]:
    data = {f"{prefix}-TOTAL_FORMS": str(len(items)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for index, item in enumerate(items):
        data.update({f"{prefix}-{index}-{name}": value for name, value in item.items()})
    return data


def event(**changes) -> dict[str, str]:
    data = {
        "title": "Regional course on physical protection",
        "host": "insa",
        "start": "2024-05-13",
        "country": "KR",
        "delivery_mode": "in_person",
        "participants": "30",
        "participants_qualifier": "exact",
        "sensitivity": "public",
        "changeset_comment": "From our annual report",
        **rows("countries", [{"country": "VN", "count": "12"}, {"country": "th", "count": "8"}]),
        **rows("partners", [{"institution": "ISCN", "role": "co_organiser"}]),
    }
    data.update(changes)
    return data


def form_data(response) -> dict:
    """What a browser sends back for the form as rendered: every field's shown value."""
    data: dict = {}
    forms = [response.context["form"]]
    extras = response.context["extras"]
    for formset in (extras.countries, extras.partners):
        forms += [formset.management_form, *formset.forms]
    forms.append(extras.new_source)
    for form in forms:
        for field in form:
            value = field.value()
            if value not in (None, ""):
                data[field.html_name] = value
    return data


def test_create_with_countries_partners_and_a_new_source_is_one_changeset(client, world):
    client.force_login(world["kim"])
    response = client.post(
        NEW,
        event(
            **{
                "new_source-title": "Course report",
                "new_source-publisher": "INSA",
                "new_source-published": "2024-06",
                "new_source-url": "https://insa.example/report",
                "new_source-locator": "p. 4",
            }
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    changeset = Changeset.objects.get()
    assert not changeset.unsourced and "In “Course report”: p. 4" in changeset.comment
    # The source first: undoing the changeset deletes the event (and its citation) before it.
    source_change, event_change = changeset.changes.order_by("position")
    assert (event_change.record_type, source_change.record_type) == ("training_event", "source")
    assert changeset.citations == [
        {
            "record_type": "training_event",
            "record_key": event_change.record_key,
            "source": source_change.record_key,
            "locator": "p. 4",
        }
    ]
    assert event_change.data["participant_countries"] == [
        {"country": "VN", "count": 12},
        {"country": "TH", "count": 8},  # two letters in any case, kept as ISO 3166-1
    ]
    assert event_change.data["partners"] == [{"institution": "iscn", "role": "co_organiser"}]
    assert source_change.data["url"] == "https://insa.example/report"
    services.approve(world["stew"], changeset.pk)
    created = TrainingEvent.objects.get(key=event_change.record_key)
    assert {(c.country, c.count) for c in created.participant_countries.all()} == {
        ("TH", 8),
        ("VN", 12),
    }
    assert [(p.institution.key, p.role) for p in created.partners.all()] == [
        ("iscn", "co_organiser")
    ]
    source = Source.objects.get(key=source_change.record_key)
    assert source.publisher == "INSA" and str(source.published) == "2024-06-01"
    changeset.refresh_from_db()
    assert list(changeset.sources.all()) == [source]  # the changeset cites the source it made
    assert set(
        HistoryEntry.objects.filter(changeset=changeset).values_list("action", "record_key")
    ) == {
        ("activities.training_event.create", created.key),
        ("sources.source.create", source.key),
    }
    # The event itself cites the new source, at the locator given (issue 14): on its page,
    # in the API and in the export of citations.
    [citation] = Citation.objects.filter(object_id=created.pk, source=source)
    assert citation.record == created and citation.locator == "p. 4"
    client.force_login(world["stew"])
    assert "p. 4" in client.get(f"/courses/events/{created.key}/").content.decode()
    cited = client.get(f"/api/events/{created.key}").json()["citations"]
    assert [(c["source"], c["locator"]) for c in cited] == [(source.key, "p. 4")]
    # Undone whole: the event, its citation and the source.
    services.revert_changeset(world["stew"], changeset.pk)
    assert not TrainingEvent.objects.filter(key=created.key).exists()
    assert not Source.objects.filter(key=source.key).exists()
    assert not Citation.objects.filter(object_id=created.pk, source_id=source.pk).exists()


def test_a_picked_source_is_cited_by_the_changeset(client, world):
    client.force_login(world["kim"])
    assert client.post(NEW, event(sources="Annual report 2024")).status_code == 302
    changeset = Changeset.objects.get()
    assert list(changeset.sources.values_list("key", flat=True)) == ["report-2024"]
    assert not changeset.unsourced
    services.approve(world["stew"], changeset.pk)
    event_key = changeset.changes.get().record_key
    assert list(
        Citation.objects.filter(source__key="report-2024").values_list("object_id", "locator")
    ) == [(TrainingEvent.objects.get(key=event_key).pk, "")]


@pytest.mark.parametrize("partner", ["No Such Centre", "secret-lab", "Secret Lab"])
def test_an_unknown_or_hidden_partner_is_refused_by_its_field_and_nothing_is_written(
    client, world, partner
):
    client.force_login(world["kim"])
    response = client.post(
        NEW,
        event(
            **rows("partners", [{"institution": partner, "role": "funder"}]),
            **{"new_source-title": "Course report"},
        ),
    )
    assert response.status_code == 200
    errors = response.context["extras"].partners.forms[0].errors
    assert "institution" in errors and "No center you can see" in errors["institution"][0]
    assert 'id="id_partners-0-institution_error"' in response.content.decode()
    assert not Changeset.objects.exists() and not Source.objects.filter(title="Course report")
    assert "Secret Lab" not in response.content.decode().replace(partner, "")


@pytest.mark.parametrize("url", ["ftp://files.example/report", "javascript:alert(1)", "insa"])
def test_a_new_source_with_a_bad_web_address_is_refused_by_field(client, world, url):
    client.force_login(world["kim"])
    response = client.post(
        NEW, event(**{"new_source-title": "Course report", "new_source-url": url})
    )
    assert response.status_code == 200
    errors = response.context["extras"].new_source.errors
    assert list(errors) == ["url"], errors
    assert 'id="id_new_source-url_error"' in response.content.decode()
    assert not Changeset.objects.exists() and not TrainingEvent.objects.exists()
    assert not Source.objects.filter(title="Course report").exists()


def test_a_new_source_with_a_bad_date_is_refused_by_field(client, world):
    client.force_login(world["kim"])
    response = client.post(
        NEW, event(**{"new_source-title": "Course report", "new_source-published": "2014-13"})
    )
    assert list(response.context["extras"].new_source.errors) == ["published"]
    assert not Changeset.objects.exists()


def test_a_bad_country_row_is_refused_next_to_the_row(client, world):
    client.force_login(world["kim"])
    response = client.post(
        NEW,
        event(**rows("countries", [{"country": "", "count": ""}, {"country": "XX", "count": "3"}])),
    )
    assert response.status_code == 200
    assert "country" in response.context["extras"].countries.forms[1].errors
    assert not Changeset.objects.exists()


def test_a_count_without_a_country_is_refused(client, world):
    client.force_login(world["kim"])
    response = client.post(NEW, event(**rows("countries", [{"country": "", "count": "3"}])))
    assert "country" in response.context["extras"].countries.forms[0].errors
    assert not Changeset.objects.exists()


def test_without_a_source_the_form_warns_and_the_changeset_is_flagged_and_counted(client, world):
    client.force_login(world["kim"])
    form = client.get(NEW).content.decode()
    assert "flagged as unsourced" in form
    response = client.post(NEW, event(), follow=True)
    assert "flagged as unsourced" in response.content.decode()
    unsourced = Changeset.objects.get()
    assert unsourced.unsourced
    assert client.post(NEW, event(title="Sourced", sources="report-2024")).status_code == 302
    sourced = Changeset.objects.exclude(pk=unsourced.pk).get()
    assert not sourced.unsourced

    client.force_login(world["stew"])
    queue = client.get("/contribute/queue/")
    assert "1 waiting changeset cites no source." in queue.content.decode()
    assert [r["changeset"].pk for r in queue.context["rows"]] == [unsourced.pk, sourced.pk]
    only = client.get("/contribute/queue/?unsourced=1")
    assert [r["changeset"].pk for r in only.context["rows"]] == [unsourced.pk]
    detail = client.get(f"/contribute/changesets/{unsourced.pk}/")  # one click from the row
    assert "Unsourced: none cited" in detail.content.decode()


def test_the_same_rule_flags_every_path(world):
    """The flag is the write path's, not the form's: an API or import changeset too."""
    changeset = services.propose(
        world["kim"],
        [
            services.ProposedChange(
                "create", "training_event", values={"title": "T", "host": "insa"}
            )
        ],
        origin="api",
    )
    assert changeset.unsourced
    deletion = services.propose(
        world["stew"],
        [services.ProposedChange("delete", "source", key="report-2024")],
    )
    assert not deletion.unsourced  # a deletion needs no source


def test_add_a_row_shows_the_form_again_with_one_more_row_and_writes_nothing(client, world):
    client.force_login(world["kim"])
    response = client.post(NEW, event(add_country="1"))
    assert response.status_code == 200 and not Changeset.objects.exists()
    extras = response.context["extras"]
    assert len(extras.countries.forms) == 3 and len(extras.partners.forms) == 1
    page = response.content.decode()
    assert 'name="countries-2-country"' in page and 'value="Vietnam"' in page
    assert response.context["form"]["title"].value() == "Regional course on physical protection"
    assert not response.context["form"].errors  # not sent yet: no errors shown


@pytest.fixture
def edited(world):
    record = make_event(key="pp-2024", title="Physical protection", host=world["insa"])
    EventPartner.objects.create(event=record, institution=world["iscn"], role="funder")
    EventPartner.objects.create(event=record, institution=world["secret"], role="co_organiser")
    EventParticipantCountry.objects.create(event=record, country="VN", count=5)
    return record


def test_the_edit_form_round_trips_without_proposing_a_change(client, world, edited):
    client.force_login(world["kim"])
    form = client.get("/contribute/training_event/pp-2024/edit/")
    assert form.status_code == 200
    page = form.content.decode()
    assert "secret-lab" not in page and "Secret Lab" not in page  # the hidden partner, redacted
    assert 'value="iscn"' in page and 'value="Vietnam"' in page
    response = client.post("/contribute/training_event/pp-2024/edit/", form_data(form))
    assert response.status_code == 302
    assert not Changeset.objects.exists()


def test_editing_an_event_with_a_hidden_partner_keeps_it(client, world, edited):
    client.force_login(world["kim"])
    data = form_data(client.get("/contribute/training_event/pp-2024/edit/"))
    data.update({"title": "Physical protection, 2nd run", "partners-0-role": "trainer_provider"})
    data.update(rows("partners", [{"institution": "iscn", "role": "trainer_provider"}], 1))
    response = client.post("/contribute/training_event/pp-2024/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    changeset = Changeset.objects.get()
    services.approve(world["stew"], changeset.pk)
    edited.refresh_from_db()
    assert edited.title == "Physical protection, 2nd run"
    assert {(p.institution.key, p.role) for p in edited.partners.all()} == {
        ("iscn", "trainer_provider"),
        ("secret-lab", "co_organiser"),
    }
    assert [(c.country, c.count) for c in edited.participant_countries.all()] == [("VN", 5)]
    entry = HistoryEntry.objects.get(changeset=changeset)
    assert entry.action == "activities.training_event.update"


def test_a_post_without_the_rows_leaves_them_as_they_are(client, world, edited):
    """An older client that sends no row formsets does not clear partners or countries."""
    client.force_login(world["stew"])
    data = {
        key: value
        for key, value in form_data(client.get("/contribute/training_event/pp-2024/edit/")).items()
        if not key.startswith(("countries-", "partners-"))
    }
    data["title"] = "Renamed"
    assert client.post("/contribute/training_event/pp-2024/edit/", data).status_code == 302
    edited.refresh_from_db()
    assert edited.title == "Renamed" and edited.partners.count() == 2
    assert edited.participant_countries.count() == 1


def test_source_suggestions_and_picks_are_only_visible_sources(client, world):
    client.force_login(world["kim"])
    assert "Annual report 2024" in client.get("/sources/suggest?q=report").content.decode()
    assert "Lab notes" not in client.get("/sources/suggest?q=notes").content.decode()
    response = client.post(NEW, event(sources="lab-notes"))
    assert "sources" in response.context["form"].errors
    assert not Changeset.objects.exists()


@pytest.mark.parametrize(
    "repeated",
    [
        rows("countries", [{"country": "VN", "count": "2"}, {"country": "vn", "count": "3"}]),
        rows(
            "partners",
            [{"institution": "iscn", "role": "funder"}, {"institution": "ISCN", "role": "funder"}],
        ),
    ],
    ids=["country", "partner"],
)
def test_a_row_given_twice_is_refused_before_anything_is_written(client, world, repeated):
    """One country or one partner in one role twice would break the table's uniqueness only when
    a steward approves: the schema refuses it when it is proposed, on every path."""
    client.force_login(world["stew"])  # a steward's change is applied at once
    response = client.post(NEW, event(**repeated))
    assert response.status_code == 200
    page = response.content.decode()
    assert "given twice" in page
    assert not Changeset.objects.exists() and not TrainingEvent.objects.exists()
