"""Sign-in and the request gate, wired onto the Dash app's server by `install`; and, for pages and components,
the names that say who is asking (`dashboard.server.readers`).

Each part has its own module: `sessions` (signed-cookie sessions and their settings), `gate` (who may see what,
checked on every request before Dash sees it), `csrf` (a token on every POST), `sign_in` (the account pages, a
Blueprint), `devices` (the known-device cookie), `print_sessions` (the pack printer's single-use token) and
`page_router` (what Dash's page router will render).
"""

from __future__ import annotations

import dash
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard.server import csrf, gate, sessions, sign_in
from dashboard.server.print_sessions import PRINT_TOKEN_COOKIE
from dashboard.server.readers import (
    PUBLIC,
    PrintAgent,
    SignedInUser,
    Visitor,
    current_name,
    current_role,
    may,
    open_viewing,
    reader,
    refusal_reason,
    requires,
    signed_in,
)

__all__ = [
    "PRINT_TOKEN_COOKIE",
    "PUBLIC",
    "PrintAgent",
    "SignedInUser",
    "Visitor",
    "behind_proxy",
    "current_name",
    "current_role",
    "install",
    "may",
    "open_viewing",
    "reader",
    "refusal_reason",
    "requires",
    "signed_in",
]

BEHIND_PROXY_VARIABLE = "MEASURES_BEHIND_PROXY"


def behind_proxy() -> bool:
    """Return True when MEASURES_BEHIND_PROXY says one reverse proxy (HTTPS at the proxy) stands in front."""
    return sessions.flag(BEHIND_PROXY_VARIABLE)


def install(app: dash.Dash) -> None:
    """Add sign-in, the request gate, CSRF protection and session settings to the Dash app's server."""
    server = app.server
    if behind_proxy():
        # The forwarded host is not trusted: the meeting-pack printer must never be pointed anywhere by a client.
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=1, x_proto=1, x_host=0)
    sessions.install(server)
    gate.install(app)  # before CSRF: a refused request is refused alike, whatever token it carries
    server.extensions["measures_csrf"] = csrf.install(server)
    server.register_blueprint(sign_in.blueprint)
