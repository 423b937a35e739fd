"""`GET /healthz`: whether this server can read and write its database, for a load balancer.

200 `{"status": "ok"}` when it can; 503 `{"status": "unavailable", "problem": "..."}` when it cannot, so the
load balancer takes the server out until the database recovers. Public and cheap (see `measures.storage.health`).
"""

from __future__ import annotations

from flask import Flask, Response, jsonify

from dashboard.server.data import engine
from measures.storage.health import check_database


def install(server: Flask) -> None:
    """Add the `/healthz` route to the server (the request gate lets it through without signing in)."""

    @server.route("/healthz", endpoint="healthz")
    def _healthz() -> Response:
        health = check_database(engine())
        if health.ok:
            return jsonify({"status": "ok"})
        response = jsonify({"status": "unavailable", "problem": health.problem})
        response.status_code = 503
        return response
