"""Users: admins add people, change their roles, disable or enable them and reset their passwords.

Passwords are never typed here: a new one is generated (`measures.accounts.users.generate_password`) and shown once, in
the answer to the admin's click, for them to pass on. It is never put in the address, a stored component or a
log; the audit log records that a password was reset, not what it is. Every change goes through
`measures.accounts.users`, which enforces the rules (such as always keeping one active admin) and audits it with the
signed-in admin as the actor. Every callback here, reading ones included, needs MANAGE_USERS.

The page also lists the names and addresses that must wait before their next sign-in attempt after repeated
failures (`measures.accounts.sign_in_delays`), and lets the admin clear a wait, which is audited.
"""

from __future__ import annotations

from datetime import datetime

import dash
import pandas as pd
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from dashboard import ids
from dashboard.components.notices import refusal_notice
from dashboard.server import auth
from dashboard.server.auth import requires
from dashboard.server.data import engine
from dashboard.server.query import single_query_values
from measures.accounts import sign_in_delays, users
from measures.storage import audit

TITLE = "Users"
HISTORY_LENGTH = 20
LOCAL_TIME_ZONE = "Europe/London"
CHANGE_PASSWORD_PATH = "/account/password"
NO_ONE_CHOSEN = "Choose a user first, in the list under “Change a user”."

dash.register_page(
    __name__,
    path="/admin/users",
    name="Users",
    title="Users - Measures that Matter",
    order=40,
    required_permission=users.MANAGE_USERS,
)


def _text(value) -> str:
    """Return a value sent by the browser as text ('' for anything that is not a string)."""
    return value if isinstance(value, str) else ""


def _with_article(role: str) -> str:
    return f"an {role}" if role[:1] in "aeiou" else f"a {role}"


def _is_me(name: str) -> bool:
    return users.name_key(name) == users.name_key(auth.current_name())


def _role_options() -> list[dict]:
    return [{"label": f"{role.capitalize()}: {users.ROLE_DESCRIPTIONS[role]}", "value": role} for role in users.ROLES]


def _user_options(everyone: list[users.User]) -> list[dict]:
    return [
        {"label": f"{user.name} ({user.role}, {'active' if user.active else 'disabled'})", "value": user.name}
        for user in everyone
    ]


def users_table(everyone: list[users.User]) -> html.Table | html.P:
    """Return the table of every user: name, role and whether they may sign in."""
    if not everyone:
        return html.P("There are no users yet.", className="notice notice-info")
    header = html.Tr([html.Th("Name", scope="col"), html.Th("Role", scope="col"), html.Th("Status", scope="col")])
    rows = [
        html.Tr(
            [
                html.Th(
                    [user.name, html.Span(" (you)", className="muted") if _is_me(user.name) else None], scope="row"
                ),
                html.Td(user.role),
                html.Td("Active" if user.active else "Disabled: may not sign in"),
            ],
            className="user-row" + ("" if user.active else " user-disabled"),
            **{"data-user": user.name},
        )
        for user in everyone
    ]
    active = sum(user.active for user in everyone)
    caption = f"Everyone who may sign in: {len(everyone)} user{'s' if len(everyone) != 1 else ''}, {active} active"
    return html.Table(
        [html.Caption(caption), html.Thead(header), html.Tbody(rows)], className="report-table users-table"
    )


def _delays() -> list[sign_in_delays.Delay]:
    return sign_in_delays.current_delays(engine(), [user.name for user in users.list_users(engine())])


