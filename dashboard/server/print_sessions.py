"""Print-only sessions: the server's own browser printing the meeting pack (`dashboard.server.pdf`) opens one with
a single-use print token, and may then read the pack as at that month and nothing else (`gate`)."""

from __future__ import annotations

import time

from flask import Response, abort, after_this_request, request, session

from dashboard.server.data import engine
from dashboard.server.readers import PRINT_PERIOD_KEY, PRINT_SESSION_KEY, PrintAgent, reader, signed_in
from measures.accounts import print_tokens

# The server's own print browser carries its single-use token in this cookie, never in an address a log records.
PRINT_TOKEN_COOKIE = "mtm_print_token"
PRINT_SESSION_MINUTES = 2  # longer than the printer waits for the page (dashboard.server.pdf)
PRINT_PATH = "/pack"


def accept_print_token() -> None:
    """Turn a print token on `/pack` into a short print-only session for that month (the server's own browser).

    The token comes in the PRINT_TOKEN_COOKIE cookie set on the print browser, so no access log records it; it
    is spent in the database on this first use (`measures.accounts.print_tokens`), and only for the page and month
    it was issued for. Does nothing for a request without the cookie, for another path, or when someone is signed
    in. Raises werkzeug's Forbidden (403) for a used, expired, forged or mismatched token.
    """
    token = request.cookies.get(PRINT_TOKEN_COOKIE, "")
    if not token or request.path != PRINT_PATH or signed_in():
        return
    period = request.args.get("period", "")
    if isinstance(reader(), PrintAgent) and session.get(PRINT_PERIOD_KEY) == period:
        return  # this print session was opened by the token already
    if not print_tokens.consume_print_token(engine(), token, PRINT_PATH, period):
        abort(403)
    session.clear()
    session[PRINT_SESSION_KEY] = time.time() + PRINT_SESSION_MINUTES * 60
    session[PRINT_PERIOD_KEY] = period

    @after_this_request
    def _forget_token(response: Response) -> Response:
        response.delete_cookie(PRINT_TOKEN_COOKIE)
        return response


def print_period() -> str:
    """Return the month this request's print-only session may print ('' for the latest), or '' without one."""
    return str(session.get(PRINT_PERIOD_KEY, ""))
