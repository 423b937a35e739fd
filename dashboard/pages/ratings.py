"""Record a month's ratings (`/ratings?period=2023-01`), for officers and admins: every open action of the plan with
its rating last month, a choice of rating for the month and its progress update. Saved all at once, checked all
at once: nothing is written while any rating has a problem. A month's ratings follow the month's sign-off: readers
see them once the month is published, and a change to a published month is kept as a revision."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import dash
from dash import ALL, Input, Output, State, callback, dcc, html, no_update

from dashboard import ids
from dashboard.components.notices import refusal_notice
from dashboard.components.plan import brag_badge, brag_text
from dashboard.server import auth
from dashboard.server.auth import requires
from dashboard.server.data import engine
from dashboard.server.query import single_query_values
from measures.accounts import users
from measures.domain.periods import is_period, long_label, period_of, shift_period
from measures.domain.plan import BRAG_KEYS, PROGRESS_LIMIT, Action, Rating, latest_rating
from measures.storage import plan as plan_store
from measures.storage import publications, reads

dash.register_page(
    __name__,
    path="/ratings",
    name="Action ratings",
    title="Record the actions' ratings - Measures that Matter",
    order=21,
    required_permission=users.UPLOAD,
)

TITLE = "Record the actions' ratings"
MONTHS_OFFERED = 24
# What an officer may record: the plan's key. "Not recorded" marks the published plan's lost colours only.
CHOICES = tuple(key for key in BRAG_KEYS if key != "not_recorded")


def _newest_month() -> str:
    """The newest month with a figure or a rating (this calendar month when there is none)."""
    rated = [month for by_month in plan_store.plan_ratings(engine()).values() for month in by_month]
    known = [month for month in (reads.latest_period(engine()), max(rated, default=None)) if month]
    return max(known) if known else period_of(datetime.now(UTC))


def _months(newest: str) -> list[str]:
    """The months offered, newest first: the month after `newest` (the return officers are preparing) and the
    MONTHS_OFFERED - 1 before it."""
    last = shift_period(newest, 1)
    return [shift_period(last, -back) for back in range(MONTHS_OFFERED)]


def _publication_note(period: str) -> html.P | html.Div:
    if publications.month_state(engine(), period).published:
        reason_id = {"type": ids.RATINGS_REASON, "month": period}
        return html.Div(
            [
                html.P(
                    f"{long_label(period)} is published: a rating saved now is seen by readers at once, and the "
                    "rating it replaces is kept in the action's history. Say why it changes.",
                    className="notice notice-warning",
                ),
                html.Div(
                    [
                        html.Label(
                            "Why the ratings of a published month change",
                            htmlFor=dom_id(reason_id),
                            className="field-label",
                        ),
                        html.P(
                            "Kept in the audit log with the ratings, for example: rated at the board after "
                            "publication.",
                            className="hint",
                        ),
                        dcc.Textarea(
                            id=reason_id,
                            value="",
                            rows=2,
                            maxLength=plan_store.MAX_REASON_LENGTH,
                            className="text-input",
                        ),
                    ],
                    className="field",
                ),
            ]
        )
    return html.P(
        f"{long_label(period)} is a draft: only officers and admins see its ratings until it is published.",
        className="notice notice-info",
    )


def dom_id(component_id: dict[str, str]) -> str:
    """Return the id a pattern-matching component has in the page, as Dash writes it: the keys sorted, each key and
    value as JSON, no spaces ('{"number":"2.4","type":"ratings-brag"}'), for a label's `for`."""
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))


