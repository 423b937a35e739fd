"""Compared with every council (`/compare/3.3?year=2024&sort=rank&order=asc`): every English authority's published
figure for one year of a measure's national item, ranked, the council and its statistical neighbours marked in
words, sortable by any column through links (so every order is a shareable address) and downloadable."""

from __future__ import annotations

from urllib.parse import urlencode

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.components.downloads import table_download_buttons
from dashboard.components.national import (
    COUNCIL_ROW,
    SORTS,
    credit,
    every_council_frame,
    every_council_table,
    latest_years,
    national_meaning,
    sorted_rows,
)
from dashboard.components.notices import refusal_notice
from dashboard.server.data import engine
from dashboard.server.query import single_query_values
from measures.accounts import users
from measures.views.national import UnknownYear, every_council
from measures.views.national_model import EveryCouncil
from measures.views.national_wording import ANNUAL_MEANING, edition_text, no_comparator_sentence

dash.register_page(
    __name__,
    path_template="/compare/<ref>",
    name="Compared with every council",
    title=lambda ref=None, **_: f"Measure {ref} compared with every council: Measures that Matter",
    nav=False,
    cached=True,
)


def _header(ref: str, title: str) -> html.Div:
    return html.Div(
        [
            html.Nav(
                html.Ol(
                    [
                        html.Li(dcc.Link("Measures that Matter", href="/")),
                        html.Li(dcc.Link(f"Measure {ref}", href=f"/measure/{ref}#national-heading")),
                        html.Li("Compared with every council", **{"aria-current": "page"}),
                    ],
                    className="breadcrumbs",
                ),
                **{"aria-label": "Breadcrumb"},
            ),
            html.H1(["Compared with every council: ", html.Span(ref, className="card-ref"), " ", title]),
        ],
        className="page-header",
    )


def _years(councils: EveryCouncil, path: str, sort: str, order: str) -> html.Nav | None:
    years = latest_years(councils)
    if len(years) < 2:
        return None
    items = []
    for year, label in years:
        if year == councils.year:
            items.append(html.Li(html.Strong(label), **{"aria-current": "true"}))
        else:
            query = urlencode({"year": year, "sort": sort, "order": order})
            items.append(html.Li(dcc.Link(label, href=f"{path}?{query}")))
    return html.Nav(
        [
            html.H2("Year", id="councils-years-heading", className="picker-label"),
            html.Ul(items, className="year-links"),
        ],
        className="councils-years",
        **{"aria-labelledby": "councils-years-heading"},
    )


def councils_view(councils: EveryCouncil, sort: str | None, order: str | None) -> html.Div:
    """Return the page body for `councils` in the order asked (`sort` one of SORTS, else rank; `order` "desc" for
    the other way)."""
    chosen = sort if sort in SORTS else "rank"
    descending = order == "desc"
    path = f"/compare/{councils.ref}"
    rows = sorted_rows(councils, chosen, descending)
    council = next((row for row in councils.rows if row.is_council), None)
    neighbours = sum(row.is_neighbour for row in councils.rows)
    where = (
        f"{council.name} is ranked {council.rank} of {councils.ranked_of}"
        if council is not None and council.rank is not None
        else f"{council.name} has no ranked figure"
        if council is not None
        else "The council is not in this list"
    )
    lead = html.P(
        [
            html.Strong(f"These national figures are for {councils.label}."),
            f" {ANNUAL_MEANING} {where} on the Department for Education's item “{councils.item_title}”. "
            f"{len(councils.rows)} authorities are listed; the council and its {neighbours} statistical neighbours "
            f"({edition_text(councils.edition)}) are marked in words and in bold.",
        ],
        className="national-latest",
    )
    return html.Div(
        [
            _header(councils.ref, councils.measure_title or councils.item_title),
            lead,
            _years(councils, path, chosen, "desc" if descending else "asc"),
            html.P(
                [
                    "Choose a column heading to sort by it; choose it again to sort the other way. Authorities "
                    "without a figure come last. ",
                    html.A(f"Go to {council.name}'s row", href=f"#{COUNCIL_ROW}") if council is not None else None,
                ],
                className="small",
            ),
            html.Div(
                every_council_table(councils, rows, chosen, descending, path, ids.COUNCILS_TABLE),
                className="table-scroll councils-scroll",
                tabIndex="0",
                role="region",
                **{"aria-label": f"Every council's figure for {councils.label}"},
            ),
            table_download_buttons(
                ids.COUNCILS_TABLE,
                every_council_frame(councils, rows),
                f"measure-{councils.ref}-every-council-{councils.label}",
                f"every council, {councils.label}",
            ),
            national_meaning(),
            credit(),
        ],
        className="councils-page",
        **{"data-ref": councils.ref, "data-year": councils.year},
    )


@single_query_values
def layout(ref: str | None = None, year: str | None = None, sort: str | None = None, order: str | None = None, **_):
    """Return every council's figure for measure `ref` in `year` (as published; default the latest), or a page
    saying why there is none."""
    refused = refusal_notice("Compared with every council", users.VIEW_SERVICE)
    if refused:
        return refused
    shown = str(ref)
    asked = year if isinstance(year, str) and year else None
    notice = None
    try:
        try:
            councils = every_council(engine(), shown, year=asked)
        except UnknownYear:
            notice = html.P(
                ["There are no national figures for ", html.Q(str(asked)), ": the latest year is shown."],
                className="notice notice-warning",
                role="status",
            )
            councils = every_council(engine(), shown)
    except UnknownYear:
        return html.Div(
            [
                _header(shown, ""),
                html.P("No national figures have been imported for this measure yet."),
                html.P(dcc.Link(f"Back to measure {shown}", href=f"/measure/{shown}")),
            ]
        )
    except KeyError:
        return html.Div(
            [
                html.H1("No such measure"),
                html.P(["There is no measure ", html.Q(shown), " in the catalogue."]),
                html.P(dcc.Link("Back to the Measures that Matter table", href="/")),
            ]
        )
    if not isinstance(councils, EveryCouncil):
        return html.Div(
            [
                _header(shown, ""),
                html.P(no_comparator_sentence(councils)),
                html.P(dcc.Link(f"Back to measure {shown}", href=f"/measure/{shown}")),
            ]
        )
    view = councils_view(councils, sort, order)
    if notice is not None:
        view.children.insert(1, notice)
    return view
