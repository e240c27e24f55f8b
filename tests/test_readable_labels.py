"""Guard for issue 15, found 6: no stored code reaches a reader.

The main pages are rendered on the brief's data and on a small synthetic set, and every visible
text node (not attributes, not URLs, not scripts) is searched for the shapes raw codes take:
snake_case choice values and record types (``in_person``, ``training_event``, ``courses_run``),
bare ISO 3166-1 alpha-2 country codes (``BT``), gap-cell keys (``VN.regulators.all.all``), record
keys with years (``snstc-2012-2013``), and a second spelling of a region. Names written in their
own language (elements with ``lang``, such as an institution's acronym "US") and ``<code>``
(keys shown as keys on purpose) are not codes.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pycountry
import pytest
from django.urls import reverse

from nscap.activities.models import Course
from nscap.brief.tests.conftest import brief, brief_loaded_once  # noqa: F401 - fixtures
from nscap.institutions.models import Institution
from nscap.networks.models import Network
from nscap.sources.models import Source

ISO_CODES = {country.alpha_2 for country in pycountry.countries}
RAW_CODES = {
    "snake_case code": re.compile(r"\b[a-z]+(?:_[a-z]+)+\b"),
    "gap cell key": re.compile(r"\b[A-Z]{2}\.[\w*-]+\.[\w*-]+"),
    "record key with years": re.compile(r"\b[a-z]+(?:-[a-z]+)*-\d{4}(?:-\d{4})?\b"),
    "second region spelling": re.compile(r"South-East Asia|South East Asia", re.IGNORECASE),
}
# A country code is bare when it stands alone between separators ("· BT", "→ ID:"); "the US" in
# a sentence the source wrote is English, not a code.
SEPARATORS = re.compile(r"[·,;:→←()\[\]/|—–]|\s-\s")
SKIPPED = {"script", "style", "code", "template", "textarea"}


class VisibleText(HTMLParser):
    """Text nodes a reader sees, outside names in their own language and ``<code>``."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []  # per open element: does it hide its text?
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}:
            return
        hides = tag in SKIPPED or any(name == "lang" for name, _ in attrs) and tag != "html"
        self.stack.append(hides)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}:
            return
        if self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if data.strip() and not any(self.stack):
            self.texts.append(" ".join(data.split()))


def raw_codes(html: str) -> list[tuple[str, str, str]]:
    """(what, code, the text it is in) for each raw code in the page's visible text."""
    parser = VisibleText()
    parser.feed(html)
    found = []
    for text in parser.texts:
        for what, pattern in RAW_CODES.items():
            found += [(what, m.group(0), text[:100]) for m in pattern.finditer(text)]
        found += [
            ("country code", part.strip(), text[:100])
            for part in SEPARATORS.split(text)
            if part.strip() in ISO_CODES
        ]
    return found


def assert_readable(client, urls: list[str]) -> None:
    problems = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if found := raw_codes(response.content.decode()):
            problems[url] = found
    assert not problems, f"raw codes shown to readers: {problems}"


def test_the_guard_sees_codes_in_text_not_in_attributes_or_names():
    html = (
        '<p data-kind="in_person"><a href="/x?country=BT">Bhutan</a> <span lang="en">US</span>'
        "<code>snstc-2012-2013</code></p>"
    )
    assert raw_codes(html) == []
    assert {code for _, code, _ in raw_codes("<td>in_person · BT · VN.regulators.all</td>")} == {
        "in_person",
        "BT",
        "VN.regulators.all",
    }


@pytest.mark.django_db
def test_main_pages_on_the_brief_show_no_raw_codes(brief, client):  # noqa: F811
    urls = [
        reverse(name)
        for name in (
            "core:home",
            "institutions:list",
            "activities:list",
            "collaboration:index",
            "networks:list",
            "needs:index",
            "quantities:index",
            "analytics:index",
            "analytics:gaps",
            "analytics:achievements",
            "reports:regional",
            "sources:list",
        )
    ]
    urls.append(reverse("reports:regional") + "?region=Asia&to=2015")
    urls += [
        reverse("institutions:detail", args=[k])
        for k in Institution.objects.values_list("key", flat=True)
    ]
    urls += [
        reverse("activities:course", args=[k]) for k in Course.objects.values_list("key", flat=True)
    ]
    urls += [
        reverse("networks:detail", args=[k]) for k in Network.objects.values_list("key", flat=True)
    ]
    urls += [
        reverse("sources:detail", args=[k]) for k in Source.objects.values_list("key", flat=True)
    ]
    gaps = client.get(reverse("analytics:gaps")).content.decode()
    cells = sorted(set(re.findall(r'href="(/analytics/gaps/[^/"]+\.[^/"]+/)"', gaps)))
    assert cells, "the gaps page links no cell"
    assert_readable(client, urls + cells[:5])
