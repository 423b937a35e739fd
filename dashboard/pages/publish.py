"""Publish a month (`/admin/publish`), for admins: choose a month, see first which measures have a figure for it and
which figures changed since it was last published, then publish it (readers see it from then on) or withdraw it
with a reason. Every step is kept in the month's history and the audit log.

"Changed since the last check" is taken as changed since the month's last publication: a month never published
lists every figure as new; a withdrawn month lists what was corrected while it was withdrawn."""

from __future__ import annotations

import dash
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard import ids
from dashboard.components.fields import reason_field
from dashboard.components.notices import refusal_notice
from dashboard.components.publication import day_text, revision_sentence
from dashboard.server import auth
from dashboard.server.auth import requires
from dashboard.server.briefing import send_unsent
from dashboard.server.data import engine
from dashboard.server.query import single_query_values
from measures.accounts import users
from measures.domain.catalogue import Catalogue
from measures.domain.periods import is_period, long_label
from measures.storage import catalogue_records, publications

dash.register_page(
    __name__,
    path="/admin/publish",
    name="Publish",
    title="Publish a month - Measures that Matter",
    order=40,
    required_permission=users.PUBLISH,
)

TITLE = "Publish a month"
MONTHS_LISTED = 24
STATE_WORDS = {
    publications.DRAFT: "Draft",
    publications.PUBLISHED: "Published",
    publications.WITHDRAWN: "Draft (withdrawn)",
}


def _months_table(states: list[publications.MonthState]) -> html.Table:
    rows = []
    for state in reversed(states[-MONTHS_LISTED:]):
        when = f"{day_text(state.at)} by {state.actor}" if state.at else ""
        rows.append(
            html.Tr(
                [
                    html.Th(long_label(state.period), scope="row"),
                    html.Td(STATE_WORDS.get(state.state, state.state)),
                    html.Td(when),
                    html.Td(state.reason),
                ]
            )
        )
    return html.Table(
        [
            html.Caption(f"The last {MONTHS_LISTED} months with figures, newest first"),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in ("Month", "State", "Since", "Reason")])),
            html.Tbody(rows),
        ],
        className="report-table publish-months",
    )


def _changes(catalogue: Catalogue, period: str) -> html.Div:
    last, changes = publications.changes_since_publication(engine(), period)
    if last is None:
        return html.P(
            f"{long_label(period)} has never been published: all {len(changes)} whole-service figures will be shown "
            "to readers for the first time.",
            id=ids.PUBLISH_CHANGES_SUMMARY,
        )
    heading = (
        f"Figures changed since it was published on {day_text(last.at)} by {last.actor}: {len(changes)}."
        if changes
        else f"No figure has changed since it was published on {day_text(last.at)} by {last.actor}."
    )
    items = []
    for change in changes:
        try:
            measure = catalogue.measure(change.ref)
        except KeyError:
            continue
        items.append(
            html.Li([html.Strong(f"{change.ref} {measure.short_title}. "), revision_sentence(measure, change)])
        )
    return html.Div([html.P(heading, id=ids.PUBLISH_CHANGES_SUMMARY), html.Ul(items) if items else None])


def _check(period: str | None) -> list:
    """What the admin sees before deciding: the month's state, its completeness, its changes and the one action."""
    if period is None or not is_period(period):
        return [html.P("Choose a month.", className="hint")]
    checked_mark = publications.newest_upload_mark(engine())  # before reading, so nothing read is newer unseen
    catalogue = catalogue_records.read_catalogue(engine())
    state = publications.month_state(engine(), period)
    complete = publications.completeness(engine(), [m.ref for m in catalogue.measures], period)
    said = STATE_WORDS.get(state.state, state.state)
    since = f" since {day_text(state.at)} ({state.actor})" if state.at else ""
    parts: list = [
        html.H2(f"{long_label(period)}: {said.lower()}{since}", id="publish-check-heading"),
        html.P(complete.sentence(), id=ids.PUBLISH_COMPLETENESS),
        _changes(catalogue, period),
    ]
    if state.published:
        parts.append(
            html.Div(
                [
                    reason_field(
                        ids.PUBLISH_REASON,
                        f"Why is {long_label(period)} being withdrawn?",
                        "Readers stop seeing the month at once. The reason is kept with the month's history.",
                        hint_id=ids.PUBLISH_REASON_HINT,
                    ),
                    html.Button(
                        f"Withdraw {long_label(period)}",
                        id=ids.WITHDRAW_BUTTON,
                        className="button button-secondary",
                        n_clicks=0,
                    ),
                ],
            )
        )
    else:
        parts.append(
            html.Button(f"Publish {long_label(period)}", id=ids.PUBLISH_BUTTON, className="button", n_clicks=0)
        )
    parts.append(dcc.Store(id=ids.PUBLISH_CHOSEN, data=period))
    # What this check has seen: publishing is refused if the month's figures were imported after it.
    parts.append(dcc.Store(id=ids.PUBLISH_CHECKED_MARK, data=checked_mark))
    return parts


def _default_month(states: list[publications.MonthState]) -> str | None:
    drafts = [state.period for state in states if not state.published]
    if drafts:
        return drafts[-1]
    return states[-1].period if states else None


