"""The account pages as a Flask Blueprint: sign in, sign out, change one's own password, and choose whether to
receive the monthly briefing by email.

Signing in starts a fresh session (`sessions.start_session`) and marks the browser as a known device for that
user (`devices`), so only its own failed attempts make it wait. Signing out ends the user's sessions everywhere.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import flask_login
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from dashboard.server.data import engine
from dashboard.server.devices import known_device, remember_device
from dashboard.server.readers import current_name, open_viewing, signed_in
from dashboard.server.sessions import SIGN_IN_ENDPOINT, start_session
from measures.accounts import briefing_choices, users

# The endpoints are "account.sign_in", "account.sign_out", "account.change_password" and "account.briefing_choice".
blueprint = Blueprint("account", __name__)
BRIEFING_CHOICE_PATH = "/account/briefing"


def safe_next(target: str | None) -> str:
    """Return `target` if it is a path on this site, else '/': never redirect to another site, nor to an address
    with a control character (a line break would end the redirect's header, which Flask refuses with an error)."""
    if not target or any(ord(character) < 32 or ord(character) == 127 for character in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _sign_in_problem(outcome: users.SignIn) -> str:
    wait = users.wait_in_words(outcome.retry_seconds)
    if outcome.refusal == "invalid":
        return "The name or password is not right. Check them and try again" + (f" in {wait}." if wait else ".")
    return (
        f"There have been several failed attempts to sign in with this name or from this "
        f"network, so each attempt must now wait. Try again in {wait}."
    )


@blueprint.route("/sign-in", methods=["GET", "POST"], endpoint="sign_in")
def sign_in() -> ResponseReturnValue:
    """The sign-in page: on a right name and password, start a session and go to `next` (a path on this site).
    Answers 401 for a wrong name or password and 429 (with Retry-After) while attempts must wait."""
    target = safe_next(request.values.get("next"))
    if signed_in():
        return redirect(target)
    problem = ""
    name = ""
    if request.method == "POST":
        name = request.form.get("name", "")[:200]
        device = known_device(name)
        outcome = users.sign_in(
            engine(),
            name,
            request.form.get("password", "")[:1000],
            remote_addr=request.remote_addr or "",
            device=device,
        )
        if outcome.user is not None:
            start_session(outcome.user)
            response = redirect(target)
            remember_device(response, outcome.user.name, device)
            return response
        problem = _sign_in_problem(outcome)
        page = render_template("sign_in.html", problem=problem, name=name, next=target, open_viewing=open_viewing())
        if outcome.refusal == "invalid":
            return page, 401
        return page, 429, {"Retry-After": str(outcome.retry_seconds)}
    return render_template("sign_in.html", problem=problem, name=name, next=target, open_viewing=open_viewing())


@blueprint.route("/sign-out", methods=["POST"], endpoint="sign_out")
def sign_out() -> ResponseReturnValue:
    """Sign out and go to the sign-in page; the user's sessions everywhere end (a copy of the cookie too)."""
    if signed_in():
        users.end_sessions(engine(), current_name())
    flask_login.logout_user()
    session.clear()
    return redirect(url_for(SIGN_IN_ENDPOINT))


@blueprint.route("/account/password", methods=["GET", "POST"], endpoint="change_password")
@flask_login.login_required
def change_password() -> ResponseReturnValue:
    """The change-password form: with the right current password and an acceptable new one typed twice, set it,
    start a fresh session (other sessions end) and go home. Answers 400 with the problems otherwise."""
    problems: list[str] = []
    if request.method == "POST":
        user: users.User = flask_login.current_user.user
        current = request.form.get("current", "")[:1000]
        new, again = request.form.get("new", "")[:1000], request.form.get("again", "")[:1000]
        checked = users.sign_in(
            engine(), user.name, current, remote_addr=request.remote_addr or "", device=known_device(user.name)
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
            changed = users.get_user(engine(), user.id)
            if changed is not None:
                start_session(changed)
            flash("Your password has been changed. Other sessions have been signed out.")
            return redirect("/")
    page = render_template("change_password.html", problems=problems, minimum=users.MIN_PASSWORD_LENGTH)
    return page, 400 if problems else 200


@blueprint.route(BRIEFING_CHOICE_PATH, methods=["GET", "POST"], endpoint="briefing_choice")
@flask_login.login_required
def briefing_choice() -> ResponseReturnValue:
    """The signed-in user's choice about the monthly briefing: the address it goes to and whether they want it.
    Saves a valid choice and says so; answers 400 with the problem otherwise (nothing saved)."""
    user: users.User = flask_login.current_user.user
    problems: list[str] = []
    saved = False
    if request.method == "POST":
        address = request.form.get("email", "")[:1000]
        wanted = request.form.get("wants_briefing") == "yes"
        try:
            choice = briefing_choices.set_briefing_choice(engine(), user.name, address, wanted, user.name)
            saved = True
        except briefing_choices.BriefingChoiceError as error:
            problems.append(str(error))
            choice = briefing_choices.BriefingChoice(address.strip(), wanted)
    else:
        choice = briefing_choices.briefing_choice(engine(), user.name)
    page = render_template("briefing_choice.html", problems=problems, choice=choice, saved=saved)
    return page, 400 if problems else 200
