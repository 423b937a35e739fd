"""The improvement plan (`/plan?period=2023-01&brag=red,amber&lead=…&overdue=1&area=3`): every action by area as
at a month, with its rating, flags, lead, deadline, latest progress and, once completed, the impact on its
measures; the counts at the top; filters by rating, lead, overdue and area, each view a shareable address."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.components.fields import picker
from dashboard.components.navigation import (
    choices_part,
    flag_part,
    keep_focus_across_views,
    month_part,
    number_part,
    text_part,
    view_navigation,
)
from dashboard.components.notices import month_notices, refusal_notice, synthetic_notice
from dashboard.components.plan import action_card, brag_text
from dashboard.components.publication import draft_banner
from dashboard.components.reading_help import meaning_link
from dashboard.server import access
from dashboard.server.data import engine
from dashboard.server.query import single_query_values
from measures.accounts import users
from measures.domain.periods import is_period, long_label
from measures.views.plan import (
    BRAG_ORDER,
    PlanView,
    build_plan,
    counts_sentence,
    filter_plan,
    impact_count_sentence,
    shown_month,
)

dash.register_page(
    __name__,
    path="/plan",
    name="Improvement plan",
    title="Improvement plan - Measures that Matter",
    order=10,
    cached=True,
)

TITLE = "Improvement plan"
OVERDUE_CHOICE = "overdue"


LEAD_LENGTH = 200  # characters of a lead's name an address keeps
AREA_NUMBER = re.compile(r"[0-9]{1,3}")  # ASCII digits only: "²".isdigit() is true, and int() refuses it


def plan_query(
    period: str | None, brags: list[str] | None, lead: str | None, overdue: list[str] | None, area: int | str | None
) -> str:
    """Return the canonical query string of a view of the plan, e.g. '?period=2023-01&brag=red,amber&overdue=1'.
    Values that are not what the controls offer are left out (they come from whoever sends the callback)."""
    query: dict[str, str] = {}
    if isinstance(period, str) and is_period(period):
        query["period"] = period
    chosen = [key for key in BRAG_ORDER if isinstance(brags, list) and key in brags]
    if chosen:
        query["brag"] = ",".join(chosen)
    if isinstance(lead, str) and lead.strip():
        query["lead"] = lead[:LEAD_LENGTH]
    if isinstance(overdue, list) and OVERDUE_CHOICE in overdue:
        query["overdue"] = "1"
    if isinstance(area, int | str) and not isinstance(area, bool) and AREA_NUMBER.fullmatch(str(area)):
        query["area"] = str(int(area))
    return "?" + urlencode(query) if query else ""


def _headline(full: PlanView) -> html.Div:
    counts = full.counts()
    return html.Div(
        [
            html.H2(f"As at {long_label(full.as_at)}" if full.as_at else "The plan", className="as-at"),
            html.P(
                [html.Strong(f"{counts['actions']} actions: "), counts_sentence(counts) + "."],
                className="plan-counts",
            ),
            html.P(impact_count_sentence(counts).capitalize() + ".", className="plan-impact-count"),
            html.P(meaning_link("plan")),
        ],
        id=ids.PLAN_SUMMARY,
        className="summary",
    )


def _controls(full: PlanView, brags: list[str], lead: str | None, overdue: bool, area: int | None) -> html.Div:
    as_at = str(full.as_at)
    options = [{"label": long_label(p), "value": p} for p in reversed(full.available_periods)]
    if as_at not in full.available_periods:
        options.insert(0, {"label": long_label(as_at), "value": as_at})
    controls = [
        picker("As at", ids.PLAN_PERIOD_PICKER, options, full.as_at, "period-picker"),
        picker(
            "Area",
            ids.PLAN_AREA_FILTER,
            [{"label": f"{a.number}. {a.title}", "value": a.number} for a, _ in full.groups],
            area,
            "area-picker",
            placeholder="All areas",
        ),
        picker(
            "Lead",
            ids.PLAN_LEAD_FILTER,
            [{"label": name, "value": name} for name in full.leads],
            lead,
            "lead-picker",
            placeholder="Every lead",
            searchable=True,
        ),
        html.Fieldset(
            [
                html.Legend("Show only actions rated", className="picker-label"),
                dcc.Checklist(
                    id=ids.PLAN_BRAG_FILTER,
                    value=brags,
                    inline=True,
                    className="checklist",
                    options=[{"label": brag_text(key), "value": key} for key in BRAG_ORDER],
                ),
            ],
            className="control fieldset",
        ),
        dcc.Checklist(
            id=ids.PLAN_OVERDUE_FILTER,
            value=[OVERDUE_CHOICE] if overdue else [],
            className="checklist",
            options=[{"label": "Show only overdue actions", "value": OVERDUE_CHOICE}],
        ),
    ]
    return html.Div(controls, className="controls plan-controls")


def _closed(view: PlanView) -> html.Section | None:
    """The actions closed, each with why, linking to its history; None when there are none."""
    if not view.closed:
        return None
    return html.Section(
        [
            html.H2(f"Closed actions ({len(view.closed)})", id="plan-closed-heading"),
            html.P("Taken out of the plan's monitoring: not counted above.", className="muted"),
            html.Ul(
                [
                    html.Li(
                        [
                            dcc.Link(f"{row.action.number} {row.action.text}", href=f"/plan/{row.action.number}"),
                            f": closed, {row.action.reason}" if row.action.reason else ": closed",
                        ]
                    )
                    for row in view.closed
                ]
            ),
        ],
        className="plan-closed",
        **{"aria-labelledby": "plan-closed-heading"},
    )


def _actions(view: PlanView) -> html.Div:
    as_at = str(view.as_at)
    sections = []
    for area, rows in view.groups:
        heading_id = f"plan-area-{area.number}-heading"
        sections.append(
            html.Section(
                [
                    html.H2(
                        [f"Area {area.number}: ", dcc.Link(area.title, href=f"/area/{area.number}?period={as_at}")],
                        id=heading_id,
                    ),
                    html.Div([action_card(row, as_at) for row in rows], className="action-grid"),
                ],
                className="plan-area",
                **{"aria-labelledby": heading_id},
            )
        )
    return html.Div(sections, id=ids.PLAN_ACTIONS)


@single_query_values
def layout(
    period: str | None = None,
    brag: str | None = None,
    lead: str | None = None,
    overdue: str | None = None,
    area: str | None = None,
    **_query,
) -> html.Div:
    """Return the plan page for the view in the address: month, ratings, lead, overdue and area."""
    refused = refusal_notice(TITLE, users.VIEW_SERVICE)
    if refused:
        return refused
    chosen = shown_month(engine(), period, access.visible_months())
    full = build_plan(engine(), period=chosen, visible=access.visible_months())
    header = html.Div(
        [
            html.H1(TITLE),
            html.P(
                "Every action of the children's services improvement plan: its rating this month, who leads it, "
                "when it is due, the latest progress and, once completed, whether the measures it was meant to "
                "move have moved.",
                className="lede",
            ),
        ],
        className="page-header",
    )
    if full.as_at is None or not (full.rows or full.closed):
        return html.Div(
            [header, html.P("The improvement plan has no actions yet.", className="notice notice-info")],
            className="plan-page",
        )
    brags = [key for key in (brag or "").split(",") if key in BRAG_ORDER]
    area_numbers = {a.number for a, _ in full.groups}
    area_number = int(area) if area and AREA_NUMBER.fullmatch(area) and int(area) in area_numbers else None
    chosen_lead = lead if lead in full.leads else None
    only_overdue = overdue == "1"
    view = filter_plan(full, set(brags), chosen_lead, only_overdue, area_number)
    shown, total = len(view.rows), len(full.rows)
    notices = month_notices(period, full.available_periods, full.as_at)
    if full.shows_synthetic:
        notices.append(synthetic_notice("Ratings marked †", real_months=False))
    return html.Div(
        [
            header,
            _controls(full, brags, chosen_lead, only_overdue, area_number),
            dcc.Store(id=ids.PLAN_FOCUS_KEPT),
            dcc.Store(id=ids.PLAN_FOCUS_RESTORED),
            dcc.Store(
                id=ids.PLAN_SHOWN_QUERY,
                data=plan_query(full.as_at, brags, chosen_lead, [OVERDUE_CHOICE] if only_overdue else [], area_number),
            ),
            *notices,
            draft_banner(full.as_at),
            _headline(full),
            html.P(f"Showing {shown} of {total} actions.", className="showing", role="status")
            if shown != total
            else None,
            _actions(view)
            if shown
            else html.P("No action matches these filters this month.", className="notice notice-info"),
            _closed(view),
        ],
        className="plan-page",
    )


# Choosing a view navigates to its address, `plan_query` of the controls, in the browser.
view_navigation(
    [
        (ids.PLAN_PERIOD_PICKER, month_part()),
        (ids.PLAN_BRAG_FILTER, choices_part("brag", BRAG_ORDER)),
        (ids.PLAN_LEAD_FILTER, text_part("lead", blank_if_spaces=True, max_length=LEAD_LENGTH)),
        (ids.PLAN_OVERDUE_FILTER, flag_part("overdue", OVERDUE_CHOICE)),
        (ids.PLAN_AREA_FILTER, number_part("area", AREA_NUMBER.pattern)),
    ],
    ids.PLAN_SHOWN_QUERY,
)


keep_focus_across_views(
    "plan-focus",
    [ids.PLAN_PERIOD_PICKER, ids.PLAN_BRAG_FILTER, ids.PLAN_LEAD_FILTER, ids.PLAN_OVERDUE_FILTER, ids.PLAN_AREA_FILTER],
    ids.PLAN_SHOWN_QUERY,
    ids.PLAN_FOCUS_KEPT,
    ids.PLAN_FOCUS_RESTORED,
)