def _row(action: Action, ratings: dict[str, Rating], period: str) -> html.Tr:
    slug = action.number.replace(".", "-")
    earlier = latest_rating({month: r for month, r in ratings.items() if month < period}, period)
    recorded = ratings.get(period)
    # A synthetic demonstration rating is shown, never put in the form: saving the form would record it as the
    # officer's own.
    this_month = recorded if recorded is not None and not recorded.synthetic else None
    before: list = (
        [brag_badge(earlier.brag, earlier.synthetic), html.Span(f" ({long_label(earlier.period)})", className="small")]
        if earlier is not None
        else ["None"]
    )
    if recorded is not None and recorded.synthetic:
        before += [html.Br(), "This month's demonstration rating: ", brag_badge(recorded.brag, True)]
    brag_id = {"type": ids.RATINGS_BRAG, "number": action.number}
    progress_id = {"type": ids.RATINGS_PROGRESS, "number": action.number}
    chosen = this_month.brag if this_month is not None and this_month.brag in CHOICES else None
    return html.Tr(
        [
            html.Th(
                [html.Span(action.number, className="card-ref"), " ", html.Span(action.text, className="small")],
                scope="row",
                id=f"rate-{slug}-action",
            ),
            html.Td(before),
            html.Td(
                [
                    html.Label(
                        f"Rating of action {action.number} for {long_label(period)}",
                        htmlFor=dom_id(brag_id),
                        className="visually-hidden",
                    ),
                    dcc.Dropdown(
                        id=brag_id,
                        options=[{"label": brag_text(key), "value": key} for key in CHOICES],
                        value=chosen,
                        placeholder="Choose a rating",
                        clearable=True,
                        searchable=False,
                        className="brag-picker",
                    ),
                ]
            ),
            html.Td(
                [
                    html.Label(
                        f"Progress of action {action.number} in {long_label(period)}",
                        htmlFor=dom_id(progress_id),
                        className="visually-hidden",
                    ),
                    dcc.Textarea(
                        id=progress_id,
                        value=this_month.progress if this_month is not None else "",
                        rows=3,
                        maxLength=PROGRESS_LIMIT,
                        placeholder="Progress this month",
                        className="text-input",
                    ),
                ]
            ),
        ],
        **{"data-number": action.number},
    )


def _form(period: str) -> list:
    actions = [action for action in plan_store.current_actions(engine()) if not action.closed]
    if not actions:
        return [html.P("The improvement plan has no open actions to rate.", className="notice notice-info")]
    ratings = plan_store.plan_ratings(engine(), up_to=period)
    table = html.Table(
        [
            html.Caption(f"Every open action, with its rating for {long_label(period)}"),
            html.Thead(
                html.Tr(
                    [
                        html.Th("Action", scope="col"),
                        html.Th("Last rating", scope="col"),
                        html.Th(f"Rating for {long_label(period)}", scope="col"),
                        html.Th("Progress", scope="col"),
                    ]
                )
            ),
            html.Tbody([_row(action, ratings.get(action.number, {}), period) for action in actions]),
        ],
        className="report-table ratings-table",
    )
    return [
        _publication_note(period),
        html.P(
            "Choose a rating for each action you are updating and say what has happened. A Red or Amber rating "
            "needs a progress update saying what is causing the delay or risk. An action left without a rating is "
            "left as it is.",
            className="hint",
        ),
        html.Div(table, className="table-scroll report-scroll"),
        html.Button(f"Save the ratings for {long_label(period)}", id=ids.RATINGS_SAVE, className="button", n_clicks=0),
        dcc.Store(id=ids.RATINGS_CHOSEN, data=period),
    ]


@single_query_values
def layout(period: str | None = None, **_query) -> html.Div:
    """The page, for officers and admins; `period` in the query string chooses the month (default: the newest month
    with figures or ratings)."""
    refused = refusal_notice(TITLE, users.UPLOAD)
    if refused:
        return refused
    newest = _newest_month()
    months = _months(newest)
    chosen = str(period) if is_period(period) and str(period) in months else newest
    refused_month = (
        html.P(
            f"Ratings can be recorded for {long_label(months[-1])} to {long_label(months[0])}: "
            f"{long_label(newest)} is shown.",
            className="notice notice-warning",
            role="status",
        )
        if period is not None and chosen != period
        else None
    )
    return html.Div(
        [
            html.H1(TITLE),
            html.P(
                "Each month every open action of the improvement plan is rated Blue, Green, Amber or Red (or not yet "
                "due) with a progress update, as the plan's key says. Ratings can also come in the monthly return's "
                "Actions sheet.",
                className="lede",
            ),
            html.Div(
                [
                    html.Label("Month", htmlFor=ids.RATINGS_MONTH, className="picker-label"),
                    dcc.Dropdown(
                        id=ids.RATINGS_MONTH,
                        options=[{"label": long_label(month), "value": month} for month in months],
                        value=chosen,
                        clearable=False,
                        searchable=False,
                        className="period-picker",
                    ),
                ],
                className="controls",
            ),
            refused_month,
            html.Div(id=ids.RATINGS_STATUS, role="status"),
            html.Div(_form(chosen), id=ids.RATINGS_FORM),
        ],
        className="ratings-page",
    )


