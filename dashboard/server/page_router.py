"""Dash's page router seen from the server: which callback request is the router's, and what it will render.

Dash passes the router callback its inputs by position (the first is the pathname, the second the query string),
whatever ids the request gives them. So the gate reads both by position too, and takes a value only when the
input at that position carries the id and property Dash declared for it: what the gate checks is what Dash renders.
"""

from __future__ import annotations

from typing import Any

from flask import request

from dashboard import ids

CALLBACK_PATH = "/_dash-update-component"
# The router's callback key in `app.callback_map`: it writes the page (content) and its title (store).
ROUTER_OUTPUT = f"..{ids.PAGES_CONTENT}.children...{ids.PAGES_STORE}.data.."
ROUTER_CONTENT = f"{ids.PAGES_CONTENT}.children"
PATHNAME_INPUT = (ids.PAGES_LOCATION, "pathname")
SEARCH_INPUT = (ids.PAGES_LOCATION, "search")
ROUTER_INPUTS = (PATHNAME_INPUT, SEARCH_INPUT)


def is_router_request(body: Any) -> bool:
    """Return True when the JSON `body` of a callback request writes the page's content, which only the page
    router's callback does (tests/callback/test_dash_router_ids.py): a request naming the content output in any
    other key is judged as the router's too, and Dash runs no callback for it."""
    return isinstance(body, dict) and ROUTER_CONTENT in str(body.get("output", ""))


def router_input(body: Any, position: int) -> dict[str, Any] | None:
    """Return the router's input at `position` (0 the pathname, 1 the query string) in the JSON `body` of a
    callback request, as sent ({"id", "property", "value"}); None when `body` is not a router request or the input
    at that position is not the one Dash declared there (id and property). Raises nothing."""
    if not is_router_request(body):
        return None
    inputs = body.get("inputs")
    if not isinstance(inputs, list) or not 0 <= position < min(len(inputs), len(ROUTER_INPUTS)):
        return None
    given = inputs[position]
    if not isinstance(given, dict) or (given.get("id"), given.get("property")) != ROUTER_INPUTS[position]:
        return None
    return given


def router_pathname() -> str | None:
    """Return the pathname this request's page-router callback will render, or None for any other request (or a
    router request whose first input is not the location's pathname as text). Needs a request context."""
    given = router_input(request.get_json(silent=True), 0)
    value = given.get("value") if given else None
    return value if isinstance(value, str) else None


def router_search() -> str | None:
    """Return the query string this request's page-router callback will render (e.g. '?period=2023-01'; '' when
    its value is not text), or None for any other request (or one whose second input is not the location's query
    string). Needs a request context."""
    given = router_input(request.get_json(silent=True), 1)
    if given is None:
        return None
    value = given.get("value")
    return value if isinstance(value, str) else ""
