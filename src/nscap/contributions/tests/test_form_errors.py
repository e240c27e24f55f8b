"""Issue 16, item 5 and finding 6: a record form reports every problem of a submit at once,
next to its field; a country is a name from a list (never cut to two letters); a course title
is looked for within the chosen host; the confirmations page counts what waits and keeps its
order."""

from __future__ import annotations

import re

import pytest

from nscap.activities.models import TrainingEvent
from nscap.collaboration.models import CollaborationClaim
from nscap.contributions import services
from nscap.contributions.errors import Invalid
from nscap.contributions.models import Changeset, HistoryEntry
from nscap.contributions.tests.test_views import EVENT, user
from nscap.testing.factories import make_claim, make_course, make_institution, make_source

pytestmark = pytest.mark.django_db
NEW_EVENT = "/contribute/training_event/new/"
NEW_CLAIM = "/contribute/collaboration_claim/new/"


@pytest.fixture
def world(django_user_model):
    insa = make_institution(key="insa", name="INSA", country="KR")
    iscn = make_institution(key="iscn", name="ISCN", country="JP")
    make_source(key="report-2024", title="Annual report 2024")
    return {
        "insa": insa,
        "iscn": iscn,
        "kim": user(django_user_model, "kim", insa),
        "sato": user(django_user_model, "sato", iscn),
        "it-insa": make_course(key="it-insa", provider=insa, title="Insider threat"),
        "it-iscn": make_course(key="it-iscn", provider=iscn, title="Insider threat"),
    }


def field_error(page: str, name: str) -> str:
    """The text of the error shown next to field ``name`` (its ``id_<name>_error`` block)."""
    found = re.search(rf'id="id_{name}_error"[^>]*>(.*?)</', page, re.S)
    return found.group(1) if found else ""


def nothing_written() -> bool:
    return not (Changeset.objects.exists() or TrainingEvent.objects.exists())


# --- every problem of one submit ----------------------------------------------------------------


