"""Choosing one institution by typing (filters and record forms) and the suggestions."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from nscap.accounts.models import Affiliation
from nscap.core.record_fields import NotOneRecord
from nscap.institutions.picking import pick_institution, suggest_institutions
from nscap.testing.factories import make_institution

pytestmark = pytest.mark.django_db
VISITOR = AnonymousUser()
SUGGEST = reverse("institutions:suggest")


@pytest.fixture
def world():
    return {
        "snstc": make_institution(
            key="snstc",
            name="State Nuclear Security Technology Center",
            country="CN",
            labels=[
                ("SNSTC", "en", "Latn", "acronym"),
                ("国家核安保技术中心", "zh", "Hans", "name"),
            ],
        ),
        "nssc-a": make_institution(key="nssc-a", name="Nuclear Security Support Centre"),
        "nssc-b": make_institution(key="nssc-b", name="Nuclear Security Support Centre"),
        "secret": make_institution(
            key="secret", name="Secret Nuclear Academy", sensitivity="restricted"
        ),
    }


@pytest.mark.parametrize(
    "text", ["snstc", "SNSTC", " State Nuclear Security Technology Center ", "国家核安保技术中心"]
)
def test_a_key_name_acronym_or_native_name_picks_the_institution(world, text):
    assert pick_institution(text, VISITOR) == world["snstc"]


def test_a_shared_name_is_refused_with_the_keys_to_type(world):
    with pytest.raises(NotOneRecord) as problem:
        pick_institution("Nuclear Security Support Centre", VISITOR)
    assert "2 centers" in str(problem.value)
    assert "(nssc-a)" in str(problem.value) and "(nssc-b)" in str(problem.value)
    assert pick_institution("nssc-b", VISITOR) == world["nssc-b"]


def test_a_typo_is_not_guessed_but_offered(world):
    with pytest.raises(NotOneRecord) as problem:
        pick_institution("State Nuclear Securty Technology Centre", VISITOR)
    assert "No center you can see" in str(problem.value)
    assert "Did you mean: State Nuclear Security Technology Center" in str(problem.value)


def test_a_hidden_institution_is_not_picked_by_key_or_name(world, django_user_model):
    for text in ("secret", "Secret Nuclear Academy"):
        with pytest.raises(NotOneRecord) as problem:
            pick_institution(text, VISITOR)
        assert "Secret" not in str(problem.value).replace(text, "")
    insider = django_user_model.objects.create_user("insider")
    Affiliation.objects.create(user=insider, institution=world["secret"])
    assert pick_institution("Secret Nuclear Academy", insider) == world["secret"]


def test_suggestions_put_labels_starting_with_the_text_first(world):
    make_institution(key="anssc", name="Academy of Nuclear Security Studies")
    values = [s.value for s in suggest_institutions("nuclear sec", VISITOR)]
    assert values[:2] == ["nssc-a", "nssc-b"]  # a shared name is offered by key
    assert set(values[2:]) == {
        "Academy of Nuclear Security Studies",
        "State Nuclear Security Technology Center",
    }


def test_suggestions_match_any_script_and_show_acronym_and_country(world):
    [suggestion] = suggest_institutions("核安保", VISITOR)
    assert suggestion.value == "State Nuclear Security Technology Center"
    assert suggestion.label == "SNSTC · CN"
    assert suggest_institutions("   ", VISITOR) == []


def test_suggestions_never_show_a_hidden_institution(world, client):
    assert suggest_institutions("secret", VISITOR) == []
    html = client.get(SUGGEST, {"field": "provider", "provider": "Academy"}).content.decode()
    assert "Secret" not in html


def test_the_suggestion_endpoint_answers_options_for_the_named_field(world, client):
    response = client.get(SUGGEST, {"field": "host", "host": "snstc"})
    assert response.status_code == 200
    assert response.content.decode() == (
        '<option value="State Nuclear Security Technology Center">SNSTC · CN</option>'
    )
    assert client.get(SUGGEST, {"q": "<script>"}).content == b""


def test_an_institution_keyed_suggest_keeps_its_page(client):
    make_institution(key="suggest", name="Suggest Institute")
    assert client.get("/institutions/suggest/").status_code == 200