def delays_table() -> html.Table | html.P:
    """Return the names and addresses that must wait before their next sign-in attempt, each with a button
    that lets them try again at once."""
    delays = _delays()
    if not delays:
        return html.P("Nobody has to wait to sign in: there have not been repeated failed attempts.", className="hint")
    header = html.Tr(
        [
            html.Th("Name or address", scope="col"),
            html.Th("Failed attempts", scope="col"),
            html.Th("May try again at (UK time)", scope="col"),
            html.Th("Action", scope="col"),
        ]
    )
    rows = [
        html.Tr(
            [
                html.Th(f"{'Name' if delay.kind == sign_in_delays.NAME else 'Address'}: {delay.shown}", scope="row"),
                html.Td(str(delay.failures)),
                html.Td(_when(delay.until, seconds=True)),
                html.Td(
                    html.Button(
                        ["Let them try now", html.Span(f" ({delay.shown})", className="visually-hidden")],
                        id={"type": ids.USERS_CLEAR_DELAY, "kind": delay.kind, "key": delay.key},
                        className="button button-secondary button-small",
                        type="button",
                        n_clicks=0,
                    )
                ),
            ],
            className="delay-row",
        )
        for delay in delays
    ]
    caption = f"{len(rows)} name{'s' if len(rows) != 1 else ''} or address{'es' if len(rows) != 1 else ''} waiting"
    return html.Table(
        [html.Caption(caption), html.Thead(header), html.Tbody(rows)], className="report-table users-delays"
    )


def _when(moment, seconds: bool = False) -> str:
    stamp = pd.Timestamp(moment)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")  # SQLite gives back naive times; every time stored is UTC
    try:
        stamp = stamp.tz_convert(LOCAL_TIME_ZONE)
    except KeyError:  # no time-zone data on this server: show UTC, and say so
        return f"{stamp.day} {stamp:%b %Y, %H:%M{':%S' if seconds else ''}} UTC"
    return f"{stamp.day} {stamp:%b %Y, %H:%M{':%S' if seconds else ''}}"


def describe_change(action: str, actor: str, subject: str, detail: dict) -> str:
    """Return what a `user.` audit event did, in words, e.g. 'changed Olu Officer's role from viewer to admin'."""
    detail = detail if isinstance(detail, dict) else {}
    if action == "user.added":
        return f"added {subject} as {_with_article(str(detail.get('role', 'user')))}"
    if action == "user.role_changed":
        return f"changed {subject}'s role from {detail.get('from', '?')} to {detail.get('to', '?')}"
    if action == "user.password_changed":
        same = users.name_key(actor) == users.name_key(subject)
        return "changed their own password" if same else f"reset {subject}'s password"
    if action == "user.disabled":
        return f"disabled {subject}"
    if action == "user.enabled":
        return f"enabled {subject} again"
    return f"{audit.ACTIONS.get(action, action)}: {subject}"


def history() -> html.Table | html.P:
    """Return the most recent changes to users, newest first: when, who, what."""
    events = audit.audit_frame(engine(), action="user.", limit=HISTORY_LENGTH)
    if events.empty:
        return html.P("No changes to users have been recorded yet.", className="hint")
    header = html.Tr(
        [html.Th("When (UK time)", scope="col"), html.Th("Who", scope="col"), html.Th("What", scope="col")]
    )
    moments: list[datetime] = events["at"].tolist()
    actors: list[str] = events["actor"].tolist()
    actions: list[str] = events["action"].tolist()
    subjects: list[str] = events["subject"].tolist()
    details: list[dict] = events["detail"].tolist()
    rows = [
        html.Tr(
            [
                html.Td(_when(moment)),
                html.Td(actor),
                html.Td(describe_change(action, actor, subject, detail)),
            ]
        )
        for moment, actor, action, subject, detail in zip(moments, actors, actions, subjects, details, strict=True)
    ]
    caption = f"The {len(rows)} most recent change{'s' if len(rows) != 1 else ''} to users, newest first"
    return html.Table(
        [html.Caption(caption), html.Thead(header), html.Tbody(rows)], className="report-table users-history"
    )


def _control(label: str, control, hint: str | None = None, target: str | None = None) -> html.Div:
    label_children: list = [label]
    if hint:
        label_children.append(html.Span(hint, className="hint block"))
    return html.Div(
        [html.Label(label_children, htmlFor=target or control.id, className="picker-label"), control],
        className="control",
    )