@callback(
    Output(ids.RATINGS_FORM, "children"),
    Output(ids.RATINGS_STATUS, "children"),
    Input(ids.RATINGS_MONTH, "value"),
    prevent_initial_call=True,
)
@requires(users.UPLOAD)
def choose_month(period: Any):
    """Show the form for the month chosen."""
    if not is_period(period):
        return no_update, no_update
    return _form(str(period)), ""


def rows_from_form(period: str, numbers: Any, brags: Any, progresses: Any) -> list[plan_store.RatingRow]:
    """Return the ratings an officer gave on the form: one row per action given a rating or progress text, in the
    form's order (progress without a rating is kept, for the checks to say it has none). Values that are not what
    the form sends (from a hand-made request) are taken as text, for the checks to refuse."""
    if not all(isinstance(values, list) for values in (numbers, brags, progresses)):
        return []
    rows = []
    for number, brag, progress in zip(numbers, brags, progresses, strict=False):
        typed = progress.strip() if isinstance(progress, str) else ""
        if brag in (None, "") and not typed:
            continue
        rows.append(
            plan_store.RatingRow(
                number=str(number.get("number") if isinstance(number, dict) else number)[:40],
                period=period,
                brag="" if brag is None else str(brag)[:40],
                progress=progress if isinstance(progress, str) else "",
            )
        )
    return rows


@callback(
    Output(ids.RATINGS_STATUS, "children", allow_duplicate=True),
    Output(ids.RATINGS_FORM, "children", allow_duplicate=True),
    Input(ids.RATINGS_SAVE, "n_clicks"),
    State(ids.RATINGS_CHOSEN, "data"),
    State({"type": ids.RATINGS_BRAG, "number": ALL}, "id"),
    State({"type": ids.RATINGS_BRAG, "number": ALL}, "value"),
    State({"type": ids.RATINGS_PROGRESS, "number": ALL}, "value"),
    State({"type": ids.RATINGS_REASON, "month": ALL}, "value"),
    prevent_initial_call=True,
)
@requires(users.UPLOAD)
def save_ratings(n_clicks: Any, period: Any, numbers: Any, brags: Any, progresses: Any, reasons: Any = None):
    """Record the ratings chosen for the month, as the signed-in officer, all or none; say what was saved or every
    problem found. Only the months the page offers are taken; a published month's ratings need the reason."""
    if not n_clicks or not is_period(period):
        return no_update, no_update
    if str(period) not in _months(_newest_month()):
        return html.P(
            "Ratings can be recorded for the months this page offers only: choose one from the list.",
            className="notice notice-error",
            role="alert",
        ), no_update
    reason = next((value for value in reasons or [] if isinstance(value, str)), "")
    rows = rows_from_form(str(period), numbers, brags, progresses)
    if not rows:
        return html.P("Choose a rating for at least one action.", className="notice notice-error", role="alert"), (
            no_update
        )
    try:
        counts = plan_store.record_ratings(
            engine(), rows, actor=auth.current_name(), source="page", reason=reason[: plan_store.MAX_REASON_LENGTH]
        )
    except plan_store.PlanError as error:
        return (
            html.Div(
                [
                    html.P(
                        f"Nothing was saved: {len(error.problems)} "
                        f"{'problem' if len(error.problems) == 1 else 'problems'} to put right first.",
                        className="notice-title",
                    ),
                    html.Ul([html.Li(problem) for problem in error.problems]),
                ],
                className="notice notice-error",
                role="alert",
            ),
            no_update,
        )
    said = (
        f"Saved for {long_label(str(period))}: {counts.get('added', 0)} new, {counts.get('revised', 0)} changed, "
        f"{counts.get('unchanged', 0)} unchanged."
    )
    return html.P(said, className="notice notice-success"), _form(str(period))
