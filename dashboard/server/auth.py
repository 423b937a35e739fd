"""Who is asking, and may they: sign-in sessions, the per-request gate and the permission checks pages use.

Every request passes `_gate` before Dash sees it:
- pages, `/_dash-layout` and `/_dash-dependencies` need someone signed in (or, when MEASURES_OPEN_VIEWING is
  `service`, anyone: the pages then show service-level figures only);
- `/_dash-update-component` (every Dash callback is an HTTP endpoint) needs the permission the callback
  declares with `@requires(...)`; a callback that declares none needs someone signed in. Anonymous callers
  get 401, signed-in callers without the permission 403, before the callback runs;
- the sign-in page, static assets and Dash's component bundles are public.

Sessions are Flask's signed cookies (key from `measures.storage.secrets`, shared by every worker), `HttpOnly`,
`SameSite=Lax`, and `Secure` whenever the request came over HTTPS. The user id in the session carries the
user's session epoch, which a password change, role change or disabling raises, ending older sessions.
Every POST, Dash callbacks included, carries a CSRF token (Flask-WTF): forms as a hidden field, Dash as the
`X-CSRFToken` header, which its renderer copies from the `_csrf_token` cookie set here.

Signing in gives the browser a signed "known device" cookie naming the user (by digest) and a random device id;
when that browser signs in as the same user again, only its own failed attempts make it wait, so a stranger's
guesses never keep the user out (`measures.accounts.sign_in_delays`).
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import flask_login
from flask import (
    Flask,
    abort,
    after_this_request,
    current_app,
    flash,
    g,
    has_request_context,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard.server import callback_requests
from dashboard.server.data import engine
from measures.accounts import print_tokens, sign_in_delays, users
from measures.storage import secrets as app_secrets

OPEN_VIEWING_VARIABLE = "MEASURES_OPEN_VIEWING"
BEHIND_PROXY_VARIABLE = "MEASURES_BEHIND_PROXY"
SECURE_COOKIES_VARIABLE = "MEASURES_SECURE_COOKIES"
SESSION_HOURS = 8  # a session unused this long ends
ABSOLUTE_SESSION_HOURS = 12  # and any session ends this long after signing in
SIGNED_IN_AT_KEY = "signed_in_at"
CSRF_COOKIE = "_csrf_token"
PRINT_SESSION_KEY = "print_only"
PRINT_PERIOD_KEY = "print_period"
# The server's own print browser carries its single-use token in this cookie, never in an address a log records.
PRINT_TOKEN_COOKIE = "mtm_print_token"
DEVICE_COOKIE = "mtm_device"
DEVICE_COOKIE_DAYS = 365

STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
PUBLIC_PATHS = ("/sign-in", "/healthz", "/_favicon.ico")
# The only paths that take a POST besides the public sign-in form; any other write method is refused.
PRINT_SESSION_MINUTES = 2  # longer than the printer waits for the page (dashboard.server.pdf)
# The app's frame (header, navigation, the list of callbacks): no figures, so public like the sign-in page.
SHELL_PATHS = ("/_dash-layout", "/_dash-dependencies", "/_reload-hash")
PUBLIC = "read the public pages"  # the accessibility statement, which anyone must be able to read
CALLBACK_PATH = "/_dash-update-component"
# The only paths that take a POST besides the public sign-in form; any other write method is refused.
POST_PATHS = (CALLBACK_PATH, "/sign-out", "/account/password")
PAGES_ROUTER_OUTPUT = "_pages_content.children"


def _flag(variable: str) -> bool:
    return os.environ.get(variable, "").strip().lower() in ("1", "true", "yes", "on")


def behind_proxy() -> bool:
    """Return True when MEASURES_BEHIND_PROXY says one reverse proxy (HTTPS at the proxy) stands in front."""
    return _flag(BEHIND_PROXY_VARIABLE)


def open_viewing() -> bool:
    """Return True when MEASURES_OPEN_VIEWING=service lets anyone read service-level figures without signing in."""
    return os.environ.get(OPEN_VIEWING_VARIABLE, "").strip().lower() == "service"


class SignedInUser(flask_login.UserMixin):
    """The signed-in user of this request (a `measures.accounts.users.User`)."""

    def __init__(self, user: users.User) -> None:
        self.user = user
        self.name = user.name
        self.role = user.role

    def get_id(self) -> str:
        return f"{self.user.id}:{self.user.session_epoch}"

    def may(self, permission: str) -> bool:
        return permission == PUBLIC or self.user.may(permission)


class Visitor(flask_login.AnonymousUserMixin):
    """Someone not signed in: with open viewing, may read service-level figures; otherwise nothing."""

    name = ""
    role = ""

    def may(self, permission: str) -> bool:
        return permission == PUBLIC or (permission == users.VIEW_SERVICE and open_viewing())


class PrintAgent(Visitor):
    """The server's own headless browser printing the meeting pack: service-level reading only."""

    name = "meeting-pack printer"

    def may(self, permission: str) -> bool:
        return permission in (PUBLIC, users.VIEW_SERVICE)