@single_query_values
def layout(**_query) -> html.Div:
    """The users page, for admins: who may sign in, adding people, changing them and what changed lately."""
    refused = refusal_notice(TITLE, users.MANAGE_USERS)
    if refused:
        return refused
    everyone = users.list_users(engine())
    return html.Div(
        [
            html.H1(TITLE),
            html.P(
                "Everyone who may sign in, and what their role lets them do. Passwords are generated here and "
                "shown once, for you to pass on: nobody, admins included, can see a password afterwards.",
                className="lede",
            ),
            html.Div(id=ids.USERS_STATUS, role="status", className="users-feedback"),
            html.Div(id=ids.USERS_ALERT, role="alert", className="users-feedback"),
            html.Div(
                users_table(everyone),
                id=ids.USERS_TABLE,
                className="table-scroll",
                tabIndex="0",
                role="region",
                **{"aria-label": "Users table"},
            ),
            html.H2("Roles"),
            html.Ul(
                [
                    html.Li([html.Strong(role.capitalize()), f": {users.ROLE_DESCRIPTIONS[role]}."])
                    for role in users.ROLES
                ],
                className="users-roles",
            ),
            html.Section(
                [
                    html.H2("Add a user", id="users-add-heading"),
                    html.Div(
                        [
                            _control(
                                "Name",
                                dcc.Input(
                                    id=ids.USERS_NEW_NAME,
                                    type="text",
                                    autoComplete="off",
                                    maxLength=80,
                                    className="text-input",
                                ),
                                "The name they will sign in with: letters, digits, spaces and . @ ' - _ only.",
                            ),
                            _control(
                                "Role",
                                dcc.Dropdown(
                                    id=ids.USERS_NEW_ROLE,
                                    options=_role_options(),
                                    value="viewer",
                                    clearable=False,
                                    searchable=False,
                                    className="role-picker",
                                ),
                            ),
                        ],
                        className="users-fields",
                    ),
                    html.P("A password is generated for them and shown here once.", className="hint"),
                    html.Div(
                        html.Button("Add user", id=ids.USERS_ADD_BUTTON, className="button", n_clicks=0),
                        className="actions",
                    ),
                ],
                className="users-section",
                **{"aria-labelledby": "users-add-heading"},
            ),
            html.Section(
                [
                    html.H2("Change a user", id="users-change-heading"),
                    html.Div(
                        [
                            _control(
                                "User",
                                dcc.Dropdown(
                                    id=ids.USERS_PICKER,
                                    options=_user_options(everyone),
                                    placeholder="Choose a user",
                                    clearable=False,
                                    searchable=True,
                                    className="user-picker",
                                ),
                            ),
                            _control(
                                "Role",
                                dcc.Dropdown(
                                    id=ids.USERS_ROLE_PICKER,
                                    options=_role_options(),
                                    value="viewer",
                                    clearable=False,
                                    searchable=False,
                                    className="role-picker",
                                ),
                                "Chosen for “Change role”; shows the user's role when you choose them.",
                            ),
                        ],
                        className="users-fields",
                    ),
                    html.Div(
                        [
                            html.Button("Change role", id=ids.USERS_ROLE_BUTTON, className="button", n_clicks=0),
                            html.Button(
                                "Disable", id=ids.USERS_DISABLE_BUTTON, className="button button-secondary", n_clicks=0
                            ),
                            html.Button(
                                "Enable", id=ids.USERS_ENABLE_BUTTON, className="button button-secondary", n_clicks=0
                            ),
                            html.Button(
                                "Reset password",
                                id=ids.USERS_RESET_BUTTON,
                                className="button button-secondary",
                                n_clicks=0,
                            ),
                        ],
                        className="actions",
                    ),
                    html.P(
                        "Changing someone's role, disabling them or resetting their password signs them out "
                        "everywhere. "
                        "A disabled user keeps their history and can be enabled again.",
                        className="hint",
                    ),
                ],
                className="users-section",
                **{"aria-labelledby": "users-change-heading"},
            ),
            html.H2("Waiting to sign in", id="users-delays-heading"),
            html.P(
                "After repeated failed sign-ins, each further attempt with that name or from that address must wait "
                f"longer, from {sign_in_delays.FIRST_DELAY_SECONDS} seconds up to "
                f"{sign_in_delays.MAX_DELAY_SECONDS // 60} minutes; the right password works once the wait is "
                "over. If someone is waiting because of another's guesses, let them try now.",
                className="hint",
            ),
            html.Div(
                delays_table(),
                id=ids.USERS_DELAYS,
                className="table-scroll",
                tabIndex="0",
                role="region",
                **{"aria-labelledby": "users-delays-heading"},
            ),
            html.H2("Recent user changes"),
            html.Div(
                history(),
                id=ids.USERS_HISTORY,
                className="table-scroll",
                tabIndex="0",
                role="region",
                **{"aria-label": "Recent user changes"},
            ),
        ],
        className="users-page",
    )


