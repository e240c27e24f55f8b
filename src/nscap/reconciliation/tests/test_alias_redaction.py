"""A learned alias names, in its context, the institution whose rows taught it. When that
reporter is hidden from a viewer, the alias is shown without it: on pages, in the API, in
history and in every export format (issue 14)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import Client

from nscap.institutions.models import Institution, Label
from nscap.interchange.importer import run_import
from nscap.reconciliation import services
from nscap.reconciliation.selectors import GroupKey
from nscap.reconciliation.tests.conftest import events_csv
from nscap.testing.factories import make_institution
from nscap.testing.roles import make_user

SECRET_KEY, SECRET_NAME = "secret-reporter", "Clandestine Reporting Office"
PAGES = [
    "/institutions/nssc-my/",
    "/contribute/history/institution/nssc-my/",
    "/api/institutions/nssc-my",
    "/api/institutions?limit=100",
    "/api/export?format=jsonl&type=institution",
    "/api/export?format=jsonld&type=institution",
    "/api/export?format=csv&type=institution",
    "/api/export?format=xlsx",
    "/api/export?format=csv",
    "/data/export?format=jsonl",
]


@pytest.fixture
def learned(world):
    """A learned alias of nssc-my taught by the rows of a restricted reporter."""
    make_institution(key=SECRET_KEY, name=SECRET_NAME, country="MY", sensitivity="restricted")
    rows = [["sec-1", "NSSC", "Workshop", "2020", "MY", 5, SECRET_KEY, "public"]]
    result = run_import(world.steward, "training_event.csv", events_csv(rows))
    assert result.plan.ok, result.plan.errors
    services.decide(
        world.steward, GroupKey("nssc", "MY", SECRET_KEY), "pick", institution="nssc-my"
    )
    label = Label.objects.get(kind="learned")
    assert (label.institution.key, label.context_reporter) == ("nssc-my", SECRET_KEY)
    return world


def _text(response) -> str:
    """The body as text; a zip or XLSX is read member by member."""
    body = response.content
    if body[:2] != b"PK":
        return body.decode("utf-8", "replace")
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return "\n".join(
            archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
        )


@pytest.mark.parametrize("viewer", ["anonymous", "other_contributor"])
def test_a_hidden_reporter_is_not_named_by_a_learned_alias(learned, viewer):
    client = Client()
    if viewer != "anonymous":
        client.force_login(getattr(learned, viewer))
    for path in PAGES:
        response = client.get(path)
        assert response.status_code in (200, 302, 401), (path, response.status_code)
        text = _text(response)
        assert SECRET_KEY not in text and SECRET_NAME not in text, (viewer, path)
    # The alias itself is still there (only its reporter is withheld).
    exported = _text(client.get("/api/export?format=jsonl&type=institution"))
    assert '"kind": "learned"' in exported or '"kind":"learned"' in exported


def test_the_reporters_own_members_and_stewards_see_it(learned):
    secret = Institution.objects.get(key=SECRET_KEY)
    member = make_user("secret-member", institution=secret)
    for user in (member, learned.steward):
        client = Client()
        client.force_login(user)
        exported = _text(client.get("/api/export?format=jsonl&type=institution"))
        assert SECRET_KEY in exported, user


@pytest.mark.parametrize("who", ["other_contributor", "steward"])
def test_an_export_with_learned_aliases_imports_as_no_change(learned, who):
    """Re-importing what one exported changes nothing: the alias keeps its context, written
    as JSON in CSV; for a contributor its hidden reporter is put back
    (``rules.keep_hidden_links``)."""
    client = Client()
    client.force_login(getattr(learned, who))
    exported = client.get("/api/export?format=csv&type=institution").content
    result = run_import(getattr(learned, who), "institution.csv", exported, dry_run=True)
    assert result.plan.ok, result.plan.errors
    assert result.plan.count("update") == 0 and result.plan.count("create") == 0
