"""Canaries in every table of the export: a visitor's, an outsider's and a contributor's exports
hold no hidden record and no key of one, in any format, while a steward's hold them all.

Every canary key starts ``zq-hidden``: records the viewers may not see (restricted, or public
but shown through a hidden record), and hidden records that visible ones link to (a
milestone's counterpart, a needs assessment's assessor, a meeting's attendee, a network's
parent). A guard fails when a table of the export has no hidden canary, so a new kind of
record joins this test (``plant``) before it ships.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.auth.models import AnonymousUser

from nscap.activities.models import AggregateClaim, EventPartner
from nscap.institutions.models import CenterProfile, Milestone
from nscap.interchange.exporter import FORMATS, export
from nscap.interchange.tables import CITATION, tables
from nscap.networks.models import Meeting
from nscap.sources.models import Citation
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

HIDDEN = "zq-hidden"
R = {"sensitivity": "restricted"}


def plant(world) -> dict[str, list[str]]:
    """Hidden records of every kind, visible ones that link to them, and INSA's own restricted
    records (its contributor sees them, nobody else but stewards). Returns the keys the
    viewers must see: ``public`` and ``insa``."""
    hidden = make_institution(key=f"{HIDDEN}-inst", **R)
    topic = make_topic(key=f"{HIDDEN}-topic", **R)
    group = make_target_group(key=f"{HIDDEN}-group", **R)
    Milestone.objects.create(key=f"{HIDDEN}-milestone", institution=hidden, kind="pledged")
    make_course(key=f"{HIDDEN}-course", provider=hidden, **R)
    hidden_event = make_event(key=f"{HIDDEN}-event", host=hidden, **R)
    make_claim(key=f"{HIDDEN}-claim", claimant=hidden, partner=world.insa, **R)
    aggregate = AggregateClaim.objects.create(key=f"{HIDDEN}-aggregate", claimant=hidden, **R)
    hidden_source = make_source(key=f"{HIDDEN}-source", owner=hidden, **R)
    CenterProfile.objects.create(key=f"{HIDDEN}-profile", institution=hidden)
    hidden_net = make_network(key=f"{HIDDEN}-net", convener=hidden, **R)
    Meeting.objects.create(key=f"{HIDDEN}-meeting", network=hidden_net, title=f"{HIDDEN} meet")
    make_needs(key=f"{HIDDEN}-needs", assessor=hidden, **R)
    # Public itself, hidden through what it is shown through:
    public_net = make_network(key="zq-public-net", convener=world.insa, parent=hidden_net)
    make_membership(key=f"{HIDDEN}-member", network=public_net, institution=hidden)
    make_quantity(key=f"{HIDDEN}-qty", aggregate_claim=aggregate)
    # Visible records that link to hidden ones:
    Milestone.objects.create(
        key="zq-public-milestone", institution=world.insa, kind="mou_signed", counterpart=hidden
    )
    make_needs(key="zq-public-needs", assessor=hidden, topic=topic, target_group=group)
    meeting = Meeting.objects.create(key="zq-public-meeting", network=public_net, title="Meet")
    meeting.attendees.set([world.insa, hidden])
    profile = CenterProfile.objects.create(key="zq-public-profile", institution=world.insa)
    profile.topics.set([topic, world.topic])
    course = make_course(key="zq-public-course", provider=world.insa)
    course.target_groups.set([group])
    event = make_event(key="zq-public-event", host=world.insa, course=course)
    event.topics.set([topic])
    EventPartner.objects.create(event=event, institution=hidden, role="funder")
    public_source = make_source(key="zq-public-source")
    cite(event, public_source, locator="zq-public-citation")
    cite(event, hidden_source, locator=f"{HIDDEN}-citation-of-a-hidden-source")
    cite(hidden_event, public_source, locator=f"{HIDDEN}-citation-by-a-hidden-record")
    make_quantity(key="zq-public-qty", institution=world.insa)
    # INSA's own restricted records:
    make_quantity(key="zq-insa-qty", institution=world.insa, **R)
    make_needs(key="zq-insa-needs", assessor=world.insa, **R)
    make_network(key="zq-insa-net", convener=world.insa, **R)
    return {
        "public": [
            "zq-public-net",
            "zq-public-milestone",
            "zq-public-needs",
            "zq-public-meeting",
            "zq-public-profile",
            "zq-public-event",
            "zq-public-citation",
            "zq-public-qty",
        ],
        "insa": ["zq-insa-qty", "zq-insa-needs", "zq-insa-net"],
    }


def _text(content: bytes) -> str:
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return content.decode("utf-8", "replace")


def test_every_table_has_a_hidden_canary(world):
    plant(world)
    for table in tables():
        if table.name == CITATION:
            assert Citation.objects.filter(locator__startswith=HIDDEN).exists()
        else:
            assert table.model.objects.filter(key__startswith=HIDDEN).exists(), (
                f"plant() has no hidden {table.name}: add one"
            )


@pytest.mark.parametrize("export_format", list(FORMATS))
@pytest.mark.parametrize("viewer", ["visitor", "outsider", "contributor"])
def test_an_export_holds_no_hidden_record_and_no_hidden_key(world, viewer, export_format):
    wanted = plant(world)
    user = AnonymousUser() if viewer == "visitor" else getattr(world, viewer)
    text = _text(export(user, export_format)[0])
    leaks = sorted({text[i : i + 40] for i in _find_all(text, HIDDEN)})
    assert not leaks, f"{viewer} / {export_format}: {leaks[:5]}"
    missing = [key for key in wanted["public"] if key not in text]
    assert not missing, f"{viewer} / {export_format} should see {missing}"
    own = [key for key in wanted["insa"] if key in text]
    assert own == (wanted["insa"] if viewer == "contributor" else [])


@pytest.mark.parametrize("export_format", list(FORMATS))
def test_a_stewards_export_holds_every_canary(world, export_format):
    plant(world)
    text = _text(export(world.steward, export_format)[0])
    for table in tables():
        model = Citation if table.name == CITATION else table.model
        field = "locator" if table.name == CITATION else "key"
        for key in model.objects.filter(**{f"{field}__startswith": HIDDEN}).values_list(
            field, flat=True
        ):
            assert key in text, f"{table.name} {key} / {export_format}"


def _find_all(text: str, needle: str) -> list[int]:
    found, start = [], text.find(needle)
    while start != -1:
        found.append(start)
        start = text.find(needle, start + 1)
    return found
