"""Moving between views of a page through its address, so that every view can be shared as a link."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import Input, Output, State, callback, no_update

from dashboard import ids
from dashboard.server.auth import requires
from measures.domain.periods import is_period


def view_search(**query: str | None) -> str:
    """Return the address query of a view from its non-empty values in the order given, e.g. '?period=2023-01';
    '' when there are none."""
    values = {name: value for name, value in query.items() if value not in (None, "")}
    return "?" + urlencode(values) if values else ""


def navigate(search: str, shown: str | None):
    """Return the query to navigate to, or no_update when it is the view already shown.

    Dash fires a page's picker callbacks when the router inserts the page; the view chosen is then the view
    shown, and navigating again would render the page twice.
    """
    return no_update if search == shown else search


def month_navigation(picker_id: str, shown_id: str, permission: str):
    """Register, for a page whose only view choice is the month, the callback that navigates to the month picked
    in `picker_id` (the address is then shareable and the pages router renders that month); `shown_id` holds
    the view already shown. Readers need `permission`. Returns the callback function."""

    @callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(picker_id, "value"),
        State(shown_id, "data"),
        prevent_initial_call=True,
    )
    @requires(permission)
    def choose_month(period: str | None, shown: str | None):
        if not is_period(period):
            return no_update
        return navigate(view_search(period=period), shown)

    return choose_month
