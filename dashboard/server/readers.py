"""Who is asking in this request, and what they may do: the signed-in user, the meeting-pack printer or a visitor.

Pages ask through `may`, `signed_in`, `current_name`, `current_role` and `refusal_reason`; callbacks declare what
they need with `@requires(...)`, which the request gate (`dashboard.server.gate`) reads before the callback runs.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TypeVar

import flask_login
from flask import has_request_context, request, session

from measures.accounts import users

OPEN_VIEWING_VARIABLE = "MEASURES_OPEN_VIEWING"
PUBLIC = "read the public pages"  # the accessibility statement, which anyone must be able to read
# A print-only session (`dashboard.server.print_sessions`) keeps when it ends and the month it may print here.
PRINT_SESSION_KEY = "print_only"
PRINT_PERIOD_KEY = "print_period"
# Set only by the server's own page warmer on the requests it makes in-process (a WSGI environ key, which no HTTP
# header can set): the request is read as if by someone signed in with this role.
RENDER_AS_ENVIRON = "measures.render_as"

Function = TypeVar("Function", bound=Callable[..., object])


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
        """Return the id the session keeps: the user's id and session epoch, e.g. '7:3'."""
        return f"{self.user.id}:{self.user.session_epoch}"

    def may(self, permission: str) -> bool:
        """Return True when this user's role includes `permission` (everyone may read the public pages)."""
        return permission == PUBLIC or self.user.may(permission)


class Visitor(flask_login.AnonymousUserMixin):
    """Someone not signed in: with open viewing, may read service-level figures; otherwise nothing."""

    name = ""
    role = ""

    def may(self, permission: str) -> bool:
        """Return True for the public pages, and for service-level figures when open viewing is on."""
        return permission == PUBLIC or (permission == users.VIEW_SERVICE and open_viewing())


class PrintAgent(Visitor):
    """The server's own headless browser printing the meeting pack: service-level reading only."""

    name = "meeting-pack printer"

    def may(self, permission: str) -> bool:
        """Return True for the public pages and service-level figures only."""
        return permission in (PUBLIC, users.VIEW_SERVICE)


class RoleReader(Visitor):
    """The server's own page warmer, rendering a page as any signed-in user of `role` would see it."""

    name = ""

    def __init__(self, role: str) -> None:
        self.role = role

    def may(self, permission: str) -> bool:
        """Return True when `role` includes `permission` (everyone may read the public pages)."""
        return permission == PUBLIC or permission in users.ROLE_PERMISSIONS.get(self.role, frozenset())


class NoOne(Visitor):
    """Whoever asks outside a request, or with a print session that has ended: may see nothing."""

    def may(self, permission: str) -> bool:
        """Return False, whatever the permission."""
        return False


def reader() -> SignedInUser | Visitor:
    """Return who is asking in this request: a SignedInUser, a PrintAgent or a Visitor (outside a request, or
    when a print session has ended, a NoOne who may see nothing)."""
    if not has_request_context():
        return NoOne()
    rendering_as = request.environ.get(RENDER_AS_ENVIRON)
    if rendering_as is not None:
        return RoleReader(rendering_as) if rendering_as in users.ROLES else NoOne()
    if PRINT_SESSION_KEY in session:
        return PrintAgent() if session[PRINT_SESSION_KEY] > time.time() else NoOne()
    asking: SignedInUser | Visitor = flask_login.current_user
    return asking


def may(permission: str) -> bool:
    """Return True when whoever is asking in this request has `permission` (False outside a request, e.g. for
    a layout built at start-up)."""
    return bool(reader().may(permission))


def signed_in() -> bool:
    """Return True when a user is signed in for this request (never for a print session or outside a request)."""
    if not has_request_context():
        return False
    if isinstance(reader(), RoleReader):
        return True
    return bool(flask_login.current_user.is_authenticated) and not session.get(PRINT_SESSION_KEY)


def current_name() -> str:
    """Return the signed-in user's name, or '' (recorded as the author of what they write)."""
    return str(reader().name) if signed_in() else ""


def current_role() -> str:
    """Return the signed-in user's role, or ''."""
    return str(reader().role) if signed_in() else ""


def requires(permission: str) -> Callable[[Function], Function]:
    """Return a decorator declaring the permission a Dash callback needs; put it under `@callback(...)`.

    The gate refuses the callback's HTTP request (401 or 403) before the function runs. Dash copies the
    function's attributes onto the wrapper it keeps, which is where the gate reads this one.
    """

    def mark(function: Function) -> Function:
        setattr(function, "required_permission", permission)  # noqa: B010 (a function has no declared attributes)
        return function

    return mark


def refusal_reason(permission: str) -> str | None:
    """Return why this request may not have `permission`, in a sentence for the reader, or None when it may."""
    if may(permission):
        return None
    if not signed_in():
        return "Sign in to see this page."
    return f"Your role ({current_role()}) does not include permission to {permission}."
