"""The request gate reads Dash's page router by ids and a callback key that Dash keeps private (`dash.dash._ID_*`).
These tests fail if an upgrade of Dash stops using them, so a renamed router can never be let past the gate
unchecked; and they pin how the gate reads the router's inputs: by position, as Dash passes them."""

from __future__ import annotations

import dash
from dash import dcc, html
from flask import Flask

from dashboard import ids
from dashboard.server import page_router
from measures.accounts.print_tokens import issue_print_token
from tests.auth_helpers import callback


def _ids_in(component) -> dict[str, type]:
    found = {}
    for child in component.children or []:
        if getattr(child, "id", None):
            found[child.id] = type(child)
    return found


def test_dash_page_container_uses_the_ids_the_gate_reads():
    container = _ids_in(dash.page_container)
    assert container[ids.PAGES_LOCATION] is dcc.Location
    assert container[ids.PAGES_CONTENT] is html.Div
    assert container[ids.PAGES_STORE] is dcc.Store


def test_dash_routes_pages_through_the_callback_the_gate_checks(app):
    entry = app.callback_map[page_router.ROUTER_OUTPUT]
    assert "callback" in entry
    declared = [(given["id"], given["property"]) for given in entry["inputs"]]
    assert declared == list(page_router.ROUTER_INPUTS)  # Dash passes them to the router in this order
    others = [output for output in app.callback_map if ids.PAGES_CONTENT in output]
    assert others == [page_router.ROUTER_OUTPUT]


def _read(body: dict) -> tuple[str | None, str | None]:
    with Flask(__name__).test_request_context("/_dash-update-component", method="POST", json=body):
        return page_router.router_pathname(), page_router.router_search()


def _router(*inputs: dict) -> dict:
    return {"output": page_router.ROUTER_OUTPUT, "inputs": list(inputs)}


PATHNAME = {"id": ids.PAGES_LOCATION, "property": "pathname", "value": "/pack"}
SEARCH = {"id": ids.PAGES_LOCATION, "property": "search", "value": "?period=2023-01"}


def test_the_router_inputs_are_read_where_dash_reads_them():
    assert _read(_router(PATHNAME, SEARCH)) == ("/pack", "?period=2023-01")
    assert _read(_router(PATHNAME, {**SEARCH, "value": None})) == ("/pack", "")
    # Dash would render the value at position 1 whatever it is called: a search named elsewhere is not read.
    decoy = {"id": "elsewhere", "property": "search", "value": "?period=2022-12"}
    assert _read(_router(PATHNAME, decoy, SEARCH)) == ("/pack", None)
    assert _read(_router(SEARCH, PATHNAME)) == (None, None)
    assert _read({**_router(PATHNAME, SEARCH), "output": f"{ids.URL}.pathname"}) == (None, None)


def test_a_print_session_cannot_name_its_month_away_from_where_dash_reads_it(app):
    from dashboard.server.data import engine
    from dashboard.server.print_sessions import PRINT_TOKEN_COOKIE

    printer = app.server.test_client()
    printer.set_cookie(PRINT_TOKEN_COOKIE, issue_print_token(engine(), "/pack", "2023-01"))
    assert printer.get("/pack?period=2023-01").status_code == 200
    other_month = {**SEARCH, "id": "elsewhere", "value": "?period=2022-12"}
    response = callback(printer, page_router.ROUTER_OUTPUT, [PATHNAME, other_month, SEARCH])
    assert response.status_code in (400, 403)
    assert "2022" not in response.get_data(as_text=True)


def _router_request(path: str) -> list[dict]:
    return [{**PATHNAME, "value": path}, {**SEARCH, "value": ""}]


# Dash's router matches "<ref>" in a page's path template with any text, slashes included: these paths render the
# workers, teams and users pages, so the gate must ask those pages' permissions.
RENDERED_AS_RESTRICTED = ("/workers/2.2/extra", "/workers/2.2/x/y/", "//teams/2.2/x", "/admin/users/")


def test_the_gate_asks_the_permission_of_the_page_dash_will_render(app, monkeypatch):
    from tests.auth_helpers import client_as

    viewer = client_as(app, "viewer")
    for path in RENDERED_AS_RESTRICTED:
        expected = 200 if path.startswith("//teams") else 403
        assert callback(viewer, page_router.ROUTER_OUTPUT, _router_request(path)).status_code == expected, path
        if not path.startswith("//"):
            assert viewer.get(path).status_code == expected, path
    monkeypatch.setenv("MEASURES_OPEN_VIEWING", "service")  # anyone may read service-level pages, no others
    visitor = client_as(app, None)
    for path in RENDERED_AS_RESTRICTED:
        assert callback(visitor, page_router.ROUTER_OUTPUT, _router_request(path)).status_code == 401, path
    assert callback(visitor, page_router.ROUTER_OUTPUT, _router_request("/measure/3.1")).status_code == 200


def test_the_gate_finds_the_page_dash_renders_for_any_path(app):
    """The page the gate judges is the page Dash's router renders: asked through the router as an admin (who may
    see every page), the title Dash sends back is the title of the page `page_for` found."""
    from dash._pages import _path_to_page

    from dashboard.server.gate import page_for
    from tests.auth_helpers import client_as

    admin = client_as(app, "admin")
    not_found = next(page for module, page in dash.page_registry.items() if module.endswith("not_found_404"))
    paths = ["/", "/pack", "/pack/", "/workers/2.2", "/workers/2.2/extra", "/teams//x", "/measure/", "/nowhere"]
    paths += [f"/{segment}/a/b" for segment in ("area", "measure", "teams", "workers", "admin")]
    for path in paths:
        response = callback(admin, page_router.ROUTER_OUTPUT, _router_request(path))
        assert response.status_code == 200, path
        rendered = response.get_json()["response"][ids.PAGES_STORE]["data"]["title"]
        title = (page_for(path) or not_found).get("title")  # no page found: Dash renders its not-found page
        assert title, path
        if callable(title):  # a title made from the path's variables, as Dash makes it
            title = title(**_path_to_page(dash.strip_relative_path(path) or "")[1])
        assert rendered == title, path
    assert page_for("/nowhere") == {} and page_for("/workers/2.2/extra")["path_template"] == "/workers/<ref>"


def test_a_request_naming_the_page_content_beside_other_outputs_is_refused_not_run(app):
    officer = __import__("tests.auth_helpers", fromlist=["client_as"]).client_as(app, "officer")
    for output in (f"{ids.PAGES_CONTENT}.children", f"..{ids.PAGES_CONTENT}.children...{ids.URL}.pathname.."):
        response = callback(officer, output, _router_request("/pack"))
        assert response.status_code == 400, output
