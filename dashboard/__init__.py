"""The Measures that Matter dashboard (Dash, multi-page). `create_app()` builds it; `app.py` serves it."""

from __future__ import annotations

from pathlib import Path

from dash import Dash

from dashboard.server import auth, callback_requests, errors, health, response_cache, security_headers
from dashboard.server.month_downloads import register_month_download_routes
from dashboard.server.pdf import register_pdf_route
from measures.domain.council import load_council

ROOT = Path(__file__).resolve().parent.parent
UPLOAD_REQUEST_LIMIT = 15 * 1024 * 1024


def create_app() -> Dash:
    """Return the Dash app with every page of `dashboard/pages/` registered, the shared stylesheet, sign-in
    and security headers. Needs an initialised database (`python -m measures init`): the session key lives
    there; raises sqlalchemy errors otherwise."""
    from dashboard.components.shell import shell

    app = Dash(
        "dashboard",
        use_pages=True,
        pages_folder="pages",
        assets_folder=str(ROOT / "assets"),
        title="Measures that Matter",
        update_title="",  # never "Updating..." in the tab (Dash: None or '')
        # Pages add and remove components; a callback whose inputs are on another page is not an error.
        suppress_callback_exceptions=True,
        # Dash's MCP endpoint would run callbacks without passing the request gate: never mount it.
        enable_mcp=False,
        # A callback that fails shows what happened in the page, with a reference the server's log carries.
        on_error=errors.callback_failed,
    )
    app.layout = shell
    # The sign-in, password and error pages name the council as the app's header does.
    app.server.jinja_env.globals["council_name"] = load_council().name
    # The server enforces the upload limit: a 10 MB workbook arrives base64-encoded inside a JSON callback
    # body (about 13.4 MB); anything much larger is refused before it is read.
    app.server.config["MAX_CONTENT_LENGTH"] = UPLOAD_REQUEST_LIMIT
    register_pdf_route(app.server)
    register_month_download_routes(app.server)
    errors.install(app)
    auth.install(app)
    health.install(app.server)
    callback_requests.install(app.server)
    security_headers.install(app)
    security_headers.install_missing_component_answer(app)
    response_cache.install(app.server)  # last: a stored page is served only to a request every check let through
    return app
