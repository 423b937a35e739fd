"""Overview: the Measures that Matter table as at a month (`/?period=2023-01`)."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.components.fields import picker
from dashboard.components.judgements import (
    CHANGE_HEADLINE_LABEL,
    headline_assurance,
    headline_change,
    headline_spc,
    headline_target,
)
from dashboard.components.national import credit, national_meaning
from dashboard.components.navigation import (
    choices_part,
    keep_focus_across_views,
    month_part,
    number_part,
    view_navigation,
)
from dashboard.components.notices import month_notices, refusal_notice, synthetic_notice
from dashboard.components.overview_table import overview_table
from dashboard.components.publication import draft_banner
from dashboard.server import access
from dashboard.server.data import engine
from dashboard.server.query import single_query_values
from measures.accounts import users
from measures.domain.periods import is_period, long_label
from measures.storage import publications
from measures.views.national_for_pages import comparators_for_pages
from measures.views.national_model import MeasureComparators
from measures.views.overview import FILTERS, OverviewModel, build_overview, filter_overview

dash.register_page(__name__, path="/", name="Overview", title="Measures that Matter", order=0, cached=True)

# The optional columns a reader may show, in the order an address names them; the national comparison shows
# unless the address says otherwise.
COLUMN_CHOICES = {
    "committee": "Show objectives, timescales and best practice",
    "national": "Show the national comparison (latest year)",
}
DEFAULT_COLUMNS = ["national"]


def _items(parts: list[tuple[int, str, str]]) -> list:
    return [
        html.Span([html.Strong(str(number)), f" {label}"], className=f"headline-item headline-{key}")
        for number, label, key in parts
    ]


def _headline(model: OverviewModel) -> html.Div:
    counts = model.summary()
    return html.Div(
        [
            html.H2(f"As at {long_label(model.as_at)}", className="as-at"),
            html.P(_items(headline_spc(counts)), className="headline headline-spc"),
            html.P(_items([headline_assurance(counts)]), className="headline headline-assurance"),
            html.P(
                [html.Span(CHANGE_HEADLINE_LABEL, className="headline-label"), *_items(headline_change(counts))],
                className="headline headline-month",
            ),
            html.P(
                _items(
                    [(counts["off_target"], headline_target(counts, model.off_target_earlier_months()), "off-target")]
                ),
                className="headline headline-target",
            ),
            html.P(f"{counts['measures']} measures in {len(model.groups)} improvement areas.", className="muted"),
        ],
        id=ids.OVERVIEW_SUMMARY,
        className="summary",
    )


def _notices(model: OverviewModel, requested: str | None) -> list:
    notices = month_notices(requested, model.available_periods)
    if model.shows_synthetic:
        notices.append(synthetic_notice())
    return notices


def overview_query(
    period: str | None, filters: list[str] | None, area: int | str | None, columns: list[str] | None
) -> str:
    """Return the canonical query string of a view, e.g. '?period=2023-01&show=off-target,worse&area=3'."""
    # The values come from the page's pickers, or from whoever sends the callback: anything else is ignored.
    parts = []
    if isinstance(period, str) and is_period(period):
        parts.append(f"period={period}")
    chosen = [name for name in FILTERS if isinstance(filters, list) and name in filters]
    if chosen:
        parts.append("show=" + ",".join(chosen))
    if isinstance(area, int | str) and not isinstance(area, bool) and str(area).isdigit():
        parts.append(f"area={int(area)}")
    shown = [name for name in COLUMN_CHOICES if isinstance(columns, list) and name in columns]
    if shown != DEFAULT_COLUMNS:
        parts.append("columns=" + (",".join(shown) or "none"))
    return "?" + "&".join(parts) if parts else ""


def chosen_columns(columns: str | None) -> list[str]:
    """Return the optional columns a view's address shows, in COLUMN_CHOICES order: the national comparison when the
    address names none (`columns` absent), else those it names ("committee,national"; "none" for neither)."""
    if columns is None:
        return list(DEFAULT_COLUMNS)
    named = columns.split(",")
    return [name for name in COLUMN_CHOICES if name in named]


def _controls(model: OverviewModel, filters: list[str], area: int | None, shown_columns: list[str]) -> html.Div:
    options = [{"label": long_label(p), "value": p} for p in reversed(model.available_periods)]
    area_options = [{"label": f"{a.number}. {a.title}", "value": a.number} for a, _ in model.groups]
    return html.Div(
        [
            picker("As at", ids.PERIOD_PICKER, options, model.period, "period-picker"),
            picker("Area", ids.OVERVIEW_AREA, area_options, area, "area-picker", placeholder="All areas"),
            html.Fieldset(
                [
                    html.Legend("Show only measures that are", className="picker-label"),
                    dcc.Checklist(
                        id=ids.OVERVIEW_FILTERS,
                        value=filters,
                        inline=True,
                        className="checklist",
                        options=[{"label": label, "value": name} for name, label in FILTERS.items()],
                    ),
                ],
                className="control fieldset",
            ),
            dcc.Checklist(
                id=ids.OVERVIEW_COLUMNS,
                value=shown_columns,
                className="checklist",
                options=[{"label": label, "value": name} for name, label in COLUMN_CHOICES.items()],
            ),
        ],
        className="controls",
    )


@single_query_values
def layout(
    period: str | None = None, show: str | None = None, area: str | None = None, columns: str | None = None, **_query
) -> html.Div:
    """Return the page for the view in the address: month, filters, area and the committee's columns."""
    refused = refusal_notice("Measures that Matter", users.VIEW_SERVICE)
    if refused:
        return refused
    chosen = period if is_period(period) else None
    full = build_overview(engine(), period=chosen, visible=access.visible_months())
    header = html.Div(
        [
            html.H1("Measures that Matter"),
            html.P(
                "Every measure of the children's services improvement plan, as the improvement board reads it: "
                "latest figures, the change since last month, the target and the trend.",
                className="lede",
            ),
        ],
        className="page-header",
    )
    if full.period is None:
        return html.Div(
            [
                header,
                html.P("There are no figures yet. Import a monthly return to begin.", className="notice notice-info"),
            ]
        )
    filters = [name for name in (show or "").split(",") if name in FILTERS]
    area_numbers = {row.measure.area for row in full.rows}
    area_number = int(area) if area and area.isdigit() and int(area) in area_numbers else None
    shown_columns = chosen_columns(columns)
    committee = "committee" in shown_columns
    model = filter_overview(full, set(filters), area_number)
    shown = len(model.rows)
    showing = (
        html.P(f"Showing {shown} of {len(full.rows)} measures.", className="showing", role="status")
        if shown != len(full.rows)
        else None
    )
    national = comparators_for_pages(engine()) if "national" in shown_columns else None
    table = (
        html.Div(
            overview_table(model, committee, publications.revised_figures(engine(), model.columns), national),
            id=ids.OVERVIEW_TABLE,
            className="table-scroll overview-scroll",
            tabIndex="0",
            role="region",
            **{"aria-label": "Measures that Matter table"},
        )
        if shown
        else html.P("No measure matches these filters this month.", className="notice notice-info")
    )
    return html.Div(
        [
            header,
            _controls(full, filters, area_number, shown_columns),
            dcc.Store(
                id=ids.OVERVIEW_SHOWN_QUERY,
                data=overview_query(full.period, filters, area_number, shown_columns),
            ),
            dcc.Store(id=ids.OVERVIEW_FOCUS_KEPT),
            dcc.Store(id=ids.OVERVIEW_FOCUS_RESTORED),
            *_notices(full, period),
            draft_banner(full.period),
            _headline(full),
            showing,
            table,
            _national_key(national),
        ]
    )


