"""Sign-in sessions: Flask's signed cookies, their settings, and who a session's cookie names.

Sessions are Flask's signed cookies (key from `measures.storage.secrets`, shared by every worker), `HttpOnly`,
`SameSite=Lax`, and `Secure` whenever the request came over HTTPS. The user id in the session carries the
user's session epoch, which a password change, role change or disabling raises, ending older sessions.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta

import flask_login
from flask import Flask, g, request, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.exc import SQLAlchemyError

from dashboard.server.data import engine
from dashboard.server.readers import SignedInUser, Visitor
from measures.accounts import users
from measures.storage import secrets as app_secrets

SECURE_COOKIES_VARIABLE = "MEASURES_SECURE_COOKIES"
SESSION_COOKIE = "mtm_session"
SESSION_HOURS = 8  # a session unused this long ends
ABSOLUTE_SESSION_HOURS = 12  # and any session ends this long after signing in
SIGNED_IN_AT_KEY = "signed_in_at"
SIGN_IN_ENDPOINT = "account.sign_in"  # the sign-in page (`dashboard.server.sign_in`)


def flag(variable: str) -> bool:
    """Return True when the environment variable `variable` says yes ('1', 'true', 'yes' or 'on')."""
    return os.environ.get(variable, "").strip().lower() in ("1", "true", "yes", "on")


def cookie_secure(server: Flask) -> bool:
    """Return True when the cookies of this request must be marked Secure (see `CookieSession`)."""
    return bool(server.session_interface.get_cookie_secure(server))


class CookieSession(SecureCookieSessionInterface):
    """Flask's signed-cookie session, marked Secure whenever the request came over HTTPS (or always, when
    MEASURES_SECURE_COOKIES is set)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Return True when the session cookie of this request must be marked Secure."""
        return bool(app.config["SESSION_COOKIE_SECURE"]) or bool(request and request.is_secure)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Return Flask's serializer for the session cookie, or None (no session) while the session key cannot be
        read from a database that is down; the request gate then raises that error (`g.session_key_error`)."""
        # A server started while its database was down has no key yet: take it from the database as soon as the
        # database answers, so the server recovers by itself instead of never starting.
        if not app.secret_key:
            try:
                app.secret_key = app_secrets.session_secret(engine())
            except SQLAlchemyError as error:
                g.session_key_error = error  # raised by the request gate, which shows the error page
                return None
        return super().get_signing_serializer(app)


def load_user(user_id: str) -> SignedInUser | None:
    """Return the user a session's id names ('<user id>:<session epoch>'), or None when the id is malformed, the
    session began more than ABSOLUTE_SESSION_HOURS ago, or the user is gone, disabled or has a newer session epoch.
    Raises sqlalchemy errors when the database cannot be read."""
    identity, _, epoch = (user_id or "").partition(":")
    if not identity.isdigit() or not epoch.isdigit():
        return None
    if session.get(SIGNED_IN_AT_KEY, 0) < time.time() - ABSOLUTE_SESSION_HOURS * 3600:
        return None  # however active, a session ends this long after signing in
    user = users.get_user(engine(), int(identity))
    if user is None or not user.active or user.session_epoch != int(epoch):
        return None
    return SignedInUser(user)


def start_session(user: users.User) -> None:
    """Begin a fresh session for `user` in this request: nothing from before signing in carries over."""
    session.clear()
    session.permanent = True
    session[SIGNED_IN_AT_KEY] = time.time()
    flask_login.login_user(SignedInUser(user))


def install(server: Flask) -> None:
    """Give `server` its session key (from the database; later, if the database is down now), the signed-cookie
    session and its settings, and Flask-Login's reading of who is signed in."""
    try:
        server.secret_key = app_secrets.session_secret(engine())
    except SQLAlchemyError as error:
        # Started while the database is down: serve 503s (and /healthz) until it answers, then sign in as usual.
        server.logger.warning(
            "The session key will be read when the database answers: %s",
            str(getattr(error, "orig", error)).splitlines()[0],
        )
    server.session_interface = CookieSession()
    server.config.update(
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=flag(SECURE_COOKIES_VARIABLE),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
        REMEMBER_COOKIE_DURATION=timedelta(seconds=0),
        WTF_CSRF_TIME_LIMIT=None,  # a token lasts as long as the session it belongs to
    )
    manager = flask_login.LoginManager(server)
    manager.anonymous_user = Visitor
    manager.user_loader(load_user)
    manager.login_view = SIGN_IN_ENDPOINT
    manager.session_protection = "basic"