def reader():
    """Return who is asking in this request: a SignedInUser, a PrintAgent or a Visitor (outside a request,
    a Visitor who may see nothing)."""
    if not has_request_context():
        return _NoOne()
    if PRINT_SESSION_KEY in session:
        return PrintAgent() if session[PRINT_SESSION_KEY] > time.time() else _NoOne()
    return flask_login.current_user


class _NoOne(Visitor):
    def may(self, permission: str) -> bool:
        return False


def may(permission: str) -> bool:
    """Return True when whoever is asking in this request has `permission` (False outside a request, e.g. for
    a layout built at start-up)."""
    return bool(reader().may(permission))


def signed_in() -> bool:
    """Return True when a user is signed in for this request."""
    if not has_request_context():
        return False
    return bool(flask_login.current_user.is_authenticated) and not session.get(PRINT_SESSION_KEY)


def current_name() -> str:
    """Return the signed-in user's name, or '' (recorded as the author of what they write)."""
    return flask_login.current_user.name if signed_in() else ""


def current_role() -> str:
    """Return the signed-in user's role, or ''."""
    return flask_login.current_user.role if signed_in() else ""


def requires(permission: str) -> Callable:
    """Declare the permission a Dash callback needs; put it under `@callback(...)`.

    The gate refuses the callback's HTTP request (401 or 403) before the function runs. Dash copies the
    function's attributes onto the wrapper it keeps, which is where the gate reads this one.
    """

    def mark(function: Callable) -> Callable:
        function.required_permission = permission
        return function

    return mark


def refusal_reason(permission: str) -> str | None:
    """Return why this request may not have `permission`, in a sentence for the reader, or None when it may."""
    if may(permission):
        return None
    if not signed_in():
        return "Sign in to see this page."
    return f"Your role ({flask_login.current_user.role}) does not include permission to {permission}."


