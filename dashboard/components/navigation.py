"""Moving between views of a page through its address, so that every view can be shared as a link."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import no_update


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
