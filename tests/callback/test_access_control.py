"""Every Dash callback is an HTTP endpoint: these tests call `/_dash-update-component` directly, as an attacker
with a viewer's session (or none) would, for every write callback and every worker-level read, and expect the
server to refuse before the callback runs. Also: CSRF, cookies, security headers and open viewing."""

from __future__ import annotations

import pytest

from measures.accounts import users
from measures.storage import audit, db
from tests.auth_helpers import callback, client_as, form_token

# The permissions that guard writes or staff personal data: anyone without them must be refused.
RESTRICTED = (users.VIEW_WORKERS, users.UPLOAD, users.COMMENT, users.EDIT_CATALOGUE, users.MANAGE_USERS)
ROUTER = ".._pages_content.children..._pages_store.data.."


def _restricted_callbacks(app) -> dict[str, str]:
    return {
        output: getattr(entry.get("callback"), "required_permission", None)
        for output, entry in app.callback_map.items()
        if getattr(entry.get("callback"), "required_permission", None) in RESTRICTED
    }


def _request_for(app, output: str) -> tuple[list[dict], list[dict]]:
    """Inputs and state for a callback, all empty: the gate decides before the values matter, and a callback let
    through does nothing with them."""
    entry = app.callback_map[output]
    inputs = [{"id": i["id"], "property": i["property"], "value": None} for i in entry["inputs"]]
    state = [{"id": s["id"], "property": s["property"], "value": None} for s in entry["state"]]
    return inputs, state


def test_every_callback_declares_the_permission_it_needs(app):
    undeclared = [
        output
        for output, entry in app.callback_map.items()
        if "_pages_content" not in output
        and "callback" in entry
        and not hasattr(entry["callback"], "required_permission")
    ]
    assert undeclared == []


def test_the_restricted_callbacks_are_the_writes(app):
    restricted = _restricted_callbacks(app)
    by_permission = {permission: sum(1 for p in restricted.values() if p == permission) for permission in RESTRICTED}
    assert by_permission[users.UPLOAD] == 5  # template, check, confirm; the ratings page's month and save
    # The worker-level reads are the workers page itself, which only the page router serves (refused below, in
    # test_the_page_router_refuses_restricted_pages): its month and team pickers navigate in the browser now, and
    # no server callback needs VIEW_WORKERS.
    assert by_permission[users.VIEW_WORKERS] == 0
    assert by_permission[users.COMMENT] >= 1
    assert by_permission[users.EDIT_CATALOGUE] >= 1
    assert by_permission[users.MANAGE_USERS] >= 1


@pytest.mark.parametrize("role, status", [(None, 401), ("viewer", 403)])
def test_viewers_and_visitors_are_refused_every_restricted_callback(app, role, status):
    client = client_as(app, role)
    before = audit.audit_frame(db.make_engine(), limit=1)["id"].tolist()
    refused = {}
    for output in _restricted_callbacks(app):
        inputs, state = _request_for(app, output)
        response = callback(client, output, inputs, state)
        refused[output] = response.status_code
        assert "error" in response.get_json()
    assert set(refused.values()) == {status}, refused
    assert audit.audit_frame(db.make_engine(), limit=1)["id"].tolist() == before  # nothing was written


def test_officers_are_refused_the_admin_callbacks_but_not_their_own(app):
    client = client_as(app, "officer")
    for output, permission in _restricted_callbacks(app).items():
        inputs, state = _request_for(app, output)
        status = callback(client, output, inputs, state).status_code
        if permission in (users.EDIT_CATALOGUE, users.MANAGE_USERS):
            assert status == 403, output
        else:
            assert status not in (401, 403), output


@pytest.mark.parametrize("path", ["/workers/2.2", "/upload", "/admin/users", "/admin/targets"])
@pytest.mark.parametrize("role, status", [(None, 401), ("viewer", 403)])
def test_the_page_router_refuses_restricted_pages(app, path, role, status):
    client = client_as(app, role)
    inputs = [
        {"id": "_pages_location", "property": "pathname", "value": path},
        {"id": "_pages_location", "property": "search", "value": "?period=2022-12"},
    ]
    response = callback(client, ROUTER, inputs)
    assert response.status_code == status
    assert "Worker 1" not in response.get_data(as_text=True)