def _national_key(national: dict | None) -> html.Div | None:
    """What the national comparison column says and where it comes from, below the table; None without national
    figures or the column."""
    if not national or not any(
        isinstance(item, MeasureComparators) and item.latest is not None for item in national.values()
    ):
        return None
    return html.Div(
        [
            html.P(
                [
                    html.Strong("National comparison: "),
                    "the council's figure for the latest year the Department for Education has published, then "
                    "England, the average of its statistical neighbours, its rank and its quartile band. Each line "
                    "names its year: these are annual figures (for a year, or a date in it), not the month's.",
                ],
                className="small",
            ),
            national_meaning(),
            credit(),
        ],
        className="national-key",
    )


# Choosing a view navigates to its address, `overview_query` of the controls, in the browser.
view_navigation(
    [
        (ids.PERIOD_PICKER, month_part()),
        (ids.OVERVIEW_FILTERS, choices_part("show", list(FILTERS))),
        (ids.OVERVIEW_AREA, number_part("area")),
        (ids.OVERVIEW_COLUMNS, choices_part("columns", list(COLUMN_CHOICES), default=DEFAULT_COLUMNS, none="none")),
    ],
    ids.OVERVIEW_SHOWN_QUERY,
    encoded=False,
)


keep_focus_across_views(
    "overview-focus",
    [ids.PERIOD_PICKER, ids.OVERVIEW_FILTERS, ids.OVERVIEW_AREA, ids.OVERVIEW_COLUMNS],
    ids.OVERVIEW_SHOWN_QUERY,
    ids.OVERVIEW_FOCUS_KEPT,
    ids.OVERVIEW_FOCUS_RESTORED,
)
