"""Choosing one course by typing its title or key (the event form), and the suggestions."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from nscap.activities.picking import pick_course, suggest_courses
from nscap.core.record_fields import NotOneRecord
from nscap.testing.factories import make_course, make_institution

pytestmark = pytest.mark.django_db
VISITOR = AnonymousUser()


@pytest.fixture
def courses():
    insa = make_institution(key="insa", name="INSA")
    iscn = make_institution(key="iscn", name="ISCN")
    return {
        "pp": make_course(key="pp", provider=insa, title="Physical protection"),
        "pp-iscn": make_course(key="pp-iscn", provider=iscn, title="Insider threat"),
        "it-insa": make_course(key="it-insa", provider=insa, title="Insider threat"),
        "secret": make_course(
            key="secret",
            provider=iscn,
            title="Physical security of vaults",
            sensitivity="restricted",
        ),
    }


def test_a_title_in_any_case_or_a_key_picks_the_course(courses):
    assert pick_course("physical PROTECTION ", VISITOR) == courses["pp"]
    assert pick_course("it-insa", VISITOR) == courses["it-insa"]


def test_a_shared_title_asks_for_the_key_and_a_hidden_course_is_unknown(courses):
    with pytest.raises(NotOneRecord) as problem:
        pick_course("Insider threat", VISITOR)
    assert "called “Insider threat”: INSA (it-insa); ISCN (pp-iscn)." in str(problem.value)
    for text in ("secret", "Physical security of vaults"):
        with pytest.raises(NotOneRecord, match="No course you can see"):
            pick_course(text, VISITOR)


def test_suggestions_start_with_the_text_first_and_hide_what_the_viewer_cannot_see(courses):
    make_course(provider=make_institution(name="NSSC"), title="Advanced physical protection")
    suggestions = suggest_courses("physical", VISITOR)
    assert [(s.value, s.label) for s in suggestions] == [
        ("Physical protection", "INSA"),
        ("Advanced physical protection", "NSSC"),
    ]
    assert {s.value for s in suggest_courses("insider", VISITOR)} == {"it-insa", "pp-iscn"}


def test_the_suggestion_endpoint(client, courses):
    url = reverse("activities:suggest")
    html = client.get(url, {"field": "course", "course": "vault"}).content.decode()
    assert html == ""
    html = client.get(url, {"field": "course", "course": "protection"}).content.decode()
    assert html == '<option value="Physical protection">INSA</option>'
