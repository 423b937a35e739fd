"""Security headers on every response: a Content-Security-Policy that Dash and plotly work under, no MIME
sniffing, no framing by other sites, no caching of figures, and HSTS when served over HTTPS.

Dash writes a few inline scripts into its page (the renderer's start-up and clientside callbacks); instead of
allowing inline scripts generally, the policy lists their hashes (`Dash.csp_hashes`). Plotly and Dash's
components set inline styles, so `style-src` allows them: styles cannot run code.
"""

from __future__ import annotations

from flask import request

STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")


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


def install(app) -> None:
    """Add the headers to every response of the Dash app's server."""

    @app.server.after_request
    def _headers(response):
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
        if not request.path.startswith(STATIC_PREFIXES):
            headers["Cache-Control"] = "no-store"
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