class _Session(SecureCookieSessionInterface):
    """Flask's signed-cookie session, marked Secure whenever the request came over HTTPS (or always, when
    MEASURES_SECURE_COOKIES is set)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or bool(request and request.is_secure)

    def get_signing_serializer(self, app: Flask):
        # A server started while its database was down has no key yet: take it from the database as soon as the
        # database answers, so the server recovers by itself instead of never starting.
        if not app.secret_key:
            try:
                app.secret_key = app_secrets.session_secret(engine())
            except SQLAlchemyError as error:
                g.session_key_error = error  # raised by the request gate, which shows the error page
                return None
        return super().get_signing_serializer(app)


def _load_user(user_id: str):
    identity, _, epoch = (user_id or "").partition(":")
    if not identity.isdigit() or not epoch.isdigit():
        return None
    if session.get(SIGNED_IN_AT_KEY, 0) < time.time() - ABSOLUTE_SESSION_HOURS * 3600:
        return None  # however active, a session ends this long after signing in
    user = users.get_user(engine(), int(identity))
    if user is None or not user.active or user.session_epoch != int(epoch):
        return None
    return SignedInUser(user)


def page_permission(path: str) -> str:
    """Return the permission needed to see the page at `path`: its `required_permission` in the page registry
    (e.g. the workers page needs VIEW_WORKERS), else VIEW_SERVICE."""
    import dash

    for page in dash.page_registry.values():
        pattern = page.get("path_template") or page.get("path")
        if pattern and _path_matches(pattern, path):
            return page.get("required_permission", users.VIEW_SERVICE)
    return users.VIEW_SERVICE


def _path_matches(pattern: str, path: str) -> bool:
    wanted, given = pattern.strip("/").split("/"), path.strip("/").split("/")
    return len(wanted) == len(given) and all(
        w == g or (w.startswith("<") and w.endswith(">")) for w, g in zip(wanted, given, strict=True)
    )


def _callback_permission(app) -> str | None:
    """Return the permission the requested callback needs, or None for a request that names no known callback."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return None
    output = body["output"]
    if PAGES_ROUTER_OUTPUT in output:
        # Dash's page router, which takes its inputs by position: the first is the pathname it will render.
        # Layouts check again (`refusal_reason`).
        pathname = _router_pathname()
        return None if pathname is None else page_permission(pathname)
    entry = app.callback_map.get(output)
    if entry is None or "callback" not in entry:
        return None  # unknown, or a callback that runs in the browser: the server has no function to run
    return getattr(entry["callback"], "required_permission", users.VIEW_TEAMS)


def _devices() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="known-device")


def _known_device(name: str) -> str:
    """Return this browser's device id when it has signed in as `name` before (its cookie is valid), else ''."""
    try:
        known = _devices().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadSignature:
        return ""
    digest = sign_in_delays.attempt_key(users.name_key(name)[:80])
    if isinstance(known, dict) and known.get("name") == digest and isinstance(known.get("device"), str):
        return known["device"][:64]
    return ""


def _remember_device(response, name: str, device: str) -> None:
    """Mark this browser as one where `name` has signed in (keeping its device id if it had one)."""
    digest = sign_in_delays.attempt_key(users.name_key(name)[:80])
    response.set_cookie(
        DEVICE_COOKIE,
        _devices().dumps({"name": digest, "device": device or secrets.token_hex(16)}),
        max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
        httponly=True,
        samesite="Lax",
        path="/",
        secure=current_app.session_interface.get_cookie_secure(current_app),
    )


def _start_session(user: users.User) -> None:
    session.clear()  # nothing from before signing in carries over
    session.permanent = True
    session[SIGNED_IN_AT_KEY] = time.time()
    flask_login.login_user(SignedInUser(user))


def _refuse(status: int, message: str):
    response = jsonify({"error": message})
    response.status_code = status
    return response


