"""The merge queue shows readable names and dates, on a registry of its own (no synthetic world,
which ``test_views`` loads once for the whole module)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from nscap.linkage.models import MergeSuggestion
from nscap.testing.factories import make_institution
from nscap.testing.roles import PASSWORD, make_steward

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    return client


def test_the_comparison_shows_names_and_dates_not_python_reprs():
    import datetime as dt
    import re

    from nscap.testing.factories import make_event, make_topic

    host = make_institution(key="insa", name="International Nuclear Security Academy")
    protection = make_topic(
        key="physical-protection", name="Physical protection", name_zh="实物保护"
    )
    insider = make_topic(key="insider-threat", name="Insider threat", name_zh="内部威胁")
    common = {"host": host, "country": "KR", "participants": None}
    kept = make_event(key="ev-a", title="PP course", start=dt.date(2016, 5, 11), **common)
    duplicate = make_event(
        key="ev-b", title="PP course", start=dt.date(2016, 5, 1), start_precision="month", **common
    )
    kept.topics.set([protection, insider])
    duplicate.topics.set([insider])
    MergeSuggestion.objects.create(
        kept=kept,
        duplicate=duplicate,
        match_weight=9.5,
        match_probability=0.999,
        comparisons={"topics": {"level": "a shared topic", "weight": 2.0}},
        strength="linked",
    )
    client = _client(make_steward())
    for language, topics, only, date in [
        ("en", "Insider threat, Physical protection", "Insider threat", "May 2016"),
        ("zh-hans", "内部威胁, 实物保护", "内部威胁", "2016年5月"),
    ]:
        body = client.get(reverse("linkage:queue"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        rows = re.search(r"<tbody>(.*?)</tbody>", body, re.S)[1]
        assert f"<td>{topics}</td><td>{only}</td>" in rows
        assert "International Nuclear Security Academy" in rows
        assert date in rows
        for repr_text in ("[", "&#x27;", "None", "2016-05"):
            assert repr_text not in rows
