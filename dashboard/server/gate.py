"""The request gate: who may see what. Every request passes `check_request` before Dash sees it:

- pages, `/_dash-layout` and `/_dash-dependencies` need someone signed in (or, when MEASURES_OPEN_VIEWING is
  `service`, anyone: the pages then show service-level figures only);
- `/_dash-update-component` (every Dash callback is an HTTP endpoint) needs the permission the callback
  declares with `@requires(...)`; a callback that declares none needs someone signed in. Anonymous callers
  get 401, signed-in callers without the permission 403, before the callback runs. The page router's callback
  needs the permission of the page it will render (`page_router`);
- the sign-in page, static assets and Dash's component bundles are public;
- a print-only session may read the meeting pack as at its own month, and nothing else.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import dash
from dash._pages import _path_to_page  # Dash's router's own matching: see `page_for`
from dash.exceptions import UnsupportedRelativePath
from flask import Flask, Response, g, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from dashboard.server import callback_requests
from dashboard.server.page_router import CALLBACK_PATH, is_router_request, router_pathname, router_search
from dashboard.server.print_sessions import PRINT_PATH, accept_print_token, print_period
from dashboard.server.readers import PUBLIC, PrintAgent, may, reader, refusal_reason, signed_in
from dashboard.server.sessions import SIGN_IN_ENDPOINT
from measures.accounts import users

STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
HEALTH_PATH = "/healthz"
PUBLIC_PATHS = ("/sign-in", HEALTH_PATH, "/_favicon.ico")
# The app's frame (header, navigation, the list of callbacks): no figures, so public like the sign-in page.
SHELL_PATHS = ("/_dash-layout", "/_dash-dependencies", "/_reload-hash")
# The only paths that take a POST besides the public sign-in form; any other write method is refused.
POST_PATHS = (CALLBACK_PATH, "/sign-out", "/account/password", "/account/briefing")
READ_METHODS = ("GET", "HEAD")


def refuse(status: int, message: str) -> Response:
    """Return a JSON answer {"error": message} with `status`, for the app's own requests."""
    response = jsonify({"error": message})
    response.status_code = status
    return response


def page_for(path: str) -> dict[str, Any]:
    """Return the entry of `dash.page_registry` that Dash's page router renders for `path`, or {} for none (Dash
    then renders its not-found page). Dash's own matching, so the gate judges the page Dash will render: a "<ref>"
    in a path template matches any text, slashes included."""
    try:
        relative = dash.strip_relative_path(path)  # as the router does, so a requests_pathname_prefix is honoured
    except UnsupportedRelativePath:
        return {}  # Dash's router refuses such a path too; `callback_requests.problem` refuses it first
    page: dict[str, Any] = _path_to_page(relative or "")[0]
    return page


def page_permission(path: str) -> str:
    """Return the permission needed to see the page at `path`: its `required_permission` in the page registry
    (e.g. the workers page needs VIEW_WORKERS), else VIEW_SERVICE."""
    return str(page_for(path).get("required_permission", users.VIEW_SERVICE))


def callback_permission(callback_map: dict[str, Any]) -> str | None:
    """Return the permission the requested callback needs, or None for a request that names no known callback
    (or a page-router request whose pathname is not where Dash reads it). Needs a request context."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return None
    if is_router_request(body):
        # The router renders the page at its pathname: it needs that page's permission. Layouts check again
        # (`refusal_reason`).
        pathname = router_pathname()
        return None if pathname is None else page_permission(pathname)
    entry = callback_map.get(body["output"])
    if entry is None or "callback" not in entry:
        return None  # unknown, or a callback that runs in the browser: the server has no function to run
    return str(getattr(entry["callback"], "required_permission", users.VIEW_TEAMS))


def print_request_allowed(path: str) -> bool:
    """Return True when a print-only session may make this request: the pack as at its own month, and the frame
    it needs; False for anything else. Needs a request context."""
    month = print_period()
    if path == CALLBACK_PATH:
        search = router_search()
        return (
            router_pathname() == PRINT_PATH
            and search is not None
            and parse_qs(search.lstrip("?")).get("period", [""]) == [month]
        )
    if path == PRINT_PATH:
        given = request.args.getlist("period")
        return given == [month] if month else given in ([], [""])
    return path in SHELL_PATHS


def check_request(app: dash.Dash) -> ResponseReturnValue | None:
    """Return the refusal for this request (a JSON 400/401/403/405, a redirect to sign in, or the forbidden page),
    or None to let it through. Raises the database error that kept the session key from being read, and
    werkzeug's Forbidden for a bad print token. Flask's `before_request` hook (see `install`)."""
    path = request.path
    key_error = g.get("session_key_error")
    if key_error is not None and path != HEALTH_PATH and not path.startswith(STATIC_PREFIXES):
        raise key_error
    if path.startswith(STATIC_PREFIXES) or path in PUBLIC_PATHS:
        return None
    if request.method not in READ_METHODS and path not in POST_PATHS:
        return refuse(405, "This address does not take that kind of request.")
    accept_print_token()
    if isinstance(reader(), PrintAgent) and not print_request_allowed(path):
        return refuse(403, "This print session may only read the meeting pack.")
    if path == CALLBACK_PATH:
        if not callback_requests.readable(request):
            return refuse(400, callback_requests.REFUSAL)
        permission = callback_permission(app.callback_map)
        if permission is None:
            return refuse(400, "This request does not name a callback of this dashboard.")
    elif path in SHELL_PATHS:
        permission = PUBLIC
    elif request.method not in READ_METHODS:
        permission = users.VIEW_SERVICE
    else:
        permission = page_permission(path)
    if may(permission):
        # Only for those who may call it is the rest of a callback request read: the others are refused alike.
        malformed = path == CALLBACK_PATH and callback_requests.problem(request.get_json(silent=True), app.callback_map)
        return refuse(400, malformed) if malformed else None
    # A page opened in the browser is answered with a page; the app's own requests with JSON.
    page_opened = request.method in READ_METHODS and path != CALLBACK_PATH and path not in SHELL_PATHS
    if not signed_in():
        if page_opened:
            return redirect(url_for(SIGN_IN_ENDPOINT, next=request.full_path.rstrip("?")))
        return refuse(401, "Your session has ended: sign in again.")
    if page_opened:
        return render_template("forbidden.html", reason=refusal_reason(permission)), 403
    return refuse(403, f"Your role does not include permission to {permission}.")


def install(app: dash.Dash) -> None:
    """Put `check_request` in front of every request to the app's server."""
    server: Flask = app.server

    def _gate() -> ResponseReturnValue | None:
        return check_request(app)

    server.before_request(_gate)