# What every write callback refreshes: the two messages, the table, the history and the list of users to change.
_REFRESHED = (
    Output(ids.USERS_STATUS, "children", allow_duplicate=True),
    Output(ids.USERS_ALERT, "children", allow_duplicate=True),
    Output(ids.USERS_TABLE, "children", allow_duplicate=True),
    Output(ids.USERS_HISTORY, "children", allow_duplicate=True),
    Output(ids.USERS_PICKER, "options", allow_duplicate=True),
)


def _refreshed(status=None, alert: str | None = None) -> tuple:
    everyone = users.list_users(engine())
    problem = html.P(alert, className="notice notice-error") if alert else None
    return status, problem, users_table(everyone), history(), _user_options(everyone)


def _success(*paragraphs) -> html.Div:
    return html.Div([html.P(paragraph) for paragraph in paragraphs], className="notice notice-success")


def _password_notice(headline: str, name: str, password: str) -> html.Div:
    """Say what was done and show the generated password, once, with how to pass it on."""
    return html.Div(
        [
            html.P(html.Strong(headline)),
            html.P(["Their password: ", html.Code(password, className="generated-password")]),
            html.P(
                [
                    f"Pass it on to {name} securely (in person or by phone, not in the same message as their name): "
                    "it is not shown again. Once signed in, they can change it at ",
                    html.Code(CHANGE_PASSWORD_PATH),
                    ".",
                ]
            ),
        ],
        className="notice notice-success",
    )


_SIGNED_OUT = "You changed your own account, so your session has ended: reload the page and sign in again."


@callback(
    *_REFRESHED,
    Output(ids.USERS_NEW_NAME, "value"),
    Input(ids.USERS_ADD_BUTTON, "n_clicks"),
    Input(ids.USERS_NEW_NAME, "n_submit"),
    State(ids.USERS_NEW_NAME, "value"),
    State(ids.USERS_NEW_ROLE, "value"),
    prevent_initial_call=True,
)
@requires(users.MANAGE_USERS)
def add_user(n_clicks, n_submit, name, role):
    """Add a user with a generated password, and show the password once."""
    if not n_clicks and not n_submit:
        return (no_update,) * 6
    name, role = _text(name), _text(role)
    if not name.strip():
        return *_refreshed(alert="Type the new user's name."), no_update
    password = users.generate_password(name)
    try:
        user = users.add_user(engine(), name, role, password, actor=auth.current_name())
    except users.UserError as error:
        return *_refreshed(alert=str(error)), no_update
    notice = _password_notice(f"{user.name} has been added as {_with_article(user.role)}.", user.name, password)
    return *_refreshed(status=notice), ""


@callback(
    Output(ids.USERS_ROLE_PICKER, "value"),
    Input(ids.USERS_PICKER, "value"),
    prevent_initial_call=True,
)
@requires(users.MANAGE_USERS)
def show_role(name):
    """Show the chosen user's role in the role list, ready to change."""
    user = users.find_user(engine(), _text(name)) if _text(name) else None
    return user.role if user else no_update


@callback(
    *_REFRESHED,
    Input(ids.USERS_ROLE_BUTTON, "n_clicks"),
    State(ids.USERS_PICKER, "value"),
    State(ids.USERS_ROLE_PICKER, "value"),
    prevent_initial_call=True,
)
@requires(users.MANAGE_USERS)
def change_role(n_clicks, name, role):
    """Change the chosen user's role (which signs them out)."""
    if not n_clicks:
        return (no_update,) * 5
    name, role = _text(name), _text(role)
    if not name:
        return _refreshed(alert=NO_ONE_CHOSEN)
    before = users.find_user(engine(), name)
    if before is not None and before.role == role:
        return _refreshed(status=_success(f"{before.name} is already {_with_article(role)}: nothing changed."))
    try:
        user = users.set_role(engine(), name, role, actor=auth.current_name())
    except users.UserError as error:
        return _refreshed(alert=str(error))
    said = [f"{user.name} is now {_with_article(user.role)}, and has been signed out everywhere."]
    if _is_me(user.name):
        said.append(_SIGNED_OUT)
    return _refreshed(status=_success(*said))


