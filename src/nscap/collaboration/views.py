"""Collaboration pages: Table 3 from the data, the collaboration graph and depth per institution."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nscap.analytics.cache import cached
from nscap.analytics.figures import figures
from nscap.analytics.page_cache import cached_content
from nscap.collaboration.charts import depth_chart, graph_chart
from nscap.collaboration.choices import state_legend
from nscap.collaboration.depth import DEPTH_BY_TYPE, DEPTH_LABELS
from nscap.collaboration.filters import ClaimFilterForm, ClaimFilters, filtered_groups
from nscap.collaboration.metrics import cached_picture
from nscap.collaboration.selectors import answer_tally, table_three
from nscap.core.paging import paginate
from nscap.institutions.views import cleaned_filters, filter_messages
from nscap.sources.selectors import citations_for

GROUPS_PER_PAGE = 50  # claimant groups on one page of Table 3
DEPTH_PER_PAGE = 100  # institutions on one page of the depth table


def _table_three_page(user, groups: list, number: int) -> dict:
    """One page of Table 3: its claimant groups and their citations."""
    chunk = groups[(number - 1) * GROUPS_PER_PAGE : number * GROUPS_PER_PAGE]
    claims = [reading.claim for group in chunk for reading in group.readings]
    return {"groups": chunk, "citations": citations_for(claims, user)}


def _table_three(user) -> dict:
    """The counts over every visible claim; each page is cached apart, so that showing one
    page never unpickles the whole table (20,000 claims: about 1 s)."""
    groups = table_three(user)
    pages = max(1, -(-len(groups) // GROUPS_PER_PAGE))
    for number in range(1, pages + 1):
        content = _table_three_page(user, groups, number)
        cached("table-three-page", user, {"page": number}, lambda content=content: content)
    return {
        "group_count": len(groups),
        # Claims whose partner is only words: counted, never shown as two-sided.
        "unresolved_count": sum(1 for g in groups for r in g.readings if r.partner_unresolved),
    }


# The catalogue figures the collaboration page shows (docs/figures.md).
TABLE_FIGURES = (
    "claims_total",
    "claims_confirmed",
    "claims_two_sided",
    "claims_disputed",
    "claims_one_sided",
    "claims_related_back",
    "reciprocity_rate",
)


def _counts(tally: dict[str, int]) -> dict[str, int]:
    """The summary line's counts, from an ``answer_tally`` (or the catalogue's claim figures)."""
    return {
        "claim_count": tally["total"],
        "one_sided_count": tally["one_sided"],
        "related_count": tally["related_back"],
    }


def collaboration_index(request: HttpRequest) -> HttpResponse:
    """Table 3 from the data (cached per viewer class and data version: 3.6 s at 20,000 claims).

    The page shows ``GROUPS_PER_PAGE`` claimant groups; the counts are over every visible claim.
    """
    user = request.user
    form = ClaimFilterForm(request.GET or None, user=user)
    values = cleaned_filters(form) if request.GET else {}
    filters = ClaimFilters(
        values.get("partner_country"), values.get("parent"), bool(values.get("center"))
    )
    if filters:  # a filtered table is not cached: it is small, and queries vary without end
        return _filtered_index(request, form, filters)
    table = cached("table-three", user, {}, lambda: _table_three(user))
    shown = figures(user, TABLE_FIGURES)
    tally = {name: shown[f"claims_{name}"].value for name in ("total", "one_sided", "related_back")}
    page, page_link = paginate(request, range(table["group_count"]), GROUPS_PER_PAGE)
    content = cached(
        "table-three-page",
        user,
        {"page": page.number},
        lambda: _table_three_page(user, table_three(user), page.number),  # evicted: rebuild
    )
    return render(
        request,
        "collaboration/index.html",
        {
            "section": "collaboration",
            "states": state_legend(),
            **table,
            **_counts(tally),
            "figures": [shown[figure] for figure in TABLE_FIGURES],
            **content,
            "page": page,
            "page_link": page_link,
            "form": form,
            "messages_list": filter_messages(form) if request.GET else [],
        },
    )


def _filtered_index(request: HttpRequest, form, filters: ClaimFilters) -> HttpResponse:
    """Table 3 with only the claims matching the reader's filters."""
    user = request.user
    groups = filtered_groups(table_three(user), filters, user)
    page, page_link = paginate(request, range(len(groups)), GROUPS_PER_PAGE)
    return render(
        request,
        "collaboration/index.html",
        {
            "section": "collaboration",
            "states": state_legend(),
            **_table_three_page(user, groups, page.number),
            "group_count": len(groups),
            **_counts(answer_tally(r for g in groups for r in g.readings)),
            "page": page,
            "page_link": page_link,
            "form": form,
            "messages_list": filter_messages(form),
        },
    )


# The catalogue figures the graph and depth pages show beside the network (docs/figures.md).
NETWORK_FIGURES = (
    "reciprocity_rate",
    "depth_claimed",
    "depth_partner",
    "depth_confirmed",
    "exaggeration_gap",
)


def _scale() -> list[tuple[str, list[str]]]:
    """The depth scale as the pages print it: each rung with the claim types on it."""
    from nscap.collaboration.choices import CollaborationType

    return [
        (
            label,
            [str(CollaborationType(t).label) for t, depth in DEPTH_BY_TYPE.items() if depth == n],
        )
        for n, label in DEPTH_LABELS.items()
    ]


def collaboration_graph(request: HttpRequest) -> HttpResponse:
    """The collaboration graph; its content is rendered once per viewer class and data version."""
    user = request.user

    def build() -> dict:
        picture = cached_picture(user)
        return {
            "network": picture.network,
            "figures": figures(user, NETWORK_FIGURES),
            "chart": graph_chart(picture),
            "scale": _scale(),
        }

    content = cached_content(
        request, "collaboration-graph", "collaboration/_graph_content.html", build
    )
    return render(
        request, "collaboration/graph.html", {"section": "collaboration", "content": content}
    )


def collaboration_depth(request: HttpRequest) -> HttpResponse:
    """The network figures (over every visible institution) and one page of the depth table;
    each page's content is rendered once per viewer class and data version."""
    user = request.user

    def build() -> dict:
        picture = cached_picture(user)
        page, page_link = paginate(request, picture.network.by_institution, DEPTH_PER_PAGE)
        return {
            "network": picture.network,
            "figures": figures(user, NETWORK_FIGURES),
            "chart": depth_chart(picture, table_rows=page.object_list),
            "page": page,
            "page_link": page_link,
            "scale": _scale(),
        }

    params = {"query": sorted(request.GET.items())}
    content = cached_content(
        request, "collaboration-depth", "collaboration/_depth_content.html", build, params
    )
    return render(
        request, "collaboration/depth.html", {"section": "collaboration", "content": content}
    )