@single_query_values
def layout(period: str | None = None, **_query) -> html.Div:
    """The page, for admins; `period` in the query string chooses the month (default: the newest draft)."""
    refused = refusal_notice(TITLE, users.PUBLISH)
    if refused:
        return refused
    states = publications.month_states(engine())
    header = [
        html.H1(TITLE),
        html.P(
            "A month's figures are a draft, seen by officers and admins only, until it is published here. Check "
            "what is missing and what has changed, then publish it: the board, the committee and every viewer see "
            "it from then on.",
            className="lede",
        ),
    ]
    if not states:
        return html.Div(
            [*header, html.P("There are no figures yet: import a return first.", className="notice notice-info")]
        )
    chosen = period if is_period(period) and period in {s.period for s in states} else _default_month(states)
    return html.Div(
        [
            *header,
            html.Div(
                [
                    html.Label("Month", htmlFor=ids.PUBLISH_MONTH, className="picker-label"),
                    dcc.Dropdown(
                        id=ids.PUBLISH_MONTH,
                        options=[
                            {"label": f"{long_label(s.period)} ({STATE_WORDS[s.state].lower()})", "value": s.period}
                            for s in reversed(states)
                        ],
                        value=chosen,
                        clearable=False,
                        searchable=False,
                        className="period-picker",
                    ),
                ],
                className="controls",
            ),
            html.Div(id=ids.PUBLISH_STATUS, role="status"),
            html.Section(_check(chosen), id=ids.PUBLISH_CHECK, **{"aria-labelledby": "publish-check-heading"}),
            html.Section(
                [
                    html.H2("Every month", id="publish-months-heading"),
                    html.Div(_months_table(states), id=ids.PUBLISH_MONTHS),
                ],
                **{"aria-labelledby": "publish-months-heading"},
            ),
        ],
        className="publish-page",
    )


@callback(
    Output(ids.PUBLISH_CHECK, "children"),
    Output(ids.PUBLISH_STATUS, "children"),
    Input(ids.PUBLISH_MONTH, "value"),
    prevent_initial_call=True,
)
@requires(users.PUBLISH)
def choose_month(period: str | None):
    """Show the chosen month's check."""
    return _check(period if isinstance(period, str) else None), ""


def _after(period: str, message: html.P) -> tuple:
    states = publications.month_states(engine())
    options = [
        {"label": f"{long_label(s.period)} ({STATE_WORDS[s.state].lower()})", "value": s.period}
        for s in reversed(states)
    ]
    return _check(period), message, _months_table(states), options


@callback(
    Output(ids.PUBLISH_CHECK, "children", allow_duplicate=True),
    Output(ids.PUBLISH_STATUS, "children", allow_duplicate=True),
    Output(ids.PUBLISH_MONTHS, "children", allow_duplicate=True),
    Output(ids.PUBLISH_MONTH, "options", allow_duplicate=True),
    Input(ids.PUBLISH_BUTTON, "n_clicks"),
    State(ids.PUBLISH_CHOSEN, "data"),
    State(ids.PUBLISH_CHECKED_MARK, "data"),
    prevent_initial_call=True,
)
@requires(users.PUBLISH)
def publish_month(n_clicks: int | None, period: str | None, checked_mark: int | None):
    """Publish the month shown, as the signed-in admin, provided no figure of it was imported since the check the
    admin saw; say so, or why not."""
    if not n_clicks or not is_period(period):
        return no_update, no_update, no_update, no_update
    # A click without the check's mark (an old page, a hand-made request) is treated as a check that saw nothing.
    mark = checked_mark if isinstance(checked_mark, int) and not isinstance(checked_mark, bool) else 0
    try:
        publications.publish(engine(), str(period), auth.current_name(), checked_mark=mark)
    except publications.PublicationError as error:
        return no_update, html.P(str(error), className="notice notice-error", role="alert"), no_update, no_update
    # The publication has committed: its briefing is sent in the background, never holding up or undoing it.
    send_unsent(str(period))
    done = html.P(
        f"{long_label(str(period))} is published: every reader sees it from now on. Members who chose the briefing "
        "are sent it by email (see Briefing).",
        className="notice notice-success",
    )
    return _after(str(period), done)


@callback(
    Output(ids.PUBLISH_CHECK, "children", allow_duplicate=True),
    Output(ids.PUBLISH_STATUS, "children", allow_duplicate=True),
    Output(ids.PUBLISH_MONTHS, "children", allow_duplicate=True),
    Output(ids.PUBLISH_MONTH, "options", allow_duplicate=True),
    Input(ids.WITHDRAW_BUTTON, "n_clicks"),
    State(ids.PUBLISH_CHOSEN, "data"),
    State(ids.PUBLISH_REASON, "value"),
    prevent_initial_call=True,
)
@requires(users.PUBLISH)
def withdraw_month(n_clicks: int | None, period: str | None, reason: str | None):
    """Withdraw the month shown, for the reason typed, as the signed-in admin; say so, or why not (no reason)."""
    if not n_clicks or not is_period(period):
        return no_update, no_update, no_update, no_update
    try:
        publications.withdraw(engine(), str(period), auth.current_name(), reason if isinstance(reason, str) else "")
    except publications.PublicationError as error:
        return no_update, html.P(str(error), className="notice notice-error", role="alert"), no_update, no_update
    done = html.P(
        f"{long_label(str(period))} is withdrawn: only officers and admins see it, marked DRAFT, until it is "
        "published again.",
        className="notice notice-success",
    )
    return _after(str(period), done)