def _safe_next(target: str | None) -> str:
    """Return `target` if it is a path on this site, else '/': never redirect to another site."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _accept_print_token() -> None:
    """Turn a print token on `/pack` into a short print-only session for that month (the server's own browser).

    The token comes in the PRINT_TOKEN_COOKIE cookie set on the print browser, so no access log records it; it
    is spent in the database on this first use (`measures.accounts.print_tokens`), and only for the page and month
    it was issued for. A used, expired, forged or mismatched token is refused with 403.
    """
    token = request.cookies.get(PRINT_TOKEN_COOKIE, "")
    if not token or request.path != "/pack" or signed_in():
        return
    period = request.args.get("period", "")
    if isinstance(reader(), PrintAgent) and session.get(PRINT_PERIOD_KEY) == period:
        return  # this print session was opened by the token already
    if not print_tokens.consume_print_token(engine(), token, "/pack", period):
        abort(403)
    session.clear()
    session[PRINT_SESSION_KEY] = time.time() + PRINT_SESSION_MINUTES * 60
    session[PRINT_PERIOD_KEY] = period

    @after_this_request
    def _forget_token(response):
        response.delete_cookie(PRINT_TOKEN_COOKIE)
        return response


def _router_pathname() -> str | None:
    """Return the pathname a page-router callback request will render, or None for any other request."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or PAGES_ROUTER_OUTPUT not in str(body.get("output", "")):
        return None
    inputs = body.get("inputs")
    first = inputs[0] if isinstance(inputs, list) and inputs and isinstance(inputs[0], dict) else {}
    if (first.get("id"), first.get("property")) != ("_pages_location", "pathname"):
        return None
    value = first.get("value")
    return value if isinstance(value, str) else None


def _router_search() -> str | None:
    """Return the query string a page-router callback request will render (e.g. '?period=2023-01'), or None."""
    body = request.get_json(silent=True)
    inputs = body.get("inputs") if isinstance(body, dict) else None
    for given in inputs if isinstance(inputs, list) else []:
        if isinstance(given, dict) and (given.get("id"), given.get("property")) == ("_pages_location", "search"):
            value = given.get("value")
            return value if isinstance(value, str) else ""
    return None


def _print_request_allowed(path: str) -> bool:
    """A print-only session may load the pack as at its own month, and the frame it needs, and nothing else."""
    month = session.get(PRINT_PERIOD_KEY, "")
    if path == CALLBACK_PATH:
        search = _router_search()
        return (
            _router_pathname() == "/pack"
            and search is not None
            and parse_qs(search.lstrip("?")).get("period", [""]) == [month]
        )
    if path == "/pack":
        given = request.args.getlist("period")
        return given == [month] if month else given in ([], [""])
    return path in SHELL_PATHS


def install(app) -> None:
    """Add sign-in, the request gate, CSRF protection and session settings to the Dash app's server."""
    server: Flask = app.server
    if behind_proxy():
        # The forwarded host is not trusted: the meeting-pack printer must never be pointed anywhere by a client.
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=1, x_proto=1, x_host=0)
    try:
        server.secret_key = app_secrets.session_secret(engine())
    except SQLAlchemyError as error:
        # Started while the database is down: serve 503s (and /healthz) until it answers, then sign in as usual.
        server.logger.warning(
            "The session key will be read when the database answers: %s",
            str(getattr(error, "orig", error)).splitlines()[0],
        )
    server.session_interface = _Session()
    server.config.update(
        SESSION_COOKIE_NAME="mtm_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=_flag(SECURE_COOKIES_VARIABLE),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
        REMEMBER_COOKIE_DURATION=timedelta(seconds=0),
        WTF_CSRF_TIME_LIMIT=None,  # a token lasts as long as the session it belongs to
    )
    manager = flask_login.LoginManager(server)
    manager.anonymous_user = Visitor
    manager.user_loader(_load_user)
    manager.login_view = "sign_in"
    manager.session_protection = "basic"

    @server.before_request
    def _gate():
        path = request.path
        if g.get("session_key_error") is not None and path != "/healthz" and not path.startswith(STATIC_PREFIXES):
            raise g.session_key_error
        if path.startswith(STATIC_PREFIXES) or path in PUBLIC_PATHS:
            return None
        if request.method not in ("GET", "HEAD") and path not in POST_PATHS:
            return _refuse(405, "This address does not take that kind of request.")
        _accept_print_token()
        if isinstance(reader(), PrintAgent) and not _print_request_allowed(path):
            return _refuse(403, "This print session may only read the meeting pack.")
        if path == CALLBACK_PATH:
            if not callback_requests.readable(request):
                return _refuse(400, callback_requests.REFUSAL)
            permission = _callback_permission(app)
            if permission is None:
                return _refuse(400, "This request does not name a callback of this dashboard.")
        elif path in SHELL_PATHS:
            permission = PUBLIC
        elif request.method not in ("GET", "HEAD"):
            permission = users.VIEW_SERVICE
        else:
            permission = page_permission(path)
        if may(permission):
            # Only for those who may call it is the rest of a callback request read: the others are refused alike.
            malformed = path == CALLBACK_PATH and callback_requests.problem(
                request.get_json(silent=True), app.callback_map
            )
            return _refuse(400, malformed) if malformed else None
        # A page opened in the browser is answered with a page; the app's own requests with JSON.
        page_opened = request.method in ("GET", "HEAD") and path != CALLBACK_PATH and path not in SHELL_PATHS
        if not signed_in():
            if page_opened:
                return redirect(url_for("sign_in", next=request.full_path.rstrip("?")))
            return _refuse(401, "Your session has ended: sign in again.")
        if page_opened:
            return render_template("forbidden.html", reason=refusal_reason(permission)), 403
        return _refuse(403, f"Your role does not include permission to {permission}.")

    csrf = CSRFProtect(server)

    @server.errorhandler(CSRFError)
    def _csrf_failed(error):
        if request.path == CALLBACK_PATH:
            return _refuse(400, "This page is out of date: reload it and try again.")
        flash("The form had expired. Please try again.")
        return redirect(url_for("sign_in", next=_safe_next(request.args.get("next"))))

    @server.after_request
    def _csrf_cookie(response):
        # Dash's renderer sends this cookie back as the X-CSRFToken header on every callback.
        # Not while the session key is still to be read from a database that is down: there is no session.
        if not request.path.startswith(STATIC_PREFIXES) and server.secret_key:
            response.set_cookie(
                CSRF_COOKIE,
                generate_csrf(),
                samesite="Strict",
                httponly=False,
                secure=server.session_interface.get_cookie_secure(server),
                path="/",
            )
        return response

    @server.route("/sign-in", methods=["GET", "POST"], endpoint="sign_in")
    def _sign_in():
        target = _safe_next(request.values.get("next"))
        if signed_in():
            return redirect(target)
        problem = ""
        name = ""
        status = 200
        if request.method == "POST":
            name = request.form.get("name", "")[:200]
            device = _known_device(name)
            outcome = users.sign_in(
                engine(),
                name,
                request.form.get("password", "")[:1000],
                remote_addr=request.remote_addr or "",
                device=device,
            )
            if outcome.user is not None:
                _start_session(outcome.user)
                response = redirect(target)
                _remember_device(response, outcome.user.name, device)
                return response
            status = 401 if outcome.refusal == "invalid" else 429
            wait = users.wait_in_words(outcome.retry_seconds)
            if outcome.refusal == "invalid":
                problem = "The name or password is not right. Check them and try again"
                problem += f" in {wait}." if wait else "."
            else:
                problem = (
                    f"There have been several failed attempts to sign in with this name or from this "
                    f"network, so each attempt must now wait. Try again in {wait}."
                )
        page = render_template("sign_in.html", problem=problem, name=name, next=target, open_viewing=open_viewing())
        if status == 429:
            return page, status, {"Retry-After": str(outcome.retry_seconds)}
        return page, status

    @server.route("/sign-out", methods=["POST"], endpoint="sign_out")
    def _sign_out():
        if signed_in():
            # A copy of the cookie must not outlive signing out, so the user's sessions everywhere end.
            users.end_sessions(engine(), current_name())
        flask_login.logout_user()
        session.clear()
        return redirect(url_for("sign_in"))

    @server.route("/account/password", methods=["GET", "POST"], endpoint="change_password")
    @flask_login.login_required
    def _change_password():
        problems: list[str] = []
        if request.method == "POST":
            user = flask_login.current_user.user
            current = request.form.get("current", "")[:1000]
            new, again = request.form.get("new", "")[:1000], request.form.get("again", "")[:1000]
            checked = users.sign_in(
                engine(), user.name, current, remote_addr=request.remote_addr or "", device=_known_device(user.name)
            )
            if checked.refusal == "delayed":
                problems.append(
                    f"After several wrong passwords, the next try must wait: try again in "
                    f"{users.wait_in_words(checked.retry_seconds)}."
                )
            elif not checked.user:
                problems.append("Your current password is not right.")
            elif new != again:
                problems.append("The two new passwords differ.")
            else:
                problems.extend(users.password_problems(new, user.name))
            if not problems:
                users.set_password(engine(), user.name, new, user.name)
                _start_session(users.get_user(engine(), user.id))
                flash("Your password has been changed. Other sessions have been signed out.")
                return redirect("/")
        return render_template(
            "change_password.html", problems=problems, minimum=users.MIN_PASSWORD_LENGTH
        ), 400 if problems else 200

    server.extensions["measures_csrf"] = csrf
