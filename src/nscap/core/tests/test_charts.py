"""Charts carry their data as a table and a CSV link, and draw only what the viewer may see."""

import json
from urllib.parse import unquote

import pytest
from django.contrib.auth.models import AnonymousUser

from nscap.activities.charts import courses_by_provider_chart
from nscap.core.charts import Chart, Column, vega_lite
from nscap.testing.factories import make_course, make_institution


def test_csv_link_holds_the_table_with_headers():
    chart = Chart(
        name="n",
        title="T",
        spec=vega_lite(title="T", values=[], mark="bar", encoding={}),
        columns=[Column("a", "Alpha"), Column("b", "Beta, with comma")],
        rows=[{"a": "x", "b": 1}, {"a": "y, z", "b": None}],
    )
    text = unquote(chart.csv_data_url().removeprefix("data:text/csv;charset=utf-8,"))
    assert text == '\ufeffAlpha,"Beta, with comma"\nx,1\n"y, z",\n'


def test_spec_is_complete_vega_lite_with_inline_data():
    spec = vega_lite(title="T", values=[{"a": 1}], mark="bar", encoding={"x": {"field": "a"}})
    assert spec["$schema"].endswith("vega-lite/v6.json")
    assert spec["data"] == {"values": [{"a": 1}]}
    assert _spec_in_page(Chart("n", "T", spec, [], [])) == spec


def _spec_in_page(chart: Chart) -> dict:
    """The spec as charts.js reads it: the text of the page's JSON script element."""
    from django.template.loader import render_to_string

    html = render_to_string("core/_chart.html", {"chart": chart})
    opening = f'<script id="{chart.spec_id}" type="application/json">'
    text = html[html.index(opening) + len(opening) :]
    return json.loads(text[: text.index("</script>")])


def test_a_closing_script_tag_in_data_cannot_leave_the_spec():
    """Issue 12, #2: an institution called ``</script><script>...`` ran for every visitor."""
    payload = "</script><script>alert(1)</script>"
    spec = vega_lite(title=payload, values=[{"name": payload}], mark="bar", encoding={})
    chart = Chart("xss", payload, spec, [Column("name", "Name")], [{"name": payload}])
    from django.template.loader import render_to_string

    html = render_to_string("core/_chart.html", {"chart": chart})
    assert payload not in html and "<script>alert" not in html
    assert _spec_in_page(chart) == spec


@pytest.mark.django_db
def test_courses_chart_counts_only_visible_courses():
    insa = make_institution(key="insa", name="INSA")
    make_course(provider=insa, key="c1", title="Physical protection")
    make_course(provider=insa, key="c2", title="Insider threat", sensitivity="restricted")
    chart = courses_by_provider_chart(AnonymousUser())
    assert chart.rows == [{"provider": "INSA", "courses": 1, "url": "/institutions/insa/"}]
    assert chart.spec["data"]["values"] == chart.rows


@pytest.mark.django_db
def test_home_page_prints_the_chart_table_and_loads_local_vega(client):
    make_course(provider=make_institution(key="insa", name="INSA"), key="c1", title="PP")
    html = client.get("/").content.decode()
    assert 'id="chart-courses-by-provider"' in html
    assert '<a href="/institutions/insa/">INSA</a>' in html
    assert "/static/core/vendor/vega/vega-embed.min.js" in html
    assert "cdn" not in html.lower()


@pytest.mark.django_db
def test_courses_chart_shows_the_top_providers_and_sums_the_rest():
    from nscap.activities.charts import TOP_PROVIDERS

    for n in range(TOP_PROVIDERS + 3):
        provider = make_institution(key=f"p{n:02d}", name=f"Provider {n:02d}")
        for c in range(1 + (n < 2)):  # the first two have two courses each
            make_course(provider=provider, key=f"p{n:02d}-c{c}")
    rows = courses_by_provider_chart(AnonymousUser()).rows
    assert len(rows) == TOP_PROVIDERS + 1
    assert [r["courses"] for r in rows[:2]] == [2, 2]
    assert rows[-1] == {"provider": "3 other providers", "courses": 3, "url": ""}
    assert sum(r["courses"] for r in rows) == TOP_PROVIDERS + 3 + 2


def _chart_with_gaps() -> Chart:
    return Chart(
        name="gaps",
        title="T",
        spec=vega_lite(title="T", values=[], mark="bar", encoding={}),
        columns=[Column("a", "Alpha"), Column("b", "Beta"), Column("c", "Gamma", link_field="u")],
        rows=[{"a": "x", "b": None, "c": 3, "u": None}, {"a": "y", "b": 2}],
    )


def test_a_value_not_given_is_a_dash_in_the_table_and_an_empty_csv_field():
    chart = _chart_with_gaps()
    assert chart.table_rows() == [
        [("x", ""), ("—", ""), (3, "")],
        [("y", ""), (2, ""), ("—", "")],
    ]
    assert chart.csv_text() == "Alpha,Beta,Gamma\nx,,3\ny,2,\n"
    assert "None" not in unquote(chart.csv_data_url())


def test_the_chart_table_never_prints_none():
    from django.template.loader import render_to_string

    html = render_to_string("core/_chart.html", {"chart": _chart_with_gaps()})
    table = html[html.index("<table>") :]
    assert "None" not in table
    assert "<td>x</td><td>—</td><td>3</td>" in table
    assert "<td>y</td><td>2</td><td>—</td>" in table
