"""The admin's Users page, through the real callback endpoint: adding a user shows a generated password once;
changing a role, disabling and resetting a password work and are audited; the server refuses every one of
these requests to anyone but an admin; the last active admin cannot be disabled or demoted."""

from __future__ import annotations

import importlib
import json
import shutil
import sys

import flask_login
import pytest
from dash import _callback

from dashboard import create_app, ids
from dashboard.server import auth
from measures.accounts import users
from measures.storage import audit
from tests.auth_helpers import NAMES, PASSWORDS, add_test_users, callback, client_as, form_token

LAST_ADMIN = "Ada Admin is the only active admin: make someone else an admin first."


def _users_page():
    return next(
        module for name, module in sys.modules.items() if name.endswith("pages.users") and hasattr(module, "add_user")
    )


@pytest.fixture(scope="module")
def app(demo_database, tmp_path_factory):
    """The app, made once for this module, against its own copy of the demo database (it keeps its session key
    there). Dash hands the pages' callbacks to the first app that serves a request; when an app made by
    another test module has taken them, the users page is loaded again so that this app has its callbacks."""
    from dashboard.server import data

    path = tmp_path_factory.mktemp("users-page") / "app.db"
    shutil.copy(demo_database, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MEASURES_DB_URL", f"sqlite:///{path}")
        data.engine.cache_clear()
        made = create_app()
        if not any(
            ids.USERS_ADD_BUTTON in json.dumps(entry.get("inputs", []))
            for entry in _callback.GLOBAL_CALLBACK_MAP.values()
        ):
            importlib.reload(_users_page())
        yield made
    data.engine.cache_clear()


@pytest.fixture
def engine(app, demo_database, tmp_path, monkeypatch):
    """A fresh copy of the demo database with the test users, which the app uses for this test."""
    from dashboard.server import data

    shutil.copy(demo_database, tmp_path / "demo.db")
    monkeypatch.setenv("MEASURES_DB_URL", f"sqlite:///{tmp_path / 'demo.db'}")
    data.engine.cache_clear()
    add_test_users(data.engine())
    yield data.engine()
    data.engine.cache_clear()


def _output_key(app, button: str) -> str:
    """The callback_map key of the callback that `button`'s clicks trigger."""
    client = app.server.test_client()
    client.get("/sign-in")  # the app's first request hands it the registered callbacks
    keys = [
        key for key, entry in app.callback_map.items() if any(item["id"] == button for item in entry.get("inputs", []))
    ]
    assert len(keys) == 1, keys
    return keys[0]


def _click(button: str) -> dict:
    return {"id": button, "property": "n_clicks", "value": 1}


def _state(component: str, value, prop: str = "value") -> dict:
    return {"id": component, "property": prop, "value": value}


def add(app, client, name: str, role: str):
    return callback(
        client,
        _output_key(app, ids.USERS_ADD_BUTTON),
        [_click(ids.USERS_ADD_BUTTON), _state(ids.USERS_NEW_NAME, None, "n_submit")],
        [_state(ids.USERS_NEW_NAME, name), _state(ids.USERS_NEW_ROLE, role)],
    )


def change_role(app, client, name: str, role: str):
    return callback(
        client,
        _output_key(app, ids.USERS_ROLE_BUTTON),
        [_click(ids.USERS_ROLE_BUTTON)],
        [_state(ids.USERS_PICKER, name), _state(ids.USERS_ROLE_PICKER, role)],
    )


def act(app, client, button: str, name: str):
    return callback(client, _output_key(app, button), [_click(button)], [_state(ids.USERS_PICKER, name)])


def _found(tree, class_name: str) -> list:
    """The children of every component in a JSON layout tree with `class_name` among its classes."""
    found = []
    if isinstance(tree, dict):
        props = tree.get("props", {})
        if class_name in str(props.get("className", "")).split():
            found.append(props.get("children"))
        for value in list(props.values()) + [value for key, value in tree.items() if key != "props"]:
            found.extend(_found(value, class_name))
    elif isinstance(tree, list):
        for item in tree:
            found.extend(_found(item, class_name))
    return found


def _text(tree) -> str:
    """All the text of a JSON layout tree."""
    if isinstance(tree, str):
        return tree
    if isinstance(tree, dict):
        return _text(tree.get("props", {}).get("children"))
    if isinstance(tree, list):
        return " ".join(_text(item) for item in tree)
    return ""


def _response(result) -> dict:
    assert result.status_code == 200, result.get_data(as_text=True)[:500]
    return result.get_json()["response"]


def signs_in(app, name: str, password: str) -> bool:
    client = app.server.test_client()
    token = form_token(client.get("/sign-in").get_data(as_text=True))
    answer = client.post("/sign-in", data={"name": name, "password": password, "csrf_token": token})
    return answer.status_code == 302


def _events(engine, action: str):
    return audit.audit_frame(engine, action=action)


def test_an_admin_adds_a_user_and_sees_a_generated_password_once(app, engine):
    admin = client_as(app, "admin")
    response = _response(add(app, admin, "  Nia   Newcomer ", "officer"))
    user = users.find_user(engine, "nia newcomer")
    assert user is not None and user.name == "Nia Newcomer" and user.role == "officer" and user.active
    shown = _found(response[ids.USERS_STATUS]["children"], "generated-password")
    assert len(shown) == 1 and isinstance(shown[0], str) and len(shown[0]) >= users.MIN_PASSWORD_LENGTH
    status = _text(response[ids.USERS_STATUS]["children"])
    assert "Nia Newcomer has been added as an officer." in status
    assert "/account/password" in status and "securely" in status
    assert response[ids.USERS_ALERT]["children"] is None
    assert response[ids.USERS_NEW_NAME]["value"] == ""
    assert "Nia Newcomer" in _text(response[ids.USERS_TABLE]["children"])
    assert "Nia Newcomer (officer, active)" in [o["label"] for o in response[ids.USERS_PICKER]["options"]]
    assert "Ada Admin added Nia Newcomer as an officer" in " ".join(
        _text(response[ids.USERS_HISTORY]["children"]).split()
    )
    assert signs_in(app, "Nia Newcomer", shown[0])
    added = _events(engine, "user.added")
    assert added.iloc[0]["actor"] == "Ada Admin" and added.iloc[0]["subject"] == "Nia Newcomer"
    assert shown[0] not in json.dumps(audit.audit_frame(engine).to_dict("records"), default=str)


def test_adding_a_name_already_taken_or_not_allowed_says_why(app, engine):
    admin = client_as(app, "admin")
    response = _response(add(app, admin, "olu officer", "viewer"))
    assert _text(response[ids.USERS_ALERT]["children"]) == "There is already a user called 'olu officer'."
    assert response[ids.USERS_STATUS]["children"] is None
    response = _response(add(app, admin, "<script>", "viewer"))
    assert "A user name must be 1 to 80 characters" in _text(response[ids.USERS_ALERT]["children"])
    response = _response(add(app, admin, "Sam Superuser", "owner"))
    assert "The role must be one of viewer, officer, admin" in _text(response[ids.USERS_ALERT]["children"])
    assert users.find_user(engine, "Sam Superuser") is None
    assert len(users.list_users(engine)) == 3


@pytest.mark.parametrize(("role", "status"), [("viewer", 403), ("officer", 403), (None, 401)])
def test_only_an_admin_may_call_the_users_callbacks(app, engine, role, status):
    client = client_as(app, role)
    assert add(app, client, "Mallory Intruder", "admin").status_code == status
    assert change_role(app, client, NAMES["viewer"], "admin").status_code == status
    for button in (ids.USERS_DISABLE_BUTTON, ids.USERS_ENABLE_BUTTON, ids.USERS_RESET_BUTTON):
        assert act(app, client, button, NAMES["admin"]).status_code == status
    picked = callback(client, _output_key(app, ids.USERS_PICKER), [_state(ids.USERS_PICKER, NAMES["admin"])])
    assert picked.status_code == status
    assert users.find_user(engine, "Mallory Intruder") is None
    assert {(u.name, u.role, u.active) for u in users.list_users(engine)} == {(NAMES[r], r, True) for r in users.ROLES}
    assert _events(engine, "user.").actor.eq("test setup").all()
    assert signs_in(app, NAMES["admin"], PASSWORDS["admin"])


def test_the_page_is_for_admins_only(app, engine):
    assert client_as(app, "viewer").get("/admin/users").status_code == 403
    assert client_as(app, "officer").get("/admin/users").status_code == 403
    assert client_as(app, None).get("/admin/users").status_code == 302
    assert client_as(app, "admin").get("/admin/users").status_code == 200
    assert '"/admin/users"' in json.dumps(client_as(app, "admin").get("/_dash-layout").get_json())  # in the menu
    assert '"/admin/users"' not in json.dumps(client_as(app, "officer").get("/_dash-layout").get_json())


def test_changing_a_role_and_disabling_are_done_and_audited(app, engine):
    admin, vera = client_as(app, "admin"), client_as(app, "viewer")
    assert vera.get("/").status_code == 200

    picked = _response(
        callback(admin, _output_key(app, ids.USERS_PICKER), [_state(ids.USERS_PICKER, NAMES["officer"])])
    )
    assert picked[ids.USERS_ROLE_PICKER]["value"] == "officer"

    response = _response(change_role(app, admin, NAMES["viewer"], "officer"))
    assert "Vera Viewer is now an officer" in _text(response[ids.USERS_STATUS]["children"])
    assert users.find_user(engine, NAMES["viewer"]).role == "officer"
    changed = _events(engine, "user.role_changed").iloc[0]
    assert (changed.actor, changed.subject, changed.detail) == (
        "Ada Admin",
        "Vera Viewer",
        {"from": "viewer", "to": "officer"},
    )
    assert "changed Vera Viewer's role from viewer to officer" in _text(response[ids.USERS_HISTORY]["children"])
    assert vera.get("/").status_code == 302  # a role change ends the user's sessions: sent to sign in

    response = _response(act(app, admin, ids.USERS_DISABLE_BUTTON, NAMES["viewer"]))
    assert "Vera Viewer has been disabled" in _text(response[ids.USERS_STATUS]["children"])
    assert users.find_user(engine, NAMES["viewer"]).active is False
    disabled = _events(engine, "user.disabled").iloc[0]
    assert (disabled.actor, disabled.subject) == ("Ada Admin", "Vera Viewer")
    assert "Disabled" in _text(response[ids.USERS_TABLE]["children"])
    assert not signs_in(app, NAMES["viewer"], PASSWORDS["viewer"])

    again = _response(act(app, admin, ids.USERS_DISABLE_BUTTON, NAMES["viewer"]))
    assert "Vera Viewer is already disabled: nothing changed." in _text(again[ids.USERS_STATUS]["children"])
    assert len(_events(engine, "user.disabled")) == 1

    response = _response(act(app, admin, ids.USERS_ENABLE_BUTTON, NAMES["viewer"]))
    assert "Vera Viewer has been enabled" in _text(response[ids.USERS_STATUS]["children"])
    assert users.find_user(engine, NAMES["viewer"]).active is True
    assert _events(engine, "user.enabled").iloc[0].actor == "Ada Admin"
    assert signs_in(app, NAMES["viewer"], PASSWORDS["viewer"])


def test_resetting_a_password_shows_the_new_one_once(app, engine):
    admin = client_as(app, "admin")
    response = _response(act(app, admin, ids.USERS_RESET_BUTTON, NAMES["officer"]))
    shown = _found(response[ids.USERS_STATUS]["children"], "generated-password")
    assert len(shown) == 1
    assert not signs_in(app, NAMES["officer"], PASSWORDS["officer"])
    assert signs_in(app, NAMES["officer"], shown[0])
    reset = _events(engine, "user.password_changed").iloc[0]
    assert (reset.actor, reset.subject) == ("Ada Admin", "Olu Officer")
    assert "reset Olu Officer's password" in _text(response[ids.USERS_HISTORY]["children"])

    own = _response(act(app, admin, ids.USERS_RESET_BUTTON, NAMES["admin"]))
    assert "To change your own password" in _text(own[ids.USERS_ALERT]["children"])
    assert signs_in(app, NAMES["admin"], PASSWORDS["admin"])


def test_nothing_chosen_says_so(app, engine):
    response = _response(act(app, client_as(app, "admin"), ids.USERS_DISABLE_BUTTON, None))
    assert "Choose a user first" in _text(response[ids.USERS_ALERT]["children"])


def test_the_last_active_admin_cannot_be_disabled_or_demoted(app, engine):
    admin = client_as(app, "admin")
    response = _response(act(app, admin, ids.USERS_DISABLE_BUTTON, NAMES["admin"]))
    alert = response[ids.USERS_ALERT]
    assert _text(alert["children"]) == LAST_ADMIN
    assert response[ids.USERS_STATUS]["children"] is None
    response = _response(change_role(app, admin, NAMES["admin"], "viewer"))
    assert _text(response[ids.USERS_ALERT]["children"]) == LAST_ADMIN
    ada = users.find_user(engine, NAMES["admin"])
    assert ada.role == "admin" and ada.active
    assert _events(engine, "user.disabled").empty and _events(engine, "user.role_changed").empty
    assert admin.get("/").status_code == 200  # still signed in


def test_the_layout_renders_for_an_admin_and_refuses_anyone_else(app, engine):
    page = _users_page()
    with app.server.test_request_context("/admin/users"):
        flask_login.login_user(auth.SignedInUser(users.find_user(engine, NAMES["admin"])))
        layout = page.layout().to_plotly_json()
    text = _text(json.loads(json.dumps(layout, default=lambda c: c.to_plotly_json())))
    for name in NAMES.values():
        assert name in text
    assert "Add a user" in text and "Recent user changes" in text and "(you)" in text
    with app.server.test_request_context("/admin/users"):
        flask_login.login_user(auth.SignedInUser(users.find_user(engine, NAMES["officer"])))
        refused = page.layout().to_plotly_json()
    refused_text = _text(json.loads(json.dumps(refused, default=lambda c: c.to_plotly_json())))
    assert "does not include permission to manage users" in refused_text
    assert "Olu Officer" not in refused_text