def _set_active(n_clicks, name, active: bool) -> tuple:
    if not n_clicks:
        return (no_update,) * 5
    name = _text(name)
    if not name:
        return _refreshed(alert=NO_ONE_CHOSEN)
    before = users.find_user(engine(), name)
    if before is not None and before.active == active:
        state = "active" if active else "disabled"
        return _refreshed(status=_success(f"{before.name} is already {state}: nothing changed."))
    try:
        users.set_active(engine(), name, active, actor=auth.current_name())
    except users.UserError as error:
        return _refreshed(alert=str(error))
    shown = before.name if before else name
    if active:
        return _refreshed(status=_success(f"{shown} has been enabled and may sign in again."))
    said = [f"{shown} has been disabled: they have been signed out and may not sign in."]
    if _is_me(shown):
        said.append(_SIGNED_OUT)
    return _refreshed(status=_success(*said))


@callback(
    *_REFRESHED,
    Input(ids.USERS_DISABLE_BUTTON, "n_clicks"),
    State(ids.USERS_PICKER, "value"),
    prevent_initial_call=True,
)
@requires(users.MANAGE_USERS)
def disable_user(n_clicks, name):
    """Disable the chosen user: they are signed out and may not sign in (refused for the last active admin)."""
    return _set_active(n_clicks, name, active=False)


@callback(
    *_REFRESHED,
    Input(ids.USERS_ENABLE_BUTTON, "n_clicks"),
    State(ids.USERS_PICKER, "value"),
    prevent_initial_call=True,
)
@requires(users.MANAGE_USERS)
def enable_user(n_clicks, name):
    """Enable the chosen user again."""
    return _set_active(n_clicks, name, active=True)


@callback(
    *_REFRESHED,
    Input(ids.USERS_RESET_BUTTON, "n_clicks"),
    State(ids.USERS_PICKER, "value"),
    prevent_initial_call=True,
)
@requires(users.MANAGE_USERS)
def reset_password(n_clicks, name):
    """Give the chosen user a new generated password (signing them out), and show it once."""
    if not n_clicks:
        return (no_update,) * 5
    name = _text(name)
    if not name:
        return _refreshed(alert=NO_ONE_CHOSEN)
    if _is_me(name):
        return _refreshed(
            alert=f"To change your own password, use “Change password” ({CHANGE_PASSWORD_PATH}) at the top of the page."
        )
    password = users.generate_password(name)
    try:
        users.set_password(engine(), name, password, actor=auth.current_name())
    except users.UserError as error:
        return _refreshed(alert=str(error))
    user = users.find_user(engine(), name)
    shown = user.name if user else name
    notice = _password_notice(
        f"{shown}'s password has been reset, and they have been signed out everywhere.", shown, password
    )
    return _refreshed(status=notice)


@callback(
    Output(ids.USERS_STATUS, "children", allow_duplicate=True),
    Output(ids.USERS_ALERT, "children", allow_duplicate=True),
    Output(ids.USERS_DELAYS, "children"),
    Input({"type": ids.USERS_CLEAR_DELAY, "kind": ALL, "key": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
@requires(users.MANAGE_USERS)
def clear_delay(n_clicks):
    """Let the chosen name or address try to sign in again at once (audited)."""
    chosen = ctx.triggered_id
    if not isinstance(chosen, dict) or not any(isinstance(n, int) and n > 0 for n in (n_clicks or [])):
        return no_update, no_update, no_update
    waiting = {(delay.kind, delay.key): delay for delay in _delays()}
    delay = waiting.get((_text(chosen.get("kind")), _text(chosen.get("key"))))
    if delay is None:
        return _success("That wait is already over: nothing to clear."), None, delays_table()
    sign_in_delays.clear_delay(engine(), delay.kind, delay.key, delay.shown, actor=auth.current_name())
    return _success(f"{delay.shown} may try to sign in again now."), None, delays_table()
