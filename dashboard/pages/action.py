"""One action of the improvement plan (`/plan/2.4?period=2023-01`): where it stands as at the month, every version
of its wording, lead and deadline, and every rating recorded for it, each with who made it, when and why. A reader
of published months sees the ratings of published months only."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.components.judgements import synthetic_mark
from dashboard.components.notices import refusal_notice
from dashboard.components.plan import action_card, brag_badge, deadline_words
from dashboard.components.publication import day_text
from dashboard.server import access
from dashboard.server.data import engine
from dashboard.server.query import single_query_values
from measures.accounts import users
from measures.domain.periods import long_label
from measures.domain.plan import Action, Rating
from measures.storage import plan as plan_store
from measures.views.plan import build_plan, shown_month

dash.register_page(
    __name__,
    path_template="/plan/<number>",
    name="Action",
    title=lambda number=None, **_: f"Action {number}: Measures that Matter",
    nav=False,
    cached=True,
)

SOURCE_WORDS = {
    "plan": "the published plan",
    "page": "the ratings page",
    "return": "a monthly return",
    "demo": "demonstration data",
}


def _history_table(
    caption: str, headers: tuple[str, ...], rows: list, class_name: str, region_id: str, what: str
) -> html.Div:
    """A history table in its own labelled, focusable scroll region ('<what> of the action')."""
    return html.Div(
        html.Table(
            [
                html.Caption(caption),
                html.Thead(html.Tr([html.Th(h, scope="col") for h in headers])),
                html.Tbody(rows),
            ],
            className=f"report-table {class_name}",
        ),
        id=region_id,
        className="table-scroll report-scroll",
        tabIndex="0",
        role="region",
        **{"aria-label": f"{what} of the action"},
    )


def _who(actor: str, at, source: str = "") -> str:
    where = f", from {SOURCE_WORDS.get(source, source)}" if source else ""
    return f"{day_text(at)} by {actor}{where}"


def _versions_table(versions: list[Action]) -> html.Div:
    rows = []
    for version in reversed(versions):
        rows.append(
            html.Tr(
                [
                    html.Th(str(version.version), scope="row", **{"data-label": "Version"}),
                    html.Td(_who(version.actor, version.at), **{"data-label": "Made"}),
                    html.Td(version.text, className="wrap", **{"data-label": "Action"}),
                    html.Td(version.lead, **{"data-label": "Lead"}),
                    html.Td(deadline_words(version.deadline, version.deadline_text), **{"data-label": "Deadline"}),
                    html.Td(", ".join(version.measures) or "None", **{"data-label": "Measures"}),
                    html.Td("Closed" if version.closed else "Open", **{"data-label": "State"}),
                    html.Td(version.reason, className="wrap", **{"data-label": "Reason"}),
                ]
            )
        )
    headers = ("Version", "Made", "Action", "Lead", "Deadline", "Measures", "State", "Reason")
    return _history_table(
        "Every version of the action, newest first", headers, rows, "action-versions", ids.ACTION_VERSIONS, "Versions"
    )


def _ratings_table(ratings: list[Rating]) -> html.Div:
    if not ratings:
        return html.P("No rating has been recorded for this action yet.", id=ids.ACTION_RATINGS, className="muted")
    newest_version: dict[str, int] = {}
    for rating in ratings:
        newest_version[rating.period] = max(rating.version, newest_version.get(rating.period, 0))
    ordered = sorted(ratings, key=lambda rating: (rating.period, rating.version), reverse=True)
    rows = []
    for rating in ordered:
        superseded = rating.version != newest_version[rating.period]
        revised = newest_version[rating.period] > 1
        revision = f"{rating.version} ({'replaced' if superseded else 'current'})" if revised else str(rating.version)
        month: list = [long_label(rating.period)]
        if rating.synthetic:
            month += synthetic_mark()
        rows.append(
            html.Tr(
                [
                    html.Th(month, scope="row", **{"data-label": "Month"}),
                    html.Td(brag_badge(rating.brag), **{"data-label": "Rating"}),
                    html.Td(
                        rating.progress or "None given",
                        className="wrap action-progress-text",
                        **{"data-label": "Progress"},
                    ),
                    html.Td(revision, **{"data-label": "Revision"}),
                    html.Td(_who(rating.actor, rating.at, rating.source), **{"data-label": "Recorded"}),
                ],
                className="superseded" if superseded else "",
            )
        )
    headers = ("Month", "Rating", "Progress", "Revision", "Recorded")
    return _history_table(
        "Every rating and every revision of one, newest month first",
        headers,
        rows,
        "action-ratings",
        ids.ACTION_RATINGS,
        "Ratings",
    )


def _not_found(number) -> html.Div:
    return html.Div(
        [
            html.H1("Action not found"),
            html.P(f"The improvement plan has no action “{str(number)[:40]}”."),
            html.P(dcc.Link("See every action of the plan", href="/plan")),
        ],
        className="not-found",
    )


@single_query_values
def layout(number: str | None = None, period: str | None = None, **_query) -> html.Div:
    """Return the page of action `number` as at `period` (default: the newest month the reader may see)."""
    refused = refusal_notice("Action", users.VIEW_SERVICE)
    if refused:
        return refused
    try:
        history = plan_store.action_history(engine(), str(number), visible=access.visible_months())
    except (KeyError, ValueError):
        return _not_found(number)
    visible = access.visible_months()
    plan = build_plan(engine(), period=shown_month(engine(), period, visible), visible=visible)
    row = next((row for row in [*plan.rows, *plan.closed] if row.action.number == history.versions[-1].number), None)
    current = history.versions[-1]
    breadcrumbs = html.Nav(
        html.Ol(
            [
                html.Li(dcc.Link("Improvement plan", href="/plan")),
                html.Li(dcc.Link(f"Area {current.area}", href=f"/area/{current.area}")),
                html.Li(f"Action {current.number}", **{"aria-current": "page"}),
            ],
            className="breadcrumbs",
        ),
        **{"aria-label": "Breadcrumb"},
    )
    standing = (
        html.Section(
            [
                html.H2(f"As at {long_label(str(plan.as_at))}", id="action-now-heading"),
                action_card(row, str(plan.as_at)),
            ],
            **{"aria-labelledby": "action-now-heading"},
        )
        if row is not None and plan.as_at is not None
        else None
    )
    return html.Div(
        [
            breadcrumbs,
            html.H1(f"Action {current.number}", id="action-title"),
            html.P(current.text, className="lede"),
            standing,
            html.Section(
                [html.H2("Ratings, month by month", id="action-ratings-heading"), _ratings_table(history.ratings)],
                **{"aria-labelledby": "action-ratings-heading"},
            ),
            html.Section(
                [
                    html.H2("The action's wording, lead and deadline", id="action-versions-heading"),
                    _versions_table(history.versions),
                ],
                **{"aria-labelledby": "action-versions-heading"},
            ),
        ],
        className="action-page",
    )