def test_one_submit_shows_every_problem_next_to_its_field_and_writes_nothing(client, world):
    """The walk-through's three submits in one: an unknown course, "Korea", end before start
    (and a negative count); each error next to its field, in one response."""
    client.force_login(world["kim"])
    response = client.post(
        NEW_EVENT,
        {
            **EVENT,
            "course": "No such course",
            "country": "Korea",
            "start": "2024-05-17",
            "end": "2024-05-13",
            "participants": "-3",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"course", "country", "end", "participants"}
    page = response.content.decode()
    assert "No course you can see" in field_error(page, "course")
    assert "North Korea (KP); South Korea (KR)" in field_error(page, "country")
    assert "end is before the start" in field_error(page, "end")
    assert "greater than or equal to 0" in field_error(page, "participants")
    assert "Nothing was saved: 4 problems to correct" in page
    assert page.count('<a href="#id_') >= 4  # the summary links each problem to its field
    assert nothing_written()


def test_a_field_that_failed_keeps_its_own_error_only(client, world):
    """A required field the form refused is not also reported "Field required" by the schema."""
    client.force_login(world["kim"])
    response = client.post(NEW_EVENT, {**EVENT, "host": "Nowhere institute", "country": "Atlantis"})
    errors = response.context["form"].errors
    assert len(errors["host"]) == 1 and "Field required" not in errors["host"][0]
    assert "no country is called “Atlantis”" in errors["country"][0]
    assert nothing_written()


def test_row_errors_come_with_the_form_errors(client, world):
    client.force_login(world["kim"])
    rows = {
        "countries-TOTAL_FORMS": "1",
        "countries-INITIAL_FORMS": "0",
        "countries-0-country": "Korea",
        "countries-0-count": "3",
        "partners-TOTAL_FORMS": "1",
        "partners-INITIAL_FORMS": "0",
        "partners-0-institution": "Nowhere institute",
        "partners-0-role": "funder",
    }
    response = client.post(NEW_EVENT, {**EVENT, **rows, "course": "No such course"})
    assert "course" in response.context["form"].errors
    extras = response.context["extras"]
    assert "South Korea (KR)" in extras.countries.forms[0].errors["country"][0]
    assert "institution" in extras.partners.forms[0].errors
    assert nothing_written()


def test_claim_form_reports_its_problems_at_once(client, world):
    client.force_login(world["kim"])
    response = client.post(
        NEW_CLAIM,
        {
            "claimant": "INSA",
            "partner_country": "Korea",
            "type": "no-such-type",
            "status": "done",
            "start": "2020",
            "end": "2019",
            "sensitivity": "public",
        },
    )
    errors = response.context["form"].errors
    assert {"partner_country", "type", "end"} <= set(errors)
    assert not Changeset.objects.exists()


# --- country by name ----------------------------------------------------------------------------


def test_the_country_input_lists_names_and_cuts_nothing(client, world):
    client.force_login(world["kim"])
    page = client.get(NEW_EVENT).content.decode()
    country_input = re.search(r'<input[^>]*name="country"[^>]*>', page).group(0)
    assert 'maxlength="2"' not in country_input and 'list="id_country-countries"' in country_input
    assert '<option value="South Korea">' in page and '<option value="Vietnam">' in page


@pytest.mark.parametrize("typed", ["KR", "kr", "South Korea", "korea, republic of"])
def test_a_code_or_an_exact_name_is_stored_as_the_code(client, world, typed):
    client.force_login(world["kim"])
    response = client.post(NEW_EVENT, {**EVENT, "country": typed})
    assert response.status_code == 302
    assert Changeset.objects.get().changes.get().data["country"] == "KR"


def test_the_country_names_are_in_the_reader_language(client, world):
    client.force_login(world["kim"])
    page = client.get(NEW_EVENT, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<option value="韩国">' in page and "South Korea" not in page
    response = client.post(NEW_EVENT, {**EVENT, "country": "韩国"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 302
    assert Changeset.objects.get().changes.get().data["country"] == "KR"


def test_every_write_path_resolves_a_name_or_refuses_it_by_field(world):
    with pytest.raises(Invalid) as refused:
        services.propose(
            world["kim"],
            [
                services.ProposedChange(
                    "create", "training_event", values={**_values(), "country": "Korea"}
                )
            ],
        )
    assert [e["field"] for e in refused.value.errors] == ["country"]
    changeset = services.propose(
        world["kim"],
        [
            services.ProposedChange(
                "create", "training_event", values={**_values(), "country": "Japan"}
            )
        ],
    )
    assert changeset.changes.get().data["country"] == "JP"


def _values() -> dict:
    return {"title": "Seminar", "host": "insa", "delivery_mode": "in_person"}


# --- a course within the chosen host -------------------------------------------------------------


def test_a_shared_title_is_picked_within_the_host(client, world):
    """Two providers give "Insider threat"; with the host given, its own is meant."""
    client.force_login(world["kim"])
    response = client.post(NEW_EVENT, {**EVENT, "course": "insider THREAT"})
    assert response.status_code == 302
    assert Changeset.objects.get().changes.get().data["course"] == "it-insa"


def test_titles_are_compared_with_accents_folded(client, world):
    make_course(key="sp-insa", provider=world["insa"], title="Sécurité physique")
    client.force_login(world["kim"])
    response = client.post(NEW_EVENT, {**EVENT, "course": "securite PHYSIQUE"})
    assert response.status_code == 302
    assert Changeset.objects.get().changes.get().data["course"] == "sp-insa"


def test_several_courses_of_the_host_are_listed_as_candidates(client, world):
    make_course(key="it-insa-2", provider=world["insa"], title="Insider Threat")
    client.force_login(world["kim"])
    response = client.post(NEW_EVENT, {**EVENT, "course": "Insider threat"})
    error = response.context["form"].errors["course"][0]
    assert "INSA has several courses" in error and "(it-insa)" in error and "(it-insa-2)" in error
    assert "it-iscn" not in error
    assert nothing_written()


def test_a_title_the_host_does_not_give_is_looked_for_elsewhere(client, world):
    make_course(key="pp-iscn", provider=world["iscn"], title="Physical protection")
    client.force_login(world["kim"])
    response = client.post(NEW_EVENT, {**EVENT, "course": "Physical protection"})
    assert response.status_code == 302
    assert Changeset.objects.get().changes.get().data["course"] == "pp-iscn"


# --- the confirmations page (finding 6) -----------------------------------------------------------


@pytest.fixture
def claims(world):
    """Three claims about ISCN, one of them confirmed already."""
    made = {
        name: make_claim(key=name, claimant=make_institution(name=claimant), partner=world["iscn"])
        for name, claimant in [("a-claim", "Alpha"), ("b-claim", "Beta"), ("c-claim", "Gamma")]
    }
    CollaborationClaim.objects.filter(key="c-claim").update(confirmation="confirmed")
    return made


def _order(page: str) -> list[str]:
    return re.findall(r'id="claim-([a-z-]+)"', page)


def test_the_count_is_of_claims_waiting_for_an_answer(client, world, claims):
    client.force_login(world["sato"])
    index = client.get("/contribute/").content.decode()
    assert "(2 waiting for your answer)" in index
    page = client.get("/contribute/confirmations/").content.decode()
    assert "Waiting for your answer (2)" in page and "Answered (1)" in page
    assert _order(page) == ["a-claim", "b-claim", "c-claim"]


def test_a_dispute_keeps_the_order_and_shows_its_reason(client, world, claims):
    client.force_login(world["sato"])
    response = client.post(
        "/contribute/confirmations/a-claim/",
        {"answer": "disputed", "comment": "We never met Alpha"},
    )
    assert response["Location"] == "/contribute/confirmations/#claim-a-claim"
    page = client.get("/contribute/confirmations/").content.decode()
    assert "Waiting for your answer (1)" in page and "Answered (2)" in page
    assert _order(page) == ["b-claim", "a-claim", "c-claim"]  # answered: still by claimant
    card = page[page.index('id="claim-a-claim"') :]
    assert "We never met Alpha" in card[: card.index("</article>")]
    assert HistoryEntry.objects.filter(action="collaboration.claim.dispute").count() == 1
    assert "(1 waiting for your answer)" in client.get("/contribute/").content.decode()


def test_another_institution_sees_no_claim_about_iscn(client, world, claims):
    client.force_login(world["kim"])
    page = client.get("/contribute/confirmations/").content.decode()
    assert (
        _order(page) == []
        and "(0 waiting for your answer)" in client.get("/contribute/").content.decode()
    )