def test_an_officer_gets_the_worker_page_from_the_router(app):
    client = client_as(app, "officer")
    inputs = [
        {"id": "_pages_location", "property": "pathname", "value": "/workers/2.2"},
        {"id": "_pages_location", "property": "search", "value": "?period=2022-12"},
    ]
    response = callback(client, ROUTER, inputs)
    assert response.status_code == 200 and "Worker 1" in response.get_data(as_text=True)


def test_a_viewer_reads_service_and_team_figures(app):
    client = client_as(app, "viewer")
    for path in ("/measure/3.1", "/teams/3.1", "/area/3"):
        inputs = [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": ""},
        ]
        assert callback(client, ROUTER, inputs).status_code == 200, path


def test_a_callback_without_the_csrf_header_is_refused(app):
    client = client_as(app, "officer")
    inputs = [
        {"id": "_pages_location", "property": "pathname", "value": "/"},
        {"id": "_pages_location", "property": "search", "value": ""},
    ]
    body = {"output": ROUTER, "outputs": [], "inputs": inputs, "state": [], "changedPropIds": []}
    response = client.post("/_dash-update-component", json=body)  # no X-CSRFToken header
    assert response.status_code == 400
    assert "reload" in response.get_json()["error"]


def test_the_sign_in_form_needs_its_csrf_token(app):
    client = app.server.test_client()
    response = client.post("/sign-in", data={"name": "Olu Officer", "password": "officer-password-1234"})
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert client.get("/").status_code == 302  # still not signed in


def test_a_request_naming_no_callback_is_refused(app):
    client = client_as(app, "admin")
    assert callback(client, "nothing.children", [{"id": "x", "property": "y", "value": 1}]).status_code == 400


def test_the_session_cookie_is_httponly_samesite_and_secure_over_https(app):
    client = app.server.test_client()
    token = form_token(client.get("/sign-in", base_url="https://measures.example").get_data(as_text=True))
    response = client.post(
        "/sign-in",
        base_url="https://measures.example",
        headers={"Referer": "https://measures.example/sign-in"},
        data={"name": "Olu Officer", "password": "officer-password-1234", "csrf_token": token},
    )
    assert response.status_code == 302
    session_cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("mtm_session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie and "Secure" in session_cookie
    assert "Strict-Transport-Security" in response.headers
    plain = app.server.test_client()
    token = form_token(plain.get("/sign-in").get_data(as_text=True))
    response = plain.post(
        "/sign-in", data={"name": "Olu Officer", "password": "officer-password-1234", "csrf_token": token}
    )
    session_cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("mtm_session="))
    assert "HttpOnly" in session_cookie and "Secure" not in session_cookie  # plain HTTP on loopback


def test_every_response_carries_the_security_headers(app):
    client = client_as(app, "viewer")
    for path in ("/", "/sign-in", "/_dash-layout", "/assets/style.css"):
        headers = client.get(path).headers
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
    page = client.get("/").headers
    assert page["Cache-Control"] == "no-store"
    assert "'unsafe-eval'" not in page["Content-Security-Policy"]


def test_sign_in_redirects_only_within_the_site(app):
    client = app.server.test_client()
    token = form_token(client.get("/sign-in").get_data(as_text=True))
    response = client.post(
        "/sign-in",
        data={
            "name": "Vera Viewer",
            "password": "viewer-password-1234",
            "csrf_token": token,
            "next": "https://evil.example/",
        },
    )
    assert response.headers["Location"] == "/"


def test_a_changed_password_ends_other_sessions(app):
    first = client_as(app, "officer")
    assert first.get("/").status_code == 200
    users.set_password(db.make_engine(), "Olu Officer", "a-brand-new-password-99", "Ada Admin")
    assert first.get("/").status_code == 302  # sent to sign in


def test_a_disabled_user_is_signed_out_at_once(app):
    client = client_as(app, "viewer")
    users.set_active(db.make_engine(), "Vera Viewer", False, "Ada Admin")
    inputs = [
        {"id": "_pages_location", "property": "pathname", "value": "/measure/3.1"},
        {"id": "_pages_location", "property": "search", "value": ""},
    ]
    assert callback(client, ROUTER, inputs).status_code == 401


def test_signing_in_and_out_is_audited(app):
    client = client_as(app, "viewer")
    token = form_token(client.get("/account/password").get_data(as_text=True))
    client.post("/sign-out", data={"csrf_token": token})
    actions = audit.audit_frame(db.make_engine(), actor="Vera Viewer")["action"].tolist()
    assert actions[:2] == ["sign_out", "sign_in.succeeded"]


