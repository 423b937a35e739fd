"""Security headers on every response: a Content-Security-Policy that Dash and plotly work under, no MIME
sniffing, no framing by other sites, no caching of figures or of a missing static file, a day's caching of the
favicon, and HSTS when served over HTTPS. No response names the server software (`quiet_request_handler` for
`python app.py`, `gunicorn.conf.py` for gunicorn).

Dash writes a few inline scripts into its page (the renderer's start-up and clientside callbacks); instead of
allowing inline scripts generally, the policy lists their hashes (`Dash.csp_hashes`). Plotly and Dash's
components set inline styles, so `style-src` allows them: styles cannot run code.
"""

from __future__ import annotations

from typing import Any

import dash
from flask import Response, request
from flask.typing import ResponseReturnValue

FAVICON_PATH = "/_favicon.ico"
FAVICON_SECONDS = 24 * 3600
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", FAVICON_PATH)


def content_security_policy(script_hashes: list[str]) -> str:
    """Return the Content-Security-Policy header value, allowing this site's scripts and these inline hashes."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def install(app: dash.Dash) -> None:
    """Add the headers to every response of the Dash app's server."""

    @app.server.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if response.mimetype == "text/html":
            # Hashes are taken per response: Dash adds its page-title script on the first request.
            headers.setdefault("Content-Security-Policy", content_security_policy(list(app.csp_hashes())))
        else:
            headers.setdefault("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
        if not request.path.startswith(STATIC_PREFIXES) or response.status_code >= 400:
            headers["Cache-Control"] = "no-store"  # figures, and any static path that is missing or failed
        elif request.path == FAVICON_PATH:
            headers["Cache-Control"] = f"public, max-age={FAVICON_SECONDS}"
        else:
            headers.setdefault("Cache-Control", "no-cache")  # Dash's fingerprinted files say a year themselves
        headers.pop("Server", None)
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


def install_missing_component_answer(app: dash.Dash) -> None:
    """Answer a request for a file Dash's component packages do not have with 404, as a missing asset is, rather
    than the server error (and traceback) Dash gives."""
    from dash.exceptions import DependencyException

    @app.server.errorhandler(DependencyException)
    def _missing(_error: Exception) -> ResponseReturnValue:
        return "Not found", 404, {"Content-Type": "text/plain; charset=utf-8"}


def quiet_request_handler() -> Any:
    """Return Werkzeug's request handler for `python app.py`, without the `Server: Werkzeug/… Python/…` header
    that tells an attacker which versions to look up."""
    from werkzeug.serving import WSGIRequestHandler

    class QuietRequestHandler(WSGIRequestHandler):
        def send_header(self, keyword: str, value: str) -> None:
            if keyword.lower() != "server":
                super().send_header(keyword, value)

    return QuietRequestHandler
