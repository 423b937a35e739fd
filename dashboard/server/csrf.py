"""CSRF protection (Flask-WTF): every POST, Dash callbacks included, carries a token. Forms send it as a hidden
field; Dash's renderer sends it as the `X-CSRFToken` header, copied from the `_csrf_token` cookie set here."""

from __future__ import annotations

from flask import Flask, Response, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf

from dashboard.server.gate import STATIC_PREFIXES, refuse
from dashboard.server.page_router import CALLBACK_PATH
from dashboard.server.sessions import SIGN_IN_ENDPOINT, cookie_secure
from dashboard.server.sign_in import safe_next

CSRF_COOKIE = "_csrf_token"


def refuse_stale_token(error: CSRFError) -> ResponseReturnValue:
    """Answer a request whose CSRF token is missing or wrong: a callback with a JSON 400 asking for a reload, a
    form with a redirect back to the sign-in page and a message."""
    if request.path == CALLBACK_PATH:
        return refuse(400, "This page is out of date: reload it and try again.")
    flash("The form had expired. Please try again.")
    return redirect(url_for(SIGN_IN_ENDPOINT, next=safe_next(request.args.get("next"))))


def install(server: Flask) -> CSRFProtect:
    """Check a CSRF token on every POST to `server`, answer a bad one (`refuse_stale_token`), and give every
    response but static files the `_csrf_token` cookie Dash's renderer sends back. Returns the CSRFProtect."""
    protect = CSRFProtect(server)
    server.register_error_handler(CSRFError, refuse_stale_token)

    @server.after_request
    def _csrf_cookie(response: Response) -> Response:
        # Not while the session key is still to be read from a database that is down: there is no session.
        if not request.path.startswith(STATIC_PREFIXES) and server.secret_key:
            response.set_cookie(
                CSRF_COOKIE, generate_csrf(), samesite="Strict", httponly=False, secure=cookie_secure(server), path="/"
            )
        return response

    return protect