def test_open_viewing_lets_anyone_read_service_level_figures_only(app, monkeypatch):
    monkeypatch.setenv("MEASURES_OPEN_VIEWING", "service")
    client = client_as(app, None)
    assert client.get("/").status_code == 200
    assert client.get("/measure/3.1").status_code == 200
    assert client.get("/teams/3.1").status_code == 302  # team level needs signing in
    overview = [
        {"id": "_pages_location", "property": "pathname", "value": "/measure/3.1"},
        {"id": "_pages_location", "property": "search", "value": ""},
    ]
    response = callback(client, ROUTER, overview)
    assert response.status_code == 200
    assert "/teams/3.1" not in response.get_data(as_text=True)  # no links to what they may not open
    for output in _restricted_callbacks(app):
        inputs, state = _request_for(app, output)
        assert callback(client, output, inputs, state).status_code == 401, output


def test_the_accessibility_statement_is_public_and_nothing_else_is(app):
    client = client_as(app, None)
    assert client.get("/accessibility").status_code == 200
    inputs = [
        {"id": "_pages_location", "property": "pathname", "value": "/accessibility"},
        {"id": "_pages_location", "property": "search", "value": ""},
    ]
    assert callback(client, ROUTER, inputs).status_code == 200
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "Sign in" in layout and "Upload a return" not in layout and "Overview" not in layout
    for path in ("/", "/measure/3.1", "/area/3", "/pack", "/pack.pdf", "/no-such-page"):
        assert client.get(path).status_code == 302, path


def test_the_router_renders_only_the_pathname_the_gate_checked(app):
    """Dash passes the router its inputs by position: a request that lists a public path second must not pass."""
    client = client_as(app, None)
    inputs = [
        {"id": "_pages_location", "property": "x", "value": "/"},
        {"id": "_pages_location", "property": "pathname", "value": "/accessibility"},
    ]
    response = callback(client, ROUTER, inputs)
    assert response.status_code == 400
    assert "measure-row" not in response.get_data(as_text=True)


def test_signing_out_ends_the_session_even_for_a_copy_of_its_cookie(app):
    client = client_as(app, "officer")
    stolen = client.get_cookie("mtm_session").value
    token = form_token(client.get("/account/password").get_data(as_text=True))
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 302
    replay = app.server.test_client()
    replay.set_cookie("mtm_session", stolen)
    assert replay.get("/workers/2.2").status_code == 302  # sent to sign in


def test_a_post_to_any_other_address_is_refused(app):
    client = client_as(app, "admin")
    for path in ("/", "/pack.pdf", "/_mcp", "/anything"):
        assert client.post(path).status_code == 405, path


def test_the_print_token_opens_the_pack_and_nothing_else(app):
    from dashboard.server.auth import PRINT_TOKEN_COOKIE
    from dashboard.server.data import engine
    from measures.accounts.print_tokens import issue_print_token

    token = issue_print_token(engine(), "/pack", "2023-01")
    printer = app.server.test_client()
    printer.set_cookie(PRINT_TOKEN_COOKIE, token)
    assert printer.get("/pack?period=2023-01").status_code == 200
    pack = [
        {"id": "_pages_location", "property": "pathname", "value": "/pack"},
        {"id": "_pages_location", "property": "search", "value": "?period=2023-01"},
    ]
    assert callback(printer, ROUTER, pack).status_code == 200
    another_month = [pack[0], {**pack[1], "value": "?period=2022-12"}]
    assert callback(printer, ROUTER, another_month).status_code == 403
    for path in ("/measure/3.1", "/teams/2.2", "/workers/2.2"):
        other = [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": ""},
        ]
        assert callback(printer, ROUTER, other).status_code == 403, path
        assert printer.get(path).status_code == 403, path
    forged = app.server.test_client()
    forged.set_cookie(PRINT_TOKEN_COOKIE, "forged")
    assert forged.get("/pack?period=2023-01").status_code == 403
    replayed = app.server.test_client()  # the same token again, by anyone: spent on its first use
    replayed.set_cookie(PRINT_TOKEN_COOKIE, token)
    assert replayed.get("/pack?period=2023-01").status_code == 403
